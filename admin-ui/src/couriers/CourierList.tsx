import {
    CreateButton,
    ColumnsButton,
    DataTable,
    FilterButton,
    FilterList,
    FilterListItem,
    useTranslate,
    List,
    ReferenceInput,
    AutocompleteInput,
    SavedQueriesList,
    SearchInput,
    SelectInput,
    TopToolbar,
    Button,
    useListContext,
    useDataProvider,
    useNotify,
    type RaRecord,
} from 'react-admin';
import { Card, CardContent } from '@mui/material';
import UploadIcon from '@mui/icons-material/UploadFile';
import DownloadIcon from '@mui/icons-material/Download';
import { Link } from 'react-router-dom';
import { enumChip, enumChipSx, useEnumChoices } from '../enums';
import { PlainTableBody, plainTableSx } from '../layout/PlainTableBody';
import { CappedPagination } from '../layout/CappedPagination';
import { courierStatuses, documentStatuses, transportTypes } from '../apiEnums';
import { useMay } from '../permissions';
import type { MyCourierDataProvider } from '../dataProvider';
import { courierListProps } from './firstPage';

export const courierName = (r: RaRecord) => [r.lastName, r.firstName, r.middleName].filter(Boolean).join(' ');

function ExportButton({ format }: { format: 'csv' | 'xlsx' }) {
    const { filterValues } = useListContext();
    const dp = useDataProvider<MyCourierDataProvider>();
    const notify = useNotify();
    return (
        <Button
            label={`mycourier.actions.export_${format}`}
            onClick={async () => {
                try {
                    const blob = await dp.exportCouriers(filterValues, format);
                    const a = document.createElement('a');
                    a.href = URL.createObjectURL(blob);
                    a.download = `couriers.${format}`;
                    a.click();
                    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
                } catch (e) {
                    notify((e as Error).message, { type: 'error' });
                }
            }}
        >
            <DownloadIcon />
        </Button>
    );
}

function ListActions() {
    const may = useMay();
    return (
        <TopToolbar>
            <FilterButton />
            {may('Mutation.onboardCourier') && <CreateButton label="mycourier.actions.onboard" />}
            {may('Mutation.importCouriers') && (
                <Button component={Link} to="/couriers/import" label="mycourier.actions.import">
                    <UploadIcon />
                </Button>
            )}
            <ExportButton format="csv" />
            <ExportButton format="xlsx" />
            <ColumnsButton />
        </TopToolbar>
    );
}

function Aside() {
    return (
        <Card sx={{ order: -1, mr: 2, mt: 8, width: 220, display: { xs: 'none', md: 'block' } }}>
            <CardContent>
                <SavedQueriesList />
                <StatusFilter />
            </CardContent>
        </Card>
    );
}

function StatusFilter() {
    const choices = useEnumChoices('courierStatus', courierStatuses);
    return (
        <FilterList label="resources.couriers.fields.status" icon={null}>
            {choices.map(c => (
                <FilterListItem key={c.id} label={c.name} value={{ status: c.id }} />
            ))}
        </FilterList>
    );
}

function useFilters() {
    const translate = useTranslate();
    const statuses = useEnumChoices('courierStatus', courierStatuses);
    const transports = useEnumChoices('transportType', transportTypes);
    const docs = useEnumChoices('documentStatus', documentStatuses);
    return [
        <SearchInput key="q" source="q" alwaysOn placeholder={translate('mycourier.couriers.search')} />,
        <SelectInput key="status" source="status" choices={statuses} />,
        <SelectInput key="transportType" source="transportType" choices={transports} />,
        <SelectInput key="documentStatus" source="documentStatus" choices={docs} />,
        <ReferenceInput key="partnerID" source="partnerID" reference="partners">
            <AutocompleteInput optionText="name" />
        </ReferenceInput>,
        <ReferenceInput key="regionID" source="regionID" reference="regions">
            <AutocompleteInput optionText="name" />
        </ReferenceInput>,
        <ReferenceInput key="branchID" source="branchID" reference="branches">
            <AutocompleteInput optionText="name" />
        </ReferenceInput>,
    ];
}

// authLoading={false}: the list draws while React-Admin still checks that
// the user may list couriers (every role may; a refusal still leads to the
// access-denied page), so after sign-in, with `me` and the first page read
// already (firstPage.ts), it draws complete in one pass.
export function CourierList() {
    const translate = useTranslate();
    return (
        <List
            filters={useFilters()}
            actions={<ListActions />}
            aside={<Aside />}
            pagination={<CappedPagination />}
            {...courierListProps}
            authLoading={false}
        >
            <DataTable rowClick="show" bulkActionButtons={false} body={PlainTableBody} sx={[plainTableSx, enumChipSx]}>
                <DataTable.Col source="lastName" label="resources.couriers.fields.name" render={courierName} />
                <DataTable.Col source="phone" disableSort />
                <DataTable.Col source="pinfl" disableSort />
                <DataTable.Col source="transportType" render={r => enumChip('transportType', r.transportType, translate)} />
                <DataTable.Col source="status" render={r => enumChip('courierStatus', r.status, translate)} />
                <DataTable.Col source="documentStatus" render={r => enumChip('documentStatus', r.documentStatus, translate)} />
                <DataTable.Col source="partner.name" label="resources.couriers.fields.partnerID" disableSort />
                <DataTable.Col source="branch.name" label="resources.couriers.fields.branchID" disableSort />
            </DataTable>
        </List>
    );
}
