/**
 * Dates typed in the chosen language's short form (ru and uz 30.11.2026,
 * en 11/30/2026) and kept as the API's Date (YYYY-MM-DD). The
 * browser's own date input follows the browser's language, not the app's.
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
