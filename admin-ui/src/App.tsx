import { Admin, CustomRoutes, Resource, localStorageStore } from 'react-admin';
import { QueryClient } from '@tanstack/react-query';
import { Route } from 'react-router-dom';
import { createAuthProvider } from './authProvider';
import { LoginPage } from './auth/LoginPage';
import { createDataProvider } from './dataProvider';
import { i18nProvider } from './i18n';
import { Layout } from './layout/Layout';
import { session } from './session';
import couriers, { CourierImport } from './couriers';
import { prefetchFirstPage } from './couriers/firstPage';
import partners from './partners';
import regions from './regions';
import branches from './branches';
import statusReasons from './statusReasons';

// React-Admin's own defaults, made here so the sign-in can fill the courier
// list's cache entry (couriers/firstPage.ts) with the params it will read.
const store = localStorageStore();
const queryClient = new QueryClient();
const dataProvider = createDataProvider(session, (key, options) => i18nProvider.translate(key, options));
const authProvider = createAuthProvider(session, {
    onSignIn: () => prefetchFirstPage(queryClient, dataProvider, store),
});

export function App() {
    return (
        <Admin
            title="mycourier"
            dataProvider={dataProvider}
            authProvider={authProvider}
            i18nProvider={i18nProvider}
            store={store}
            queryClient={queryClient}
            layout={Layout}
            loginPage={LoginPage}
            requireAuth
            disableTelemetry
        >
            <Resource name="couriers" {...couriers} recordRepresentation="lastName" />
            <Resource name="partners" {...partners} />
            <Resource name="regions" {...regions} />
            <Resource name="branches" {...branches} />
            <Resource name="statusReasons" {...statusReasons} />
            <CustomRoutes>
                <Route path="/couriers/import" element={<CourierImport />} />
            </CustomRoutes>
        </Admin>
    );
}
