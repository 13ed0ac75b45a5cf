// React-Admin asks for page n of perPage rows; the API pages by cursor.
// The end cursor of every page seen is kept per query (resource, filter,
// sort, page size), so going forward or back one page is one request; a
// page nobody has reached yet costs one extra request that fetches only
// the cursor at its start.

export interface SortPayload {
    field: string;
    order: 'ASC' | 'DESC' | string;
}

export type PageStart = { first: number; after?: string } | { skip: number; first: number };

export class CursorCache {
    private readonly ends = new Map<string, Map<number, string | null>>();

    static key(resource: string, filter: unknown, sort: SortPayload | undefined, perPage: number): string {
        return JSON.stringify([resource, filter ?? {}, sort ?? null, perPage]);
    }

    /** Where page (1-based) starts: after a known cursor, or a skip to find it. */
    start(key: string, page: number, perPage: number): PageStart {
        if (page <= 1) return { first: perPage };
        const after = this.ends.get(key)?.get(page - 1);
        if (after) return { first: perPage, after };
        return { skip: (page - 1) * perPage, first: perPage };
    }

    /** Records the cursor at the end of page (null: there is no next page). */
    remember(key: string, page: number, endCursor: string | null): void {
        let m = this.ends.get(key);
        if (!m) {
            m = new Map();
            this.ends.set(key, m);
        }
        m.set(page, endCursor);
    }

    clear(): void {
        this.ends.clear();
    }
}

/** React-Admin's sort as the API's orderBy, when the field is sortable. */
export function orderBy(sort: SortPayload | undefined, fields: Record<string, string>): { field: string; direction: 'ASC' | 'DESC' } | undefined {
    if (!sort) return undefined;
    const field = fields[sort.field];
    if (!field) return undefined;
    return { field, direction: sort.order === 'DESC' ? 'DESC' : 'ASC' };
}
