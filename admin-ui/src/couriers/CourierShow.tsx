import {
    BooleanField,
    DateField,
    EditButton,
    FunctionField,
    Labeled,
    Show,
    TabbedShowLayout,
    TextField,
    TopToolbar,
    useLocaleState,
    useRecordContext,
    useGetMany,
    useTranslate,
    type RaRecord,
} from 'react-admin';
import { Grid, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useCourierData } from './useCourierData';
import { EnumField, enumKey } from '../enums';
import { useMay } from '../permissions';
import { LifecycleButtons } from './LifecycleButtons';
import { CourierDocuments } from './CourierDocuments';
import { courierName } from './CourierList';
import { auditChanges, referencedIDs } from './auditChanges';

function Actions() {
    const may = useMay();
    return (
        <TopToolbar>
            <LifecycleButtons />
            {may('Mutation.updateCourier') && <EditButton />}
        </TopToolbar>
    );
}

function Title() {
    const r = useRecordContext();
    return <span>{r ? courierName(r) : ''}</span>;
}

function History() {
    const translate = useTranslate();
    const [locale] = useLocaleState();
    const { data: rows, error } = useCourierData((dp, id) => dp.courierHistory(id));
    if (error) return <Typography color="error">{error}</Typography>;
    return (
        <Table size="small" aria-label={translate('mycourier.tabs.history')}>
            <TableHead>
                <TableRow>
                    <TableCell>{translate('mycourier.history.when')}</TableCell>
                    <TableCell>{translate('mycourier.history.from')}</TableCell>
                    <TableCell>{translate('mycourier.history.to')}</TableCell>
                    <TableCell>{translate('mycourier.history.reason')}</TableCell>
                    <TableCell>{translate('mycourier.history.comment')}</TableCell>
                    <TableCell>{translate('mycourier.history.who')}</TableCell>
                </TableRow>
            </TableHead>
            <TableBody>
                {(rows ?? []).map(r => (
                    <TableRow key={r.id}>
                        <TableCell>{new Date(r.createdAt).toLocaleString(locale)}</TableCell>
                        <TableCell>{r.fromStatus ? translate(enumKey('courierStatus', r.fromStatus)) : '—'}</TableCell>
                        <TableCell>{translate(enumKey('courierStatus', r.toStatus))}</TableCell>
                        <TableCell>{r.reason ?? ''}</TableCell>
                        <TableCell>{r.comment ?? ''}</TableCell>
                        <TableCell>{r.actor?.fullName ?? ''}</TableCell>
                    </TableRow>
                ))}
            </TableBody>
        </Table>
    );
}

function Audit() {
    const translate = useTranslate();
    const [locale] = useLocaleState();
    const { data: rows, error } = useCourierData((dp, id) => dp.courierAudit(id));
    const names = useReferencedNames(rows);
    if (error) return <Typography color="error">{error}</Typography>;
    return (
        <Table size="small" aria-label={translate('mycourier.tabs.audit')}>
            <TableHead>
                <TableRow>
                    <TableCell>{translate('mycourier.history.when')}</TableCell>
                    <TableCell>{translate('mycourier.history.who')}</TableCell>
                    <TableCell>{translate('mycourier.audit.operation')}</TableCell>
                    <TableCell>{translate('mycourier.audit.changes')}</TableCell>
                </TableRow>
            </TableHead>
            <TableBody>
                {(rows ?? []).map(r => (
                    <TableRow key={r.id}>
                        <TableCell>{new Date(r.createdAt).toLocaleString(locale)}</TableCell>
                        <TableCell>
                            {r.actorName} {r.actorRole ? `(${translate(enumKey('role', r.actorRole))})` : ''}
                        </TableCell>
                        <TableCell>{r.operation}</TableCell>
                        <TableCell sx={{ maxWidth: 560, wordBreak: 'break-word' }}>
                            <Changes changes={r.changes} names={names} />
                        </TableCell>
                    </TableRow>
                ))}
            </TableBody>
        </Table>
    );
}

/** Names of the partners and branches audit rows refer to by id (an id stays shown where a name cannot be read). */
function useReferencedNames(rows: RaRecord[] | null): Record<string, string> {
    const ids = { partners: new Set<string>(), branches: new Set<string>() };
    for (const r of rows ?? []) {
        const refs = referencedIDs(r.changes);
        refs.partners.forEach(id => ids.partners.add(id));
        refs.branches.forEach(id => ids.branches.add(id));
    }
    const partners = useGetMany('partners', { ids: [...ids.partners].sort() }, { enabled: ids.partners.size > 0 });
    const branches = useGetMany('branches', { ids: [...ids.branches].sort() }, { enabled: ids.branches.size > 0 });
    const names: Record<string, string> = {};
    for (const p of partners.data ?? []) names[`partners:${p.id}`] = p.name;
    for (const b of branches.data ?? []) names[`branches:${b.id}`] = b.name;
    return names;
}

/** One audit event's changes, a line each: "label: old → new". */
function Changes({ changes, names }: { changes: unknown; names: Record<string, string> }) {
    const translate = useTranslate();
    const [locale] = useLocaleState();
    return (
        <>
            {auditChanges(changes, { translate, locale, names }).map(c => (
                <div key={c.key} data-testid="audit-change">
                    <b>{c.label}</b>: {c.old !== undefined && <>{c.old} → </>}
                    {c.new}
                </div>
            ))}
        </>
    );
}

function Equipment() {
    const translate = useTranslate();
    const [locale] = useLocaleState();
    const { data: record, error } = useCourierData((dp, id) => dp.courierEquipment(id));
    if (error) return <Typography color="error">{error}</Typography>;
    if (!record) return null;
    const money = (n: number) => `${n.toLocaleString(locale)} UZS`;
    const held: RaRecord[] = record.equipmentHeld ?? [];
    return (
        <>
            <Table size="small" aria-label={translate('mycourier.tabs.equipment')}>
                <TableHead>
                    <TableRow>
                        <TableCell>{translate('mycourier.equipment.type')}</TableCell>
                        <TableCell align="right">{translate('mycourier.equipment.quantity')}</TableCell>
                        <TableCell align="right">{translate('mycourier.equipment.value')}</TableCell>
                    </TableRow>
                </TableHead>
                <TableBody>
                    {held.length === 0 && (
                        <TableRow>
                            <TableCell colSpan={3}>{translate('mycourier.equipment.none')}</TableCell>
                        </TableRow>
                    )}
                    {held.map(h => (
                        <TableRow key={h.equipmentType.id}>
                            <TableCell>{h.equipmentType.name}</TableCell>
                            <TableCell align="right">{h.quantity.toLocaleString(locale)}</TableCell>
                            <TableCell align="right">{money(h.value)}</TableCell>
                        </TableRow>
                    ))}
                </TableBody>
            </Table>
            <Typography sx={{ mt: 2 }}>
                {translate('mycourier.equipment.debt')}: <b>{money(record.outstandingDebt ?? 0)}</b>
            </Typography>
        </>
    );
}

export function CourierShow() {
    const may = useMay();
    return (
        <Show actions={<Actions />} title={<Title />}>
            <TabbedShowLayout>
                <TabbedShowLayout.Tab label="mycourier.tabs.profile">
                    <Grid container spacing={2}>
                        <Grid size={{ xs: 12, md: 4 }}>
                            <Labeled label="resources.couriers.fields.name">
                                <FunctionField render={courierName} />
                            </Labeled>
                        </Grid>
                        <Grid size={{ xs: 12, md: 4 }}>
                            <Labeled>
                                <EnumField source="status" kind="courierStatus" />
                            </Labeled>
                        </Grid>
                        <Grid size={{ xs: 12, md: 4 }}>
                            <Labeled>
                                <EnumField source="documentStatus" kind="documentStatus" />
                            </Labeled>
                        </Grid>
                        <Grid size={{ xs: 12, md: 4 }}>
                            <Labeled>
                                <TextField source="phone" />
                            </Labeled>
                        </Grid>
                        <Grid size={{ xs: 12, md: 4 }}>
                            <Labeled>
                                <TextField source="pinfl" />
                            </Labeled>
                        </Grid>
                        <Grid size={{ xs: 12, md: 4 }}>
                            <Labeled>
                                <DateField source="birthDate" options={{ timeZone: 'UTC' }} />
                            </Labeled>
                        </Grid>
                        <Grid size={{ xs: 12, md: 4 }}>
                            <Labeled>
                                <EnumField source="transportType" kind="transportType" />
                            </Labeled>
                        </Grid>
                        <Grid size={{ xs: 12, md: 4 }}>
                            <Labeled>
                                <TextField source="vehiclePlate" emptyText="—" />
                            </Labeled>
                        </Grid>
                        <Grid size={{ xs: 12, md: 4 }}>
                            <Labeled>
                                <BooleanField source="doNotRehire" />
                            </Labeled>
                        </Grid>
                        <Grid size={{ xs: 12, md: 4 }}>
                            <Labeled label="resources.couriers.fields.partnerID">
                                <TextField source="partner.name" emptyText="—" />
                            </Labeled>
                        </Grid>
                        <Grid size={{ xs: 12, md: 4 }}>
                            <Labeled label="resources.couriers.fields.branchID">
                                <TextField source="branch.name" emptyText="—" />
                            </Labeled>
                        </Grid>
                        <Grid size={{ xs: 12, md: 4 }}>
                            <Labeled>
                                <DateField source="hiredAt" emptyText="—" />
                            </Labeled>
                        </Grid>
                    </Grid>
                </TabbedShowLayout.Tab>
                {may('Query.courierDocuments') && (
                    <TabbedShowLayout.Tab label="mycourier.tabs.documents" path="documents">
                        <CourierDocuments />
                    </TabbedShowLayout.Tab>
                )}
                {may('Query.courierStatusChanges') && (
                    <TabbedShowLayout.Tab label="mycourier.tabs.history" path="history">
                        <History />
                    </TabbedShowLayout.Tab>
                )}
                <TabbedShowLayout.Tab label="mycourier.tabs.equipment" path="equipment">
                    <Equipment />
                </TabbedShowLayout.Tab>
                {may('Query.auditEvents') && (
                    <TabbedShowLayout.Tab label="mycourier.tabs.audit" path="audit">
                        <Audit />
                    </TabbedShowLayout.Tab>
                )}
            </TabbedShowLayout>
        </Show>
    );
}
