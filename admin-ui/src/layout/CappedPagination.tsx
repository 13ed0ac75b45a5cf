import type { ComponentType } from 'react';
import type { TablePaginationProps } from '@mui/material';
import { Pagination, useListContext, useLocaleState, useTranslate, type PaginationProps } from 'react-admin';

// React-Admin hands props it does not know on to MUI's TablePagination after
// its own, so its label can be replaced; its props type does not say so.
const LabelledPagination = Pagination as ComponentType<PaginationProps & Pick<TablePaginationProps, 'labelDisplayedRows'>>;

/**
 * React-Admin's pagination, except that a total the API stopped counting at
 * (the data provider's meta.totalCapped, from totalCountCapped) reads
 * "1-25 из 10 000+" instead of claiming an exact 10 000.
 */
export function CappedPagination(props: PaginationProps) {
    const { meta } = useListContext();
    const translate = useTranslate();
    const [locale] = useLocaleState();
    if (!meta?.totalCapped) return <Pagination {...props} />;
    return (
        <LabelledPagination
            {...props}
            labelDisplayedRows={({ from, to, count }) =>
                translate('mycourier.pagination.rangeCapped', { offsetBegin: from, offsetEnd: to, total: count.toLocaleString(locale) })
            }
        />
    );
}
