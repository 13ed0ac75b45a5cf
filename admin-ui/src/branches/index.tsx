import {
    AutocompleteInput,
    Create,
    Datagrid,
    Edit,
    List,
    ReferenceField,
    ReferenceInput,
    SearchInput,
    SimpleForm,
    TextField,
    TextInput,
    required,
} from 'react-admin';
import StoreIcon from '@mui/icons-material/Store';
import { ArchiveButton, ReferenceListActions, archivedFilter } from '../archive/ArchiveButton';
import { LocaleDateField } from '../layout/LocaleDateField';

const filters = [
    <SearchInput key="q" source="q" alwaysOn />,
    <ReferenceInput key="regionID" source="regionID" reference="regions">
        <AutocompleteInput optionText="name" />
    </ReferenceInput>,
    archivedFilter,
];

function BranchList() {
    return (
        <List filters={filters} actions={<ReferenceListActions />} sort={{ field: 'name', order: 'ASC' }}>
            <Datagrid rowClick="edit" bulkActionButtons={false}>
                <TextField source="name" />
                <TextField source="code" />
                <ReferenceField source="regionID" reference="regions" link={false} sortable={false} />
                <TextField source="address" sortable={false} />
                <LocaleDateField source="archivedAt" sortable={false} />
                <ArchiveButton />
            </Datagrid>
        </List>
    );
}

function BranchForm() {
    return (
        <SimpleForm>
            <TextInput source="name" validate={required()} />
            <TextInput source="code" validate={required()} />
            <ReferenceInput source="regionID" reference="regions">
                <AutocompleteInput optionText="name" validate={required()} />
            </ReferenceInput>
            <TextInput source="address" fullWidth />
        </SimpleForm>
    );
}

const BranchCreate = () => (
    <Create redirect="list">
        <BranchForm />
    </Create>
);
const BranchEdit = () => (
    <Edit mutationMode="pessimistic" redirect="list" actions={false}>
        <BranchForm />
    </Edit>
);

export default { list: BranchList, create: BranchCreate, edit: BranchEdit, icon: StoreIcon, recordRepresentation: 'name' };
