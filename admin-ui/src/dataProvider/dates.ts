/**
 * A date picked in a form (YYYY-MM-DD) as the API takes it. Date-only
 * values are sent as midnight UTC while the API types them as Time.
 */
export function toApiDate(v: unknown): string | undefined {
    if (typeof v !== 'string' || v === '') return undefined;
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return `${v}T00:00:00Z`;
    return v;
}
