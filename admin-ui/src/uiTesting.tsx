// Renders a piece of the admin inside React-Admin's contexts (translations,
// data provider, a record) for component tests in jsdom.
import type { ReactElement } from 'react';
import { AdminContext, RecordContextProvider, type AuthProvider, type DataProvider, type RaRecord } from 'react-admin';
import { render } from '@testing-library/react';
import polyglotI18nProvider from 'ra-i18n-polyglot';
import { messages, type Locale } from './i18n';

export function renderInAdmin(ui: ReactElement, opts: { dataProvider?: Partial<DataProvider>; locale?: Locale; record?: RaRecord; operations?: string[] } = {}) {
    const locale = opts.locale ?? 'ru';
    const i18n = polyglotI18nProvider(l => messages[l as Locale], locale, [], { allowMissing: true });
    const dp = { getList: async () => ({ data: [], total: 0 }), getMany: async () => ({ data: [] }), ...opts.dataProvider } as DataProvider;
    const auth: AuthProvider = {
        login: async () => undefined,
        logout: async () => undefined,
        checkAuth: async () => undefined,
        checkError: async () => undefined,
        getPermissions: async () => ({ role: 'owner', operations: new Set(opts.operations ?? []) }),
    };
    return render(
        <AdminContext dataProvider={dp} i18nProvider={i18n} authProvider={auth}>
            <RecordContextProvider value={opts.record}>{ui}</RecordContextProvider>
        </AdminContext>,
    );
}
