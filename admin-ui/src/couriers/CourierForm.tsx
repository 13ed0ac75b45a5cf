import {
    AutocompleteInput,
    Create,
    Edit,
    ReferenceInput,
    SelectInput,
    SimpleForm,
    TextInput,
    required,
    useRecordContext,
} from 'react-admin';
import { Grid } from '@mui/material';
import { useEnumChoices } from '../enums';
import { transportTypes } from '../apiEnums';
import { courierName } from './CourierList';
import { LocaleDateInput } from '../layout/LocaleDateInput';

// Checks here only spare a round trip; the API's field errors (PINFL check
// digit, phone, plate) come back at their inputs and the form keeps what
// was typed.
function CourierFields() {
    const transports = useEnumChoices('transportType', transportTypes);
    return (
        <Grid container columnSpacing={2} sx={{ maxWidth: 900 }}>
            <Grid size={{ xs: 12, md: 4 }}>
                <TextInput source="lastName" validate={required()} fullWidth />
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
                <TextInput source="firstName" validate={required()} fullWidth />
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
                <TextInput source="middleName" fullWidth />
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
                <TextInput source="phone" validate={required()} fullWidth helperText="mycourier.couriers.phoneHelp" />
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
                <TextInput source="pinfl" validate={required()} fullWidth helperText="mycourier.couriers.pinflHelp" />
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
                <LocaleDateInput source="birthDate" fullWidth helperText="mycourier.couriers.birthDateHelp" />
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
                <SelectInput source="transportType" choices={transports} validate={required()} fullWidth />
            </Grid>
            <Grid size={{ xs: 12, md: 4 }}>
                <TextInput source="vehiclePlate" fullWidth helperText="mycourier.couriers.plateHelp" />
            </Grid>
            <Grid size={{ xs: 12, md: 4 }} />
            <Grid size={{ xs: 12, md: 6 }}>
                <ReferenceInput source="partnerID" reference="partners">
                    <AutocompleteInput optionText="name" fullWidth />
                </ReferenceInput>
            </Grid>
            <Grid size={{ xs: 12, md: 6 }}>
                <ReferenceInput source="branchID" reference="branches">
                    <AutocompleteInput optionText="name" fullWidth />
                </ReferenceInput>
            </Grid>
        </Grid>
    );
}

export function CourierCreate() {
    return (
        <Create redirect="show">
            <SimpleForm defaultValues={{ transportType: transportTypes[0] }}>
                <CourierFields />
            </SimpleForm>
        </Create>
    );
}

function Title() {
    const r = useRecordContext();
    return <span>{r ? courierName(r) : ''}</span>;
}

export function CourierEdit() {
    return (
        <Edit mutationMode="pessimistic" redirect="show" title={<Title />}>
            <SimpleForm>
                <CourierFields />
            </SimpleForm>
        </Edit>
    );
}
