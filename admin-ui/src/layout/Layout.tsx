import type { ReactNode } from 'react';
import { AppBar, Layout as RaLayout, Logout, UserMenu, useAuthProvider, useLogout, useTranslate } from 'react-admin';
import { ListItemIcon, ListItemText, MenuItem } from '@mui/material';
import LogoutIcon from '@mui/icons-material/PowerSettingsNew';
import CodeIcon from '@mui/icons-material/Code';
import { openPlayground } from '../playground/bridge';

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

const MyUserMenu = () => (
    <UserMenu>
        <Playground />
        <LogoutEverywhere />
        <Logout />
    </UserMenu>
);

const MyAppBar = () => <AppBar userMenu={<MyUserMenu />} />;

export function Layout({ children }: { children: ReactNode }) {
    return <RaLayout appBar={MyAppBar}>{children}</RaLayout>;
}
