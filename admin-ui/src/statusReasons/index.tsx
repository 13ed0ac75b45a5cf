import { BooleanField, BooleanInput, Create, Datagrid, Edit, List, NumberField, NumberInput, SelectInput, SimpleForm, TextField, TextInput, required } from 'react-admin';
import RuleIcon from '@mui/icons-material/Rule';
import { ArchiveButton, ReferenceListActions, archivedFilter } from '../archive/ArchiveButton';
import { EnumField, useEnumChoices } from '../enums';
import { reasonKinds } from '../apiEnums';
import { LocaleDateField } from '../layout/LocaleDateField';

function useFilters() {
    const kinds = useEnumChoices('reasonKind', reasonKinds);
    return [<SelectInput key="kind" source="kind" choices={kinds} alwaysOn />, archivedFilter];
}

function StatusReasonList() {
    return (
        <List filters={useFilters()} actions={<ReferenceListActions />} sort={{ field: 'sortOrder', order: 'ASC' }}>
            <Datagrid rowClick="edit" bulkActionButtons={false}>
                <EnumField source="kind" kind="reasonKind" />
                <TextField source="code" />
                <TextField source="titleRu" sortable={false} />
                <TextField source="titleEn" sortable={false} />
                <BooleanField source="commentRequired" sortable={false} />
                <NumberField source="sortOrder" />
                <LocaleDateField source="archivedAt" sortable={false} />
                <ArchiveButton />
            </Datagrid>
        </List>
    );
}

function StatusReasonForm() {
    const kinds = useEnumChoices('reasonKind', reasonKinds);
    return (
        <SimpleForm>
            <SelectInput source="kind" choices={kinds} validate={required()} />
            <TextInput source="code" validate={required()} />
            <TextInput source="titleRu" validate={required()} fullWidth />
            <TextInput source="titleEn" fullWidth />
            <BooleanInput source="commentRequired" />
            <NumberInput source="sortOrder" />
        </SimpleForm>
    );
}

const StatusReasonCreate = () => (
    <Create redirect="list">
        <StatusReasonForm />
    </Create>
);
const StatusReasonEdit = () => (
    <Edit mutationMode="pessimistic" redirect="list" actions={false}>
        <StatusReasonForm />
    </Edit>
);

export default { list: StatusReasonList, create: StatusReasonCreate, edit: StatusReasonEdit, icon: RuleIcon, recordRepresentation: 'code' };
