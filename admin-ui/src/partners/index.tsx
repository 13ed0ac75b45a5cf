import { Create, Datagrid, Edit, List, SearchInput, SimpleForm, TextField, TextInput, required } from 'react-admin';
import HandshakeIcon from '@mui/icons-material/Handshake';
import { ArchiveButton, ReferenceListActions, archivedFilter } from '../archive/ArchiveButton';
import { LocaleDateField } from '../layout/LocaleDateField';

const filters = [<SearchInput key="q" source="q" alwaysOn />, archivedFilter];

function PartnerList() {
    return (
        <List filters={filters} actions={<ReferenceListActions />} sort={{ field: 'name', order: 'ASC' }}>
            <Datagrid rowClick="edit" bulkActionButtons={false}>
                <TextField source="name" />
                <TextField source="legalName" sortable={false} />
                <TextField source="inn" sortable={false} />
                <TextField source="contactName" sortable={false} />
                <TextField source="contactPhone" sortable={false} />
                <LocaleDateField source="archivedAt" sortable={false} />
                <ArchiveButton />
            </Datagrid>
        </List>
    );
}

function PartnerForm() {
    return (
        <SimpleForm>
            <TextInput source="name" validate={required()} />
            <TextInput source="legalName" />
            <TextInput source="inn" />
            <TextInput source="contactName" />
            <TextInput source="contactPhone" />
        </SimpleForm>
    );
}

const PartnerCreate = () => (
    <Create redirect="list">
        <PartnerForm />
    </Create>
);
const PartnerEdit = () => (
    <Edit mutationMode="pessimistic" redirect="list" actions={false}>
        <PartnerForm />
    </Edit>
);

export default { list: PartnerList, create: PartnerCreate, edit: PartnerEdit, icon: HandshakeIcon, recordRepresentation: 'name' };
