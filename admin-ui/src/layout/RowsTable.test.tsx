// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import { RowsTable } from './RowsTable';
import { renderInAdmin } from '../uiTesting';

afterEach(cleanup);

interface Row {
    id: string;
    qty: number;
}
const columns = [
    { header: 'mycourier.equipment.type', render: (r: Row) => `type ${r.id}` },
    { header: 'mycourier.equipment.quantity', render: (r: Row) => r.qty, align: 'right' as const },
    { render: () => <button>x</button> },
];

describe('RowsTable', () => {
    it('names the table and its columns in the chosen language and renders a row per record', () => {
        renderInAdmin(<RowsTable label="mycourier.tabs.equipment" columns={columns} rows={[{ id: 'a', qty: 2 }, { id: 'b', qty: 5 }]} rowKey={r => r.id} rowProps={() => ({ 'data-testid': 'r' })} />, { locale: 'en' });
        const table = screen.getByRole('table', { name: 'Equipment and debt' });
        expect(within(table).getAllByRole('columnheader').map(h => h.textContent)).toEqual(['Equipment', 'Quantity', '']);
        expect(screen.getAllByTestId('r').map(r => [...r.querySelectorAll('td')].slice(0, 2).map(c => c.textContent))).toEqual([
            ['type a', '2'],
            ['type b', '5'],
        ]);
    });

    it('says there is nothing when the connection is empty, and nothing while it loads', () => {
        renderInAdmin(<RowsTable label="mycourier.tabs.equipment" columns={columns} rows={null} rowKey={r => r.id} empty="mycourier.equipment.none" />, { locale: 'en' });
        expect(screen.queryByText('The courier holds no equipment')).toBeNull();
        cleanup();
        renderInAdmin(<RowsTable label="mycourier.tabs.equipment" columns={columns} rows={[]} rowKey={r => r.id} empty="mycourier.equipment.none" />, { locale: 'en' });
        expect(screen.getByRole('cell', { name: 'The courier holds no equipment' }).getAttribute('colspan')).toBe('3');
    });

    it('shows a failed read instead of the table', () => {
        renderInAdmin(<RowsTable label="mycourier.tabs.history" columns={columns} rows={null} rowKey={r => r.id} error="Доступ запрещён" />);
        expect(screen.queryByRole('table')).toBeNull();
        expect(screen.getByText('Доступ запрещён')).toBeTruthy();
    });
});
