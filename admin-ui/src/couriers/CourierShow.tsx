import type { ReactElement } from 'react';
import {
    BooleanField,
    EditButton,
    FunctionField,
    Labeled,
    Show,
    TabbedShowLayout,
    TextField,
    TopToolbar,
    useLocaleState,
    useRecordContext,
    useGetList,
    useGetMany,
    useTranslate,
    type RaRecord,
} from 'react-admin';
import { Grid, Typography } from '@mui/material';
import { RowsTable } from '../layout/RowsTable';
import { LocaleDateField } from '../layout/LocaleDateField';
import { formatDateTime } from '../layout/dates';
import { useCourierData } from './useCourierData';
import { EnumField, enumKey } from '../enums';
import { useMay } from '../permissions';
import { LifecycleButtons } from './LifecycleButtons';
import { CourierDocuments } from './CourierDocuments';
import { courierName } from './CourierList';
import { auditChanges, auditOperation, referencedIDs } from './auditChanges';
import { historyReason } from './historyReason';

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
    // Archived reasons too: a past change keeps its reason's title.
    const { data: reasons = [] } = useGetList('statusReasons', {
        filter: { archived: 'all' },
        pagination: { page: 1, perPage: 500 },
        sort: { field: 'sortOrder', order: 'ASC' },
    });
    return (
        <RowsTable
            label="mycourier.tabs.history"
            rows={rows}
            error={error}
            rowKey={r => r.id}
            columns={[
                { header: 'mycourier.history.when', render: r => formatDateTime(r.createdAt, locale) },
                { header: 'mycourier.history.from', render: r => (r.fromStatus ? translate(enumKey('courierStatus', r.fromStatus)) : '—') },
                { header: 'mycourier.history.to', render: r => translate(enumKey('courierStatus', r.toStatus)) },
                { header: 'mycourier.history.reason', render: r => historyReason(r, reasons, locale, translate) },
                { header: 'mycourier.history.comment', render: r => r.comment ?? '' },
                { header: 'mycourier.history.who', render: r => r.actor?.fullName ?? '' },
            ]}
        />
    );
}

function Audit() {
    const translate = useTranslate();
    const [locale] = useLocaleState();
    const { data: rows, error } = useCourierData((dp, id) => dp.courierAudit(id));
    const names = useReferencedNames(rows);
    return (
        <RowsTable
            label="mycourier.tabs.audit"
            rows={rows}
            error={error}
            rowKey={r => r.id}
            columns={[
                { header: 'mycourier.history.when', render: r => formatDateTime(r.createdAt, locale) },
                { header: 'mycourier.history.who', render: r => `${r.actorName} ${r.actorRole ? `(${translate(enumKey('role', r.actorRole))})` : ''}` },
                { header: 'mycourier.audit.operation', render: r => auditOperation(r.operation, translate) },
                { header: 'mycourier.audit.changes', render: r => <Changes changes={r.changes} names={names} />, sx: { maxWidth: 560, wordBreak: 'break-word' } },
            ]}
        />
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
    const money = (n: number) => `${n.toLocaleString(locale)} UZS`;
    const held: RaRecord[] | null = record ? (record.equipmentHeld ?? []) : null;
    return (
        <>
            <RowsTable
                label="mycourier.tabs.equipment"
                rows={held}
                error={error}
                empty="mycourier.equipment.none"
                rowKey={h => h.equipmentType.id}
                columns={[
                    { header: 'mycourier.equipment.type', render: h => h.equipmentType.name },
                    { header: 'mycourier.equipment.quantity', render: h => h.quantity.toLocaleString(locale), align: 'right' },
                    { header: 'mycourier.equipment.value', render: h => money(h.value), align: 'right' },
                ]}
            />
            {record && !error && (
                <Typography sx={{ mt: 2 }}>
                    {translate('mycourier.equipment.debt')}: <b>{money(record.outstandingDebt ?? 0)}</b>
                </Typography>
            )}
        </>
    );
}

/** One labelled value of the profile grid (three a row on wide screens). */
function ProfileCell({ label, children }: { label?: string; children: ReactElement }) {
    return (
        <Grid size={{ xs: 12, md: 4 }}>
            <Labeled label={label}>{children}</Labeled>
        </Grid>
    );
}

export function CourierShow() {
    const may = useMay();
    return (
        <Show actions={<Actions />} title={<Title />}>
            <TabbedShowLayout>
                <TabbedShowLayout.Tab label="mycourier.tabs.profile">
                    <Grid container spacing={2}>
                        <ProfileCell label="resources.couriers.fields.name">
                            <FunctionField render={courierName} />
                        </ProfileCell>
                        <ProfileCell>
                            <EnumField source="status" kind="courierStatus" />
                        </ProfileCell>
                        <ProfileCell>
                            <EnumField source="documentStatus" kind="documentStatus" />
                        </ProfileCell>
                        <ProfileCell>
                            <TextField source="phone" />
                        </ProfileCell>
                        <ProfileCell>
                            <TextField source="pinfl" />
                        </ProfileCell>
                        <ProfileCell>
                            <LocaleDateField source="birthDate" dateOnly />
                        </ProfileCell>
                        <ProfileCell>
                            <EnumField source="transportType" kind="transportType" />
                        </ProfileCell>
                        <ProfileCell>
                            <TextField source="vehiclePlate" emptyText="—" />
                        </ProfileCell>
                        <ProfileCell>
                            <BooleanField source="doNotRehire" />
                        </ProfileCell>
                        <ProfileCell label="resources.couriers.fields.partnerID">
                            <TextField source="partner.name" emptyText="—" />
                        </ProfileCell>
                        <ProfileCell label="resources.couriers.fields.branchID">
                            <TextField source="branch.name" emptyText="—" />
                        </ProfileCell>
                        <ProfileCell>
                            <LocaleDateField source="hiredAt" emptyText="—" />
                        </ProfileCell>
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
