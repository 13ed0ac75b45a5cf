import { describe, expect, it } from 'vitest';
import { datePattern, formatDate, formatDateTime, formatDay, isDateOrEmpty, parseDate } from './dates';

// Times are shown in the browser's time zone: the tests run in Tashkent's (UTC+5).
process.env.TZ = 'Asia/Tashkent';

describe('dates in the chosen language', () => {
    it('follow the language: Russian and Uzbek day first, English month first', () => {
        expect(datePattern('ru')).toEqual({ order: ['day', 'month', 'year'], sep: '.' });
        expect(datePattern('uz')).toEqual({ order: ['day', 'month', 'year'], sep: '.' });
        expect(datePattern('en').order).toEqual(['month', 'day', 'year']);
        expect(formatDate('2031-12-05', 'ru')).toBe('05.12.2031');
        expect(formatDate('2031-12-05', 'en')).toBe('12/05/2031');
        expect(formatDate('1990-01-02T00:00:00Z', 'uz')).toBe('02.01.1990');
    });

    it('read what was typed as the API date once it is a whole real date', () => {
        expect(parseDate('05.12.2031', 'ru')).toBe('2031-12-05');
        expect(parseDate('5.1.1990', 'ru')).toBe('1990-01-05');
        expect(parseDate('05.12.2031', 'uz')).toBe('2031-12-05');
        expect(parseDate('05/12/2031', 'uz')).toBe('2031-12-05');
        expect(parseDate('12/05/2031', 'en')).toBe('2031-12-05');
        expect(parseDate('2031-12-05', 'ru')).toBe('2031-12-05');
        expect(parseDate('', 'ru')).toBe('');
        // Half typed, impossible or in the other order: kept as typed, refused by the check.
        for (const typed of ['05.12.20', '31.02.2031', '12/31/2031', '2031.12.05', 'завтра']) {
            expect(parseDate(typed, 'ru'), typed).toBe(typed);
            expect(isDateOrEmpty(parseDate(typed, 'ru')), typed).toBe(false);
        }
        expect(isDateOrEmpty(parseDate('12/31/2031', 'en'))).toBe(true);
        expect(isDateOrEmpty(undefined)).toBe(true);
    });

    it('shows what it reads: format after parse gives the typed date back', () => {
        for (const [locale, text] of [['ru', '01.02.2003'], ['en', '02/01/2003'], ['uz', '01.02.2003']]) {
            expect(formatDate(parseDate(text, locale), locale)).toBe(text);
        }
    });

    it("show points in time in the language's format and the browser's time zone", () => {
        expect(formatDateTime('2026-11-30T09:05:07Z', 'ru')).toBe('30.11.2026, 14:05:07');
        expect(formatDateTime('2026-11-30T09:05:07Z', 'uz')).toBe('30.11.2026, 14:05:07');
        expect(formatDateTime('2026-11-30T09:05:07Z', 'en')).toBe('11/30/2026, 2:05:07 PM');
        expect(formatDateTime('2026-11-30T19:00:00Z', 'en')).toBe('12/01/2026, 12:00:00 AM');
        expect(formatDateTime('2026-11-30T07:00:00Z', 'en')).toBe('11/30/2026, 12:00:00 PM');
        // The day in Tashkent, not in UTC.
        expect(formatDay('2026-11-30T22:30:00Z', 'ru')).toBe('01.12.2026');
        expect(formatDay('2026-11-30T22:30:00Z', 'en')).toBe('12/01/2026');
        expect(formatDay('not a time', 'ru')).toBe('not a time');
        expect(formatDateTime(null, 'ru')).toBe('');
    });
});
