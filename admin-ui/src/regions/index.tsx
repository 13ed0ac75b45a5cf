import { Create, Datagrid, Edit, List, SearchInput, SimpleForm, TextField, TextInput, required } from 'react-admin';
import MapIcon from '@mui/icons-material/Map';
import { ArchiveButton, ReferenceListActions, archivedFilter } from '../archive/ArchiveButton';
import { LocaleDateField } from '../layout/LocaleDateField';

const filters = [<SearchInput key="q" source="q" alwaysOn />, archivedFilter];

function RegionList() {
    return (
        <List filters={filters} actions={<ReferenceListActions />} sort={{ field: 'name', order: 'ASC' }}>
            <Datagrid rowClick="edit" bulkActionButtons={false}>
                <TextField source="name" />
                <TextField source="code" />
                <LocaleDateField source="archivedAt" sortable={false} />
                <ArchiveButton />
            </Datagrid>
        </List>
    );
}

function RegionForm() {
    return (
        <SimpleForm>
            <TextInput source="name" validate={required()} />
            <TextInput source="code" validate={required()} />
        </SimpleForm>
    );
}

const RegionCreate = () => (
    <Create redirect="list">
        <RegionForm />
    </Create>
);
const RegionEdit = () => (
    <Edit mutationMode="pessimistic" redirect="list" actions={false}>
        <RegionForm />
    </Edit>
);

export default { list: RegionList, create: RegionCreate, edit: RegionEdit, icon: MapIcon, recordRepresentation: 'name' };
