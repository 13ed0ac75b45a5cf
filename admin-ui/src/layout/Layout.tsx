import { memo, type ReactNode } from 'react';
import { AppBar, Layout as RaLayout, LoadingIndicator, Logout, Menu, ToggleThemeButton, useThemesContext, UserMenu, useAuthProvider, useLogout, useTranslate } from 'react-admin';
import { ListItemIcon, ListItemText, MenuItem } from '@mui/material';
import LogoutIcon from '@mui/icons-material/PowerSettingsNew';
import CodeIcon from '@mui/icons-material/Code';
import { openPlayground } from '../playground/bridge';
import { LanguageMenu } from './LanguageMenu';

function LogoutEverywhere() {
    const translate = useTranslate();
    const auth = useAuthProvider() as { logoutEverywhere?: () => Promise<void> } | undefined;
    const logout = useLogout();
    return (
        <MenuItem
            onClick={async () => {
                await auth?.logoutEverywhere?.().catch(() => undefined);
                logout();
            }}
        >
            <ListItemIcon>
                <LogoutIcon fontSize="small" />
            </ListItemIcon>
            <ListItemText>{translate('mycourier.actions.logoutEverywhere')}</ListItemText>
        </MenuItem>
    );
}

function Playground() {
    const translate = useTranslate();
    return (
        <MenuItem onClick={openPlayground}>
            <ListItemIcon>
                <CodeIcon fontSize="small" />
            </ListItemIcon>
            <ListItemText>{translate('mycourier.actions.playground')}</ListItemText>
        </MenuItem>
    );
}

const userMenu = (
    <UserMenu>
        <Playground />
        <LogoutEverywhere />
        <Logout />
    </UserMenu>
);

// React-Admin's Layout renders its app bar and menu again whenever it
// renders (every route and auth-state change while the first page loads);
// with no changing props these two skip those renders and update only from
// their own state and contexts (language, identity, permissions, route).
// React-Admin's default app bar toolbar (language menu, light/dark switch,
// loading indicator) with the language menu mounted only when opened.
function Toolbar() {
    const { darkTheme } = useThemesContext();
    return (
        <>
            <LanguageMenu />
            {darkTheme && <ToggleThemeButton />}
            <LoadingIndicator />
        </>
    );
}

const toolbar = <Toolbar />;

const MyAppBar = memo(() => <AppBar userMenu={userMenu} toolbar={toolbar} />);
const MyMenu = memo(() => <Menu />);

export function Layout({ children }: { children: ReactNode }) {
    return (
        <RaLayout appBar={MyAppBar} menu={MyMenu}>
            {children}
        </RaLayout>
    );
}
