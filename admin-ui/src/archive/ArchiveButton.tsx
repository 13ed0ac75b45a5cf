import { Button, useDataProvider, useNotify, useRecordContext, useRefresh, useResourceContext, SelectInput, TopToolbar, CreateButton, FilterButton } from 'react-admin';
import ArchiveIcon from '@mui/icons-material/Archive';
import UnarchiveIcon from '@mui/icons-material/Unarchive';
import type { MyCourierDataProvider } from '../dataProvider';
import { resources } from '../dataProvider/resources';
import { useMay } from '../permissions';

/** Archives (or restores) a reference record: nothing with history is deleted. */
export function ArchiveButton() {
    const record = useRecordContext();
    const resource = useResourceContext() ?? '';
    const dp = useDataProvider<MyCourierDataProvider>();
    const notify = useNotify();
    const refresh = useRefresh();
    const may = useMay();
    const op = resources[resource]?.operations.edit;
    if (!record || !op || !may(op)) return null;
    const archived = !!record.archivedAt;
    return (
        <Button
            label={archived ? 'mycourier.actions.restore' : 'mycourier.actions.archive'}
            onClick={async e => {
                e.stopPropagation();
                try {
                    await dp.archive(resource, record.id, !archived);
                    notify(archived ? 'mycourier.notifications.restored' : 'mycourier.notifications.archived', { type: 'success' });
                    refresh();
                } catch (err) {
                    notify((err as Error).message, { type: 'error' });
                }
            }}
        >
            {archived ? <UnarchiveIcon /> : <ArchiveIcon />}
        </Button>
    );
}

/** The archived filter every reference list has. */
export const archivedFilter = (
    <SelectInput
        key="archived"
        source="archived"
        label="mycourier.archive.filter"
        choices={[
            { id: true, name: 'mycourier.archive.archived' },
            { id: 'all', name: 'mycourier.archive.all' },
        ]}
    />
);

export function ReferenceListActions() {
    const resource = useResourceContext() ?? '';
    const may = useMay();
    const op = resources[resource]?.operations.create;
    return (
        <TopToolbar>
            <FilterButton />
            {op && may(op) && <CreateButton />}
        </TopToolbar>
    );
}
