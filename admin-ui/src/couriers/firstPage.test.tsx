// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { QueryClient } from '@tanstack/react-query';
import { AdminContext, ListBase, ResourceContextProvider, memoryStore, useListContext, type DataProvider, type GetListParams, type Store } from 'react-admin';
import { courierListProps, firstPageQuery, prefetchFirstPage } from './firstPage';

afterEach(cleanup);

const couriers = [
    { id: '1', lastName: 'Каримов' },
    { id: '2', lastName: 'Юсупова' },
];

function fakeProvider() {
    const getList = vi.fn(async (_resource: string, _params: GetListParams) => ({ data: couriers, total: 1_000_200 }));
    return { getList, dataProvider: { getList } as unknown as DataProvider };
}

function Names() {
    const { data } = useListContext();
    return <ul>{data?.map(r => <li key={r.id}>{r.lastName}</li>)}</ul>;
}

/** The courier list's controller with CourierList's own props, as the page after sign-in mounts it. */
function mountList(dataProvider: DataProvider, queryClient: QueryClient, store: Store, props: Partial<typeof courierListProps> = courierListProps) {
    render(
        <AdminContext dataProvider={dataProvider} queryClient={queryClient} store={store}>
            <ResourceContextProvider value="couriers">
                <ListBase {...props} disableAuthentication>
                    <Names />
                </ListBase>
            </ResourceContextProvider>
        </AdminContext>,
    );
}

const settle = () => new Promise(r => setTimeout(r, 50));

describe('the first courier page read at sign-in', () => {
    it('is what the list shows when it mounts, without asking for it again', async () => {
        const { getList, dataProvider } = fakeProvider();
        const queryClient = new QueryClient();
        const store = memoryStore();
        await prefetchFirstPage(queryClient, dataProvider, store);
        expect(getList).toHaveBeenCalledTimes(1);
        expect(getList.mock.calls[0][1]).toMatchObject({ pagination: { page: 1, perPage: 25 }, sort: { field: 'createdAt', order: 'DESC' }, filter: {} });
        mountList(dataProvider, queryClient, store);
        expect(await screen.findByText('Юсупова')).toBeTruthy();
        await settle();
        expect(getList).toHaveBeenCalledTimes(1);
    });

    it('follows the list params kept from the last visit (sort, filter, page, page size)', async () => {
        const { getList, dataProvider } = fakeProvider();
        const queryClient = new QueryClient();
        const store = memoryStore({ 'couriers.listParams': { sort: 'lastName', order: 'ASC', page: 2, perPage: 50, filter: { status: 'ACTIVE' }, displayedFilters: {} } });
        expect(firstPageQuery(store).params).toMatchObject({ pagination: { page: 2, perPage: 50 }, sort: { field: 'lastName', order: 'ASC' }, filter: { status: 'ACTIVE' } });
        await prefetchFirstPage(queryClient, dataProvider, store);
        mountList(dataProvider, queryClient, store);
        expect(await screen.findByText('Каримов')).toBeTruthy();
        await settle();
        expect(getList).toHaveBeenCalledTimes(1);
    });

    it('would be asked for again by a list that counts it stale at once (the control for the tests above)', async () => {
        const { getList, dataProvider } = fakeProvider();
        const queryClient = new QueryClient();
        const store = memoryStore();
        await prefetchFirstPage(queryClient, dataProvider, store);
        mountList(dataProvider, queryClient, store, { sort: courierListProps.sort, perPage: courierListProps.perPage });
        await screen.findByText('Юсупова');
        await settle();
        expect(getList).toHaveBeenCalledTimes(2);
    });
});
