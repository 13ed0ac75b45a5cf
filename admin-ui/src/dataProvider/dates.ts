/**
 * A date picked in a form as the API's Date scalar takes it (YYYY-MM-DD);
 * empty means not given.
 */
export function toApiDate(v: unknown): string | undefined {
    if (typeof v !== 'string' || v === '') return undefined;
    const m = /^(\d{4}-\d{2}-\d{2})/.exec(v);
    return m ? m[1] : v;
}
