import { Children, isValidElement, type MouseEvent, type ReactNode } from 'react';
import {
    DataTableClasses,
    useCreatePath,
    useDataTableCallbacksContext,
    useDataTableDataContext,
    useDataTableStoreContext,
    useResourceContext,
    useStore,
    type DataTableColumnProps,
    type RaRecord,
} from 'react-admin';
import { useNavigate } from 'react-router-dom';
import type { Theme } from '@mui/material';

// A DataTable body of plain <tr>/<td> elements. React-Admin's rows and cells
// are a few components each (a styled MUI row or cell, theme props, a store
// subscription per cell): on a 25-row page of 8 columns that is the largest
// part of drawing the list after sign-in. Here the body renders each cell
// from its column's render or source directly, with the look of MUI's small
// table cells set once on the table (plainTableSx), one store read for the
// hidden columns and one click handler for every row.

/** Class names of the body's rows and cells, besides React-Admin's own (column-<source> and the rest). */
export const plainTable = { row: 'mc-row', cell: 'mc-cell' };

/** The styles of MUI's small TableRow (hover) and TableCell, for the table that uses PlainTableBody. */
export const plainTableSx = (theme: Theme) => ({
    [`& tr.${plainTable.row}`]: {
        color: 'inherit',
        verticalAlign: 'middle',
        outline: 0,
        '&:hover': { backgroundColor: (theme.vars || theme).palette.action.hover },
    },
    [`& td.${plainTable.cell}`]: {
        ...theme.typography.body2,
        color: (theme.vars || theme).palette.text.primary,
        borderBottom: `1px solid ${
            theme.palette.mode === 'light' ? theme.lighten(theme.alpha(theme.palette.divider, 1), 0.88) : theme.darken(theme.alpha(theme.palette.divider, 1), 0.68)
        }`,
        textAlign: 'left',
        padding: '6px 16px',
    },
});

function columnsOf(children: ReactNode, hidden: readonly string[]): DataTableColumnProps[] {
    return Children.toArray(children)
        .filter(isValidElement)
        .map(c => c.props as DataTableColumnProps)
        .filter(c => !hidden.includes(c.source ?? String(c.label)));
}

function valueAt(record: RaRecord, path: string | undefined): ReactNode {
    if (!path) return null;
    const v = path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), record);
    return v === null || v === undefined ? null : String(v);
}

/**
 * The body for <DataTable body={PlainTableBody} sx={plainTableSx}>: a row
 * click opens the record's page as the DataTable's rowClick says ("show",
 * "edit", false; "show" when not set); columns take source, render and
 * label, and follow the ColumnsButton's choice. It has no row checkboxes,
 * expand panels, rowSx or column field/children: a table that needs them
 * keeps React-Admin's body.
 */
export function PlainTableBody({ children }: { children?: ReactNode }) {
    const data = useDataTableDataContext();
    const { storeKey, defaultHiddenColumns } = useDataTableStoreContext();
    const [hidden] = useStore<string[]>(storeKey, defaultHiddenColumns);
    const resource = useResourceContext();
    const createPath = useCreatePath();
    const navigate = useNavigate();
    const { rowClick = 'show' } = useDataTableCallbacksContext();
    const type = rowClick === 'show' || rowClick === 'edit' ? rowClick : null;
    const columns = columnsOf(children, hidden ?? []);
    const open = (e: MouseEvent<HTMLTableSectionElement>) => {
        const id = (e.target as HTMLElement).closest('tr')?.dataset.id;
        const record = id === undefined ? undefined : data?.find(r => String(r.id) === id);
        if (record && type) navigate(createPath({ resource, id: record.id, type }), { state: { _scrollToTop: true } });
    };
    return (
        <tbody className={`MuiTableBody-root datatable-body ${DataTableClasses.tbody}`} onClick={open}>
            {data?.map((record, i) => (
                <tr
                    key={record.id}
                    data-id={String(record.id)}
                    className={`${plainTable.row} ${DataTableClasses.row} ${type ? DataTableClasses.clickableRow : ''} ${i % 2 ? DataTableClasses.rowOdd : DataTableClasses.rowEven}`}
                >
                    {columns.map((c, j) => (
                        <td key={c.source ?? j} className={`${plainTable.cell} ${DataTableClasses.rowCell} column-${c.source}`}>
                            {c.render ? c.render(record) : valueAt(record, c.source)}
                        </td>
                    ))}
                </tr>
            ))}
        </tbody>
    );
}
