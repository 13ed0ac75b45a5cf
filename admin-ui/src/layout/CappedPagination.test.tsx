// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { AdminContext, ListBase, TestMemoryRouter, memoryStore, type DataProvider } from 'react-admin';
import { CappedPagination } from './CappedPagination';
import { i18nProvider } from '../i18n';
import { totalOf } from '../dataProvider';

afterEach(cleanup);

const rows = Array.from({ length: 25 }, (_, i) => ({ id: String(i + 1) }));

function renderPage(totalCount: number, totalCountCapped: boolean) {
    const dataProvider = {
        getList: async () => ({ data: rows, ...totalOf({ totalCount, totalCountCapped, pageInfo: { endCursor: null }, edges: [] }) }),
    } as unknown as DataProvider;
    render(
        <TestMemoryRouter initialEntries={['/couriers']}>
            <AdminContext dataProvider={dataProvider} i18nProvider={i18nProvider} store={memoryStore()}>
                <ListBase resource="couriers" disableAuthentication>
                    <CappedPagination />
                </ListBase>
            </AdminContext>
        </TestMemoryRouter>,
    );
}

describe('CappedPagination', () => {
    it('says "10 000+" when the API stopped counting', async () => {
        renderPage(10000, true);
        expect(await screen.findByText(/^1-10 из 10\s000\+$/)).toBeTruthy();
    });

    it('shows an exact total as React-Admin does', async () => {
        renderPage(10000, false);
        const label = await screen.findByText(/^1-10 из /);
        expect(label.textContent).not.toContain('+');
        expect(label.textContent).toMatch(/10\s?000$/);
    });
});

describe('totalOf', () => {
    it('flags only a capped count', () => {
        const c = { pageInfo: { endCursor: null }, edges: [] };
        expect(totalOf({ ...c, totalCount: 10000, totalCountCapped: true })).toEqual({ total: 10000, meta: { totalCapped: true } });
        expect(totalOf({ ...c, totalCount: 12, totalCountCapped: false })).toEqual({ total: 12 });
        expect(totalOf({ ...c, totalCount: 12 })).toEqual({ total: 12 });
    });
});
