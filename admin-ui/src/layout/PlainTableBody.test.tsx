// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { AdminContext, DataTable, ListBase, TestMemoryRouter, memoryStore, type DataProvider, type Store } from 'react-admin';
import { Route, Routes } from 'react-router-dom';
import { PlainTableBody, plainTableSx } from './PlainTableBody';

afterEach(cleanup);

const rows = [
    { id: '1', lastName: 'Каримов', phone: '+998901112233', status: 'ACTIVE', partner: { id: 'p1', name: 'Tezkor' } },
    { id: '2', lastName: 'Юсупова', phone: '+998907001122', status: 'BLOCKED', partner: null },
];
const dataProvider = { getList: async () => ({ data: rows, total: 2 }) } as unknown as DataProvider;

function List() {
    return (
        <ListBase resource="couriers" disableAuthentication>
            <DataTable body={PlainTableBody} sx={plainTableSx} bulkActionButtons={false}>
                <DataTable.Col source="lastName" />
                <DataTable.Col source="phone" />
                <DataTable.Col source="status" render={r => <b>{r.status.toLowerCase()}</b>} />
                <DataTable.Col source="partner.name" />
            </DataTable>
        </ListBase>
    );
}

function renderList(store: Store = memoryStore()) {
    let path = '';
    render(
        <TestMemoryRouter initialEntries={['/couriers']} locationCallback={l => (path = l.pathname)}>
            <AdminContext dataProvider={dataProvider} store={store}>
                <Routes>
                    <Route path="/couriers" element={<List />} />
                    <Route path="/couriers/:id/show" element={<p>shown</p>} />
                </Routes>
            </AdminContext>
        </TestMemoryRouter>,
    );
    return { path: () => path };
}

describe('the plain table body', () => {
    it("draws a row per record and a cell per column, from its source or its render, with React-Admin's column classes", async () => {
        renderList();
        const row = (await screen.findByText('Каримов')).closest('tr')!;
        const cells = within(row).getAllByRole('cell');
        expect(cells.map(c => c.textContent)).toEqual(['Каримов', '+998901112233', 'active', 'Tezkor']);
        expect(cells.map(c => c.className.match(/column-\S+/)?.[0])).toEqual(['column-lastName', 'column-phone', 'column-status', 'column-partner.name']);
        // No value: an empty cell.
        expect(within(screen.getByText('Юсупова').closest('tr')!).getAllByRole('cell')[3].textContent).toBe('');
    });

    it('leaves out the columns hidden with the columns button', async () => {
        renderList(memoryStore({ 'couriers.datatable': ['phone'] }));
        const row = (await screen.findByText('Каримов')).closest('tr')!;
        expect(within(row).getAllByRole('cell').map(c => c.textContent)).toEqual(['Каримов', 'active', 'Tezkor']);
        expect(screen.queryByText('+998901112233')).toBeNull();
    });

    it("opens the record's page when a row is clicked", async () => {
        const { path } = renderList();
        fireEvent.click(await screen.findByText('active'));
        expect(await screen.findByText('shown')).toBeTruthy();
        expect(path()).toBe('/couriers/1/show');
    });
});
