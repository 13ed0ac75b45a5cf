import type { ReactNode } from 'react';
import { useTranslate } from 'react-admin';
import { Table, TableBody, TableCell, TableHead, TableRow, Typography, type SxProps, type Theme } from '@mui/material';

export interface Column<T> {
    /** Translation key of the header; none for a column of buttons. */
    header?: string;
    render(row: T): ReactNode;
    align?: 'right';
    sx?: SxProps<Theme>;
}

export interface RowsTableProps<T> {
    /** Translation key naming the table (its accessible name). */
    label: string;
    columns: Array<Column<T>>;
    /** The rows read from a connection (edges' nodes); null while loading. */
    rows: readonly T[] | null | undefined;
    rowKey(row: T, index: number): string | number;
    /** Translation key of the line shown when there are no rows. */
    empty?: string;
    /** A failed read: shown instead of the table. */
    error?: string | null;
    rowProps?(row: T): { sx?: SxProps<Theme>; 'data-testid'?: string };
    sx?: SxProps<Theme>;
}

/** A small read-only table of rows: the courier's tabs and the import report. */
export function RowsTable<T>({ label, columns, rows, rowKey, empty, error, rowProps, sx }: RowsTableProps<T>) {
    const translate = useTranslate();
    if (error) return <Typography color="error">{error}</Typography>;
    return (
        <Table size="small" aria-label={translate(label)} sx={sx}>
            <TableHead>
                <TableRow>
                    {columns.map((c, i) => (
                        <TableCell key={i} align={c.align}>
                            {c.header ? translate(c.header) : null}
                        </TableCell>
                    ))}
                </TableRow>
            </TableHead>
            <TableBody>
                {empty && rows && rows.length === 0 && (
                    <TableRow>
                        <TableCell colSpan={columns.length}>{translate(empty)}</TableCell>
                    </TableRow>
                )}
                {(rows ?? []).map((r, i) => (
                    <TableRow key={rowKey(r, i)} {...rowProps?.(r)}>
                        {columns.map((c, j) => (
                            <TableCell key={j} align={c.align} sx={c.sx}>
                                {c.render(r)}
                            </TableCell>
                        ))}
                    </TableRow>
                ))}
            </TableBody>
        </Table>
    );
}
