// The courier list is the page everyone lands on after signing in. Its first
// page is asked for as soon as the sign-in answers, beside `me`, under the
// query key React-Admin's list will use, so the list finds it on mount
// instead of asking only once `me`, the menu and the list have rendered.
import { getQuery, type DataProvider, type GetListParams, type Store } from 'react-admin';
import type { QueryClient } from '@tanstack/react-query';

/** The courier list's sort and page size: CourierList and the early read share them. */
export const courierListDefaults = { sort: { field: 'createdAt', order: 'DESC' as const }, perPage: 25 };

/**
 * How long the page read at sign-in counts as fresh: the list that mounts
 * right after shows it without asking for it a second time (also when its
 * access check ends and its query is enabled). Within that time, coming
 * back to the list's first page shows it again without a request; after
 * it, every visit reads again as before.
 */
export const EARLY_PAGE_FRESH_MS = 10_000;

let early: { hash: string; at: number } | null = null;

/**
 * The getList params and query key of the courier list opened without a
 * query in its address, as useListController computes them: the stored list
 * params (sort, filter, page kept from the last visit) or the defaults.
 */
export function firstPageQuery(store: Store): { params: GetListParams; queryKey: unknown[] } {
    const q = getQuery({
        queryFromLocation: {},
        params: store.getItem('couriers.listParams', {}),
        filterDefaultValues: undefined,
        sort: courierListDefaults.sort,
        perPage: courierListDefaults.perPage,
    });
    const params: GetListParams = {
        pagination: { page: q.page, perPage: q.perPage },
        sort: { field: q.sort, order: q.order },
        filter: { ...q.filter },
        meta: undefined,
    };
    // useGetList's key: [resource, 'getList', { pagination, sort, filter, meta }].
    return { params, queryKey: ['couriers', 'getList', params] };
}

/** Starts reading the courier list's first page into the list's query cache entry. */
export function prefetchFirstPage(queryClient: QueryClient, dataProvider: DataProvider, store: Store): Promise<void> {
    const { params, queryKey } = firstPageQuery(store);
    return queryClient
        .prefetchQuery({
            queryKey,
            // The same result shape useGetList stores.
            queryFn: () => dataProvider.getList('couriers', params).then(({ data, total, pageInfo, meta }) => ({ data, total, pageInfo, meta })),
        })
        .then(() => {
            const q = queryClient.getQueryCache().find({ queryKey, exact: true });
            early = q?.state.status === 'success' ? { hash: q.queryHash, at: q.state.dataUpdatedAt } : null;
        });
}

/**
 * The list's staleTime: the entry read at sign-in stays fresh for
 * EARLY_PAGE_FRESH_MS (no second request when the list mounts); any other
 * entry, or that one once read again, is stale at once, React-Admin's default.
 */
export function courierListStaleTime(query: { queryHash: string; state: { dataUpdatedAt: number } }): number {
    return early && query.queryHash === early.hash && query.state.dataUpdatedAt === early.at ? EARLY_PAGE_FRESH_MS : 0;
}

/** The list props the early read is made for: CourierList's <List> takes them as they are. */
export const courierListProps = {
    sort: courierListDefaults.sort,
    perPage: courierListDefaults.perPage,
    queryOptions: { staleTime: courierListStaleTime },
};
