import polyglotI18nProvider from 'ra-i18n-polyglot';
import englishMessages from 'ra-language-english';
import { mergeTranslations } from 'react-admin';
import en from './en';
import ru from './ru';
import uz from './uz';

// ra-language-russian trails React-Admin by a few releases: keys it lacks
// read in English rather than as raw keys.
export const messages = { ru: mergeTranslations(englishMessages, ru), uz, en };
export type Locale = keyof typeof messages;

export const i18nProvider = polyglotI18nProvider(
    locale => {
        // The page's language for screen readers and the browser. It does not
        // change how <input type="date"> shows dates (that follows the
        // browser's language, checked in Chromium): layout/LocaleDateInput does.
        if (typeof document !== 'undefined' && locale in messages) document.documentElement.lang = locale;
        return messages[locale as Locale] ?? messages.ru;
    },
    'ru',
    [
        { locale: 'ru', name: 'Русский' },
        { locale: 'uz', name: "O'zbekcha" },
        { locale: 'en', name: 'English' },
    ],
    { allowMissing: true },
);
