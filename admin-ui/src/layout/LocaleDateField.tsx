import { useLocaleState, useRecordContext, useTranslate } from 'react-admin';
import { Typography } from '@mui/material';
import { formatDate, formatDateTime, formatDay } from './dates';

export interface LocaleDateFieldProps {
    source: string;
    label?: string;
    sortable?: boolean;
    /** The date with its time of day. */
    showTime?: boolean;
    /** A date without time (the API's Date, or a Time at midnight UTC): the same day everywhere. */
    dateOnly?: boolean;
    /** Shown (translated) when there is no value. */
    emptyText?: string;
}

/**
 * A read-only date (or date and time) in the chosen language's format, ru
 * and uz 30.11.2026, en 11/30/2026, like LocaleDateInput. React-Admin's
 * DateField formats with the browser's language instead.
 */
export function LocaleDateField({ source, showTime, dateOnly, emptyText }: LocaleDateFieldProps) {
    const record = useRecordContext();
    const [locale = 'ru'] = useLocaleState();
    const translate = useTranslate();
    const value: unknown = record?.[source];
    const text =
        value === null || value === undefined || value === ''
            ? emptyText
                ? translate(emptyText, { _: emptyText })
                : ''
            : showTime
              ? formatDateTime(value, locale)
              : dateOnly
                ? formatDate(value, locale)
                : formatDay(value, locale);
    if (!text) return null;
    return (
        <Typography component="span" variant="body2">
            {text}
        </Typography>
    );
}
