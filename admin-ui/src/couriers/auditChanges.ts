// The audit trail's changes as people read them: "field: old → new", with
// the field's label and enum values translated, dates in the chosen locale
// and every value otherwise as the API returns it (masked or redacted
// values are shown masked). The API writes changes keyed by the database
// field (snake_case): { field: { old?, new } }, and edges as
// "edge.added" / "edge.removed" / "edge.cleared".
import { enumKey } from '../enums';
import type { Translate } from '../dataProvider/errors';
import { formatDate, formatDateTime } from '../layout/dates';

type Kind =
    | { type: 'text' }
    | { type: 'enum'; kind: string }
    | { type: 'date' }
    | { type: 'time' }
    | { type: 'bool' }
    | { type: 'ref'; resource: 'partners' | 'branches' };

const text: Kind = { type: 'text' };
const time: Kind = { type: 'time' };
const bool: Kind = { type: 'bool' };

/** A courier's fields in the order the profile shows them; the label key is resources.couriers.fields.<label>. */
const courierFields: Array<[field: string, label: string, kind: Kind]> = [
    ['last_name', 'lastName', text],
    ['first_name', 'firstName', text],
    ['middle_name', 'middleName', text],
    ['status', 'status', { type: 'enum', kind: 'courierStatus' }],
    ['document_status', 'documentStatus', { type: 'enum', kind: 'documentStatus' }],
    ['phone', 'phone', text],
    ['phone_duplicate', 'phoneDuplicate', bool],
    ['pinfl', 'pinfl', text],
    ['birth_date', 'birthDate', { type: 'date' }],
    ['gender', 'gender', { type: 'enum', kind: 'gender' }],
    ['transport_type', 'transportType', { type: 'enum', kind: 'transportType' }],
    ['vehicle_plate', 'vehiclePlate', text],
    ['do_not_rehire', 'doNotRehire', bool],
    ['partner_id', 'partnerID', { type: 'ref', resource: 'partners' }],
    ['branch_id', 'branchID', { type: 'ref', resource: 'branches' }],
    ['hired_at', 'hiredAt', time],
    ['fired_at', 'firedAt', time],
    ['status_changed_at', 'statusChangedAt', time],
    ['created_at', 'createdAt', time],
    ['archived_at', 'archivedAt', time],
    ['search_key', 'searchKey', text],
];
const byField = new Map(courierFields.map(([f, label, kind], i) => [f, { label, kind, order: i }]));

export interface AuditChange {
    key: string;
    label: string;
    /** Absent when the API recorded no old value (a creation, a change of many rows). */
    old?: string;
    new: string;
}

export interface AuditFormat {
    translate: Translate;
    locale: string;
    /** Names of referenced records by "resource:id", where known. */
    names?: Record<string, string>;
}

const isEntry = (v: unknown): v is { old?: unknown; new?: unknown } => !!v && typeof v === 'object' && !Array.isArray(v) && 'new' in v;

function value(v: unknown, kind: Kind, f: AuditFormat): string {
    if (v === null || v === undefined || v === '') return '—';
    if (Array.isArray(v)) return v.map(x => value(x, kind, f)).join(', ');
    switch (kind.type) {
        case 'enum':
            return f.translate(enumKey(kind.kind, v), { _: String(v) });
        case 'bool':
            return typeof v === 'boolean' ? f.translate(`ra.boolean.${v}`, { _: String(v) }) : String(v);
        case 'date':
        case 'time': {
            const d = typeof v === 'string' ? new Date(v) : null;
            if (!d || Number.isNaN(d.getTime())) return String(v);
            // A date without time is stored at midnight UTC: shown as that day everywhere.
            return kind.type === 'date' ? formatDate(v, f.locale) : formatDateTime(v, f.locale);
        }
        case 'ref':
            return f.names?.[`${kind.resource}:${v}`] ?? `#${String(v)}`;
    }
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The changes of one audit event, in the profile's field order. */
export function auditChanges(changes: unknown, f: AuditFormat): AuditChange[] {
    if (!changes || typeof changes !== 'object') return [];
    const c = changes as Record<string, unknown>;
    const out: Array<AuditChange & { order: number }> = [];
    for (const [key, raw] of Object.entries(c)) {
        const edge = /^(\w+)\.(added|removed|cleared)$/.exec(key);
        if (edge) {
            // An edge set through its id field is already shown as that field.
            if (`${edge[1]}_id` in c) continue;
            const label = `${f.translate(`resources.couriers.fields.${edge[1]}`, { _: edge[1] })} (${f.translate(`mycourier.audit.${edge[2]}`)})`;
            out.push({ key, label, new: edge[2] === 'cleared' ? '—' : value(raw, text, f), order: courierFields.length + 1 });
            continue;
        }
        const spec = byField.get(key);
        const kind = spec?.kind ?? text;
        const label = spec ? f.translate(`resources.couriers.fields.${spec.label}`) : key;
        const order = spec?.order ?? courierFields.length;
        if (!isEntry(raw)) {
            out.push({ key, label, new: value(raw, kind, f), order });
            continue;
        }
        const change: AuditChange & { order: number } = { key, label, new: value(raw.new, kind, f), order };
        if ('old' in raw) change.old = value(raw.old, kind, f);
        out.push(change);
    }
    return out.sort((a, b) => a.order - b.order || a.key.localeCompare(b.key)).map(({ order: _, ...rest }) => rest);
}

/** The ids of partners and branches the changes refer to, to look their names up. */
export function referencedIDs(changes: unknown): { partners: string[]; branches: string[] } {
    const ids = { partners: new Set<string>(), branches: new Set<string>() };
    if (changes && typeof changes === 'object') {
        for (const [field, resource] of [['partner_id', 'partners'], ['branch_id', 'branches']] as const) {
            const e = (changes as Record<string, unknown>)[field];
            if (isEntry(e)) for (const v of [e.old, e.new]) if (v !== null && v !== undefined) ids[resource].add(String(v));
        }
    }
    return { partners: [...ids.partners], branches: [...ids.branches] };
}

/**
 * An audit event's operation in words. Operations are the GraphQL root field
 * that made the change ("Mutation.blockCourier"), a sensitive read
 * ("Query.courierDossier"), a named event ("personalData.export",
 * "cli.user.create"), or, for changes made outside any request (the seed,
 * periodic jobs), the entity and the kind of change ("Courier.update").
 * An operation with no translation is shown as it is.
 */
export function auditOperation(operation: string, translate: (key: string, options?: { _: string }) => string): string {
    const change = /^[A-Z]\w*\.(create|update|delete)$/.exec(operation);
    if (change) return translate(`mycourier.audit.operations.change.${change[1]}`);
    return translate(`mycourier.audit.operations.${operation}`, { _: operation });
}
