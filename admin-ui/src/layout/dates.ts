/**
 * Dates typed and shown in the chosen language's short form (ru and uz
 * 30.11.2026, en 11/30/2026) and kept as the API's Date (YYYY-MM-DD). The
 * browser's own date input and React-Admin's DateField follow the
 * browser's language, not the app's.
 */

type Part = 'day' | 'month' | 'year';

/**
 * The app's languages write dates as their users do: ru and uz 30.11.2026,
 * en 11/30/2026. Fixed here rather than read from Intl: the browser's
 * locale data differs (Debian's Chromium formats uz as 2026-11-30, Node as
 * 30/11/2026).
 */
const patterns: Record<string, { order: Part[]; sep: string }> = {
    ru: { order: ['day', 'month', 'year'], sep: '.' },
    uz: { order: ['day', 'month', 'year'], sep: '.' },
    en: { order: ['month', 'day', 'year'], sep: '/' },
};

/** The order of day, month and year in locale's short date, and their separator. */
export function datePattern(locale: string): { order: Part[]; sep: string } {
    const known = patterns[locale];
    if (known) return known;
    const parts = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }).formatToParts(
        new Date(Date.UTC(2026, 10, 30)),
    );
    const order = parts.map(p => p.type).filter((t): t is Part => t === 'day' || t === 'month' || t === 'year');
    return { order, sep: parts.find(p => p.type === 'literal')?.value ?? '.' };
}

const iso = /^(\d{4})-(\d{2})-(\d{2})/;

/** An API date as the locale writes it; anything else (a date half typed) as it is. */
export function formatDate(value: unknown, locale: string): string {
    if (typeof value !== 'string') return '';
    const m = iso.exec(value);
    if (!m) return value;
    const { order, sep } = datePattern(locale);
    const part = { year: m[1], month: m[2], day: m[3] };
    return order.map(p => part[p]).join(sep);
}

const two = (n: number) => String(n).padStart(2, '0');

function pointInTime(value: unknown): Date | null {
    if (typeof value !== 'string' && !(value instanceof Date)) return null;
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
}

function dayOf(d: Date, locale: string): string {
    const { order, sep } = datePattern(locale);
    const part = { year: String(d.getFullYear()), month: two(d.getMonth() + 1), day: two(d.getDate()) };
    return order.map(p => part[p]).join(sep);
}

/**
 * The day of a point in time (an API Time) in the browser's time zone, as
 * the locale writes dates; anything that is not a time as it is.
 */
export function formatDay(value: unknown, locale: string): string {
    const d = pointInTime(value);
    return d ? dayOf(d, locale) : typeof value === 'string' ? value : '';
}

/**
 * A point in time with its time of day, in the browser's time zone: ru and
 * uz 30.11.2026, 14:05:09; en 11/30/2026, 2:05:09 PM (the hour as each
 * language's users write it).
 */
export function formatDateTime(value: unknown, locale: string): string {
    const d = pointInTime(value);
    if (!d) return typeof value === 'string' ? value : '';
    let time: string;
    if (patterns[locale]) {
        const [h, m, sec] = [d.getHours(), two(d.getMinutes()), two(d.getSeconds())];
        time = locale === 'en' ? `${h % 12 || 12}:${m}:${sec} ${h < 12 ? 'AM' : 'PM'}` : `${two(h)}:${m}:${sec}`;
    } else {
        time = d.toLocaleTimeString(locale);
    }
    return `${dayOf(d, locale)}, ${time}`;
}

/**
 * What was typed as an API date, once it is a whole real date in the
 * locale's order (any of . / - or a space between; a pasted YYYY-MM-DD
 * too); otherwise the text as typed, for isDateOrEmpty to refuse.
 */
export function parseDate(text: string, locale: string): string {
    const t = text.trim();
    if (t === '') return '';
    let y: number, mo: number, d: number;
    const m = iso.exec(t);
    if (m && m[0] === t) {
        [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    } else {
        const nums = /^(\d{1,4})[./\-\s](\d{1,2})[./\-\s](\d{1,4})$/.exec(t);
        const { order } = datePattern(locale);
        if (!nums || nums[order.indexOf('year') + 1].length !== 4) return text;
        const at = (p: Part) => Number(nums[order.indexOf(p) + 1]);
        [y, mo, d] = [at('year'), at('month'), at('day')];
    }
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return text;
    return date.toISOString().slice(0, 10);
}

/** Whether a form value is empty or a whole date (parseDate made it YYYY-MM-DD). */
export function isDateOrEmpty(value: unknown): boolean {
    return value === undefined || value === null || value === '' || (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value));
}
