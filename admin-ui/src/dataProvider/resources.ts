// What the data provider knows of each resource: its list query and
// filters, its sort fields, how to read several by id, its create and
// update mutations, and the API operations behind list/create/edit (so
// menus and buttons follow me.permissions).
import * as C from '../couriers/couriers.graphql';
import * as P from '../partners/partners.graphql';
import * as R from '../regions/regions.graphql';
import * as B from '../branches/branches.graphql';
import * as S from '../statusReasons/statusReasons.graphql';
import { toApiDate } from './dates';
import type {
    BranchWhereInput,
    CourierDocumentStatus,
    CourierStatus,
    CourierTransportType,
    CourierWhereInput,
    PartnerWhereInput,
    RegionWhereInput,
    StatusReasonKind,
    StatusReasonWhereInput,
} from '../generated/graphql';

export type Filter = Record<string, unknown>;

export interface ResourceSpec {
    root: string;
    list: string;
    skip?: string;
    search?: { root: string; list: string; skip: string };
    nodes: string;
    one?: string;
    where(filter: Filter): Record<string, unknown> | undefined;
    sortFields: Record<string, string>;
    create?: { mutation: string; root: string; input(data: Filter): Record<string, unknown> };
    update?: { mutation: string; root: string; input(data: Filter, previous: Filter): Record<string, unknown> };
    operations: { list: string; create?: string; edit?: string };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** Only what changed, with clearX for optional fields emptied. */
function changes(data: Filter, previous: Filter, fields: string[], clearable: string[] = []): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of fields) {
        const now = data[f] === '' ? null : data[f];
        const before = previous[f] === '' ? null : previous[f];
        if (JSON.stringify(now ?? null) === JSON.stringify(before ?? null)) continue;
        if ((now === null || now === undefined) && clearable.includes(f)) {
            out[`clear${f[0].toUpperCase()}${f.slice(1)}`] = true;
        } else if (now !== undefined && now !== null) {
            out[f] = now;
        }
    }
    return out;
}

function pick(data: Filter, fields: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of fields) {
        const v = data[f];
        if (v !== undefined && v !== null && v !== '') out[f] = typeof v === 'string' ? v.trim() : v;
    }
    return out;
}

function archived(filter: Filter): { archivedAtIsNil?: boolean } {
    return filter.archived === true ? { archivedAtIsNil: false } : filter.archived === 'all' ? {} : { archivedAtIsNil: true };
}

/** The courier list's filters as the API's where input. */
export function courierWhere(filter: Filter): CourierWhereInput | undefined {
    const w: CourierWhereInput = {};
    if (filter.status) w.status = filter.status as CourierStatus;
    if (filter.transportType) w.transportType = filter.transportType as CourierTransportType;
    if (filter.documentStatus) w.documentStatus = filter.documentStatus as CourierDocumentStatus;
    if (filter.partnerID) w.partnerID = String(filter.partnerID);
    if (filter.branchID) w.branchID = String(filter.branchID);
    if (filter.regionID) w.hasBranchWith = [{ regionID: String(filter.regionID) }];
    return Object.keys(w).length ? w : undefined;
}

function withDates(input: Record<string, unknown>): Record<string, unknown> {
    if ('birthDate' in input) input.birthDate = toApiDate(input.birthDate);
    return input;
}

const courierFields = ['lastName', 'firstName', 'middleName', 'phone', 'pinfl', 'birthDate', 'transportType', 'vehiclePlate', 'partnerID', 'branchID'];

export const resources: Record<string, ResourceSpec> = {
    couriers: {
        root: 'couriers',
        list: C.COURIER_LIST,
        skip: C.COURIER_SKIP,
        search: { root: 'courierSearch', list: C.COURIER_SEARCH, skip: C.COURIER_SEARCH_SKIP },
        nodes: C.COURIER_MANY,
        one: C.COURIER_ONE,
        where: courierWhere,
        sortFields: { lastName: 'LAST_NAME', firstName: 'FIRST_NAME', createdAt: 'CREATED_AT', status: 'STATUS', transportType: 'TRANSPORT_TYPE', documentStatus: 'DOCUMENT_STATUS' },
        create: { mutation: C.ONBOARD_COURIER, root: 'onboardCourier', input: d => withDates(pick(d, courierFields)) },
        update: {
            mutation: C.UPDATE_COURIER,
            root: 'updateCourier',
            input: (d, p) => {
                const c = withDates(changes(d, p, courierFields, ['partnerID', 'branchID']));
                if ('clearPartnerID' in c) {
                    delete c.clearPartnerID;
                    c.clearPartner = true;
                }
                if ('clearBranchID' in c) {
                    delete c.clearBranchID;
                    c.clearBranch = true;
                }
                return c;
            },
        },
        operations: { list: 'Query.couriers', create: 'Mutation.onboardCourier', edit: 'Mutation.updateCourier' },
    },
    partners: {
        root: 'partners',
        list: P.PARTNER_LIST,
        nodes: P.PARTNER_NODES,
        where: (f): PartnerWhereInput => ({ ...archived(f), ...(str(f.q) ? { nameContainsFold: str(f.q) } : {}) }),
        sortFields: { name: 'NAME', createdAt: 'CREATED_AT' },
        create: { mutation: P.CREATE_PARTNER, root: 'createPartner', input: d => pick(d, ['name', 'legalName', 'inn', 'contactName', 'contactPhone']) },
        update: {
            mutation: P.UPDATE_PARTNER,
            root: 'updatePartner',
            input: (d, p) => changes(d, p, ['name', 'legalName', 'inn', 'contactName', 'contactPhone'], ['legalName', 'inn', 'contactName', 'contactPhone']),
        },
        operations: { list: 'Query.partners', create: 'Mutation.createPartner', edit: 'Mutation.updatePartner' },
    },
    regions: {
        root: 'regions',
        list: R.REGION_LIST,
        nodes: R.REGION_NODES,
        where: (f): RegionWhereInput => ({ ...archived(f), ...(str(f.q) ? { nameContainsFold: str(f.q) } : {}) }),
        sortFields: { name: 'NAME', code: 'CODE' },
        create: { mutation: R.CREATE_REGION, root: 'createRegion', input: d => pick(d, ['name', 'code']) },
        update: { mutation: R.UPDATE_REGION, root: 'updateRegion', input: (d, p) => changes(d, p, ['name', 'code']) },
        operations: { list: 'Query.regions', create: 'Mutation.createRegion', edit: 'Mutation.updateRegion' },
    },
    branches: {
        root: 'branches',
        list: B.BRANCH_LIST,
        nodes: B.BRANCH_NODES,
        where: (f): BranchWhereInput => ({
            ...archived(f),
            ...(str(f.q) ? { nameContainsFold: str(f.q) } : {}),
            ...(f.regionID ? { regionID: String(f.regionID) } : {}),
        }),
        sortFields: { name: 'NAME', code: 'CODE' },
        create: { mutation: B.CREATE_BRANCH, root: 'createBranch', input: d => pick(d, ['name', 'code', 'address', 'regionID']) },
        update: { mutation: B.UPDATE_BRANCH, root: 'updateBranch', input: (d, p) => changes(d, p, ['name', 'code', 'address', 'regionID'], ['address']) },
        operations: { list: 'Query.branches', create: 'Mutation.createBranch', edit: 'Mutation.updateBranch' },
    },
    statusReasons: {
        root: 'statusReasons',
        list: S.STATUS_REASON_LIST,
        nodes: S.STATUS_REASON_NODES,
        where: (f): StatusReasonWhereInput => ({ ...archived(f), ...(f.kind ? { kind: f.kind as StatusReasonKind } : {}) }),
        sortFields: { sortOrder: 'SORT_ORDER', code: 'CODE', kind: 'KIND' },
        create: {
            mutation: S.CREATE_STATUS_REASON,
            root: 'createStatusReason',
            input: d => pick(d, ['kind', 'code', 'titleRu', 'titleEn', 'commentRequired', 'sortOrder']),
        },
        update: {
            mutation: S.UPDATE_STATUS_REASON,
            root: 'updateStatusReason',
            input: (d, p) => changes(d, p, ['kind', 'code', 'titleRu', 'titleEn', 'commentRequired', 'sortOrder'], ['titleEn']),
        },
        operations: { list: 'Query.statusReasons', create: 'Mutation.createStatusReason', edit: 'Mutation.updateStatusReason' },
    },
};
