import { Admin, CustomRoutes, Resource } from 'react-admin';
import { Route } from 'react-router-dom';
import { createAuthProvider } from './authProvider';
import { createDataProvider } from './dataProvider';
import { i18nProvider } from './i18n';
import { Layout } from './layout/Layout';
import { session } from './session';
import couriers, { CourierImport } from './couriers';
import partners from './partners';
import regions from './regions';
import branches from './branches';
import statusReasons from './statusReasons';

const authProvider = createAuthProvider(session);
const dataProvider = createDataProvider(session, (key, options) => i18nProvider.translate(key, options));

export function App() {
    return (
        <Admin
            title="mycourier"
            dataProvider={dataProvider}
            authProvider={authProvider}
            i18nProvider={i18nProvider}
            layout={Layout}
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
