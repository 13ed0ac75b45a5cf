import { useState } from 'react';
import { useLocaleState, useLocales } from 'react-admin';
import { Button, Menu, MenuItem } from '@mui/material';
import LanguageIcon from '@mui/icons-material/Translate';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';

/**
 * The app bar's language switcher: React-Admin's LocalesMenuButton, but its
 * menu is created when first opened. React-Admin keeps the menu mounted, which
 * renders it into a portal and positions it (a forced layout) while the
 * first page after sign-in is being drawn.
 */
export function LanguageMenu() {
    const [anchor, setAnchor] = useState<HTMLElement | null>(null);
    const [opened, setOpened] = useState(false);
    const languages = useLocales();
    const [locale, setLocale] = useLocaleState();
    return (
        <span>
            <Button
                color="inherit"
                variant="text"
                aria-controls="language-menu"
                aria-haspopup="true"
                onClick={e => {
                    setAnchor(e.currentTarget);
                    setOpened(true);
                }}
                startIcon={<LanguageIcon />}
                endIcon={<ExpandMoreIcon fontSize="small" />}
            >
                {languages.find(l => l.locale === locale)?.name ?? ''}
            </Button>
            {opened && (
                <Menu id="language-menu" anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
                    {languages.map(l => (
                        <MenuItem
                            key={l.locale}
                            selected={l.locale === locale}
                            onClick={() => {
                                setLocale(l.locale);
                                setAnchor(null);
                            }}
                        >
                            {l.name}
                        </MenuItem>
                    ))}
                </Menu>
            )}
        </span>
    );
}
