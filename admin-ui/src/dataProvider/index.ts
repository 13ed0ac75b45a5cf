import type { DataProvider, GetListParams, RaRecord, Identifier } from 'react-admin';
import type { Session } from './graphqlClient';
import { CursorCache, orderBy } from './paging';
import { resources, type Filter, type ResourceSpec } from './resources';
import { toHttpError, type Translate } from './errors';
import { toApiDate } from './dates';
import * as C from '../couriers/couriers.graphql';
import type {
    AddCourierDocumentInput,
    CourierAuditQuery,
    CourierHistoryQuery,
    ImportCouriersMutation,
} from '../generated/graphql';

interface Connection {
    totalCount: number;
    /** Courier lists only: counting stopped at totalCount ("10 000+"). */
    totalCountCapped?: boolean;
    pageInfo: { endCursor: string | null };
    edges: Array<{ node: RaRecord | null } | null> | null;
}

/**
 * The page's total as React-Admin reads it; a count the API stopped at its
 * cap is flagged in the response's meta, for the pagination to say "10 000+".
 */
export function totalOf(c: Connection): { total: number; meta?: { totalCapped: true } } {
    return c.totalCountCapped ? { total: c.totalCount, meta: { totalCapped: true } } : { total: c.totalCount };
}

/** The lifecycle mutations, named as the API's allowedActions names them. */
export type CourierAction = 'submitForActivation' | 'activateCourier' | 'blockCourier' | 'unblockCourier' | 'fireCourier' | 'rehireCourier';

const actionMutations: Record<CourierAction, string> = {
    submitForActivation: C.SUBMIT_COURIER,
    activateCourier: C.ACTIVATE_COURIER,
    blockCourier: C.BLOCK_COURIER,
    unblockCourier: C.UNBLOCK_COURIER,
    fireCourier: C.FIRE_COURIER,
    rehireCourier: C.REHIRE_COURIER,
};

export interface ActionArgs {
    reason?: string;
    comment?: string;
    force?: boolean;
}

export type ImportReport = ImportCouriersMutation['importCouriers'];

/** The custom methods beside React-Admin's: the API's business operations. */
export interface MyCourierDataProvider extends DataProvider {
    courierAction(id: Identifier, action: CourierAction, args?: ActionArgs): Promise<{ data: RaRecord }>;
    setDoNotRehire(id: Identifier, doNotRehire: boolean): Promise<{ data: RaRecord }>;
    addDocument(input: AddCourierDocumentInput): Promise<{ data: RaRecord }>;
    verifyDocument(id: Identifier): Promise<{ data: RaRecord }>;
    rejectDocument(id: Identifier, reason: string): Promise<{ data: RaRecord }>;
    importCouriers(file: File, dryRun: boolean): Promise<{ data: ImportReport }>;
    courierHistory(id: Identifier): Promise<{ data: RaRecord[] }>;
    courierAudit(id: Identifier): Promise<{ data: RaRecord[] }>;
    courierDocuments(id: Identifier): Promise<{ data: RaRecord }>;
    courierEquipment(id: Identifier): Promise<{ data: RaRecord }>;
    archive(resource: string, id: Identifier, archived: boolean): Promise<{ data: RaRecord }>;
    exportCouriers(filter: Filter, format: 'csv' | 'xlsx'): Promise<Blob>;
}

/** The most rows the API gives in one connection page (graph.MaxPageSize). */
export const MAX_PAGE = 500;

function spec(resource: string): ResourceSpec {
    const s = resources[resource];
    if (!s) throw new Error(`unknown resource ${resource}`);
    return s;
}

function nodesOf(c: Connection): RaRecord[] {
    return (c.edges ?? []).flatMap(e => (e?.node ? [e.node] : []));
}

function idempotencyKey(): string {
    return crypto.randomUUID();
}

export function createDataProvider(session: Session, translate: Translate, fetchFn: typeof fetch = (...a) => fetch(...a)): MyCourierDataProvider {
    const cursors = new CursorCache();
    // Every call goes through here so API errors reach forms and
    // notifications in React-Admin's shape.
    const call = async <T>(query: string, variables?: Record<string, unknown>): Promise<T> => {
        try {
            return await session.request<T>(query, variables);
        } catch (e) {
            throw toHttpError(e, translate);
        }
    };

    // The cursor after the first n rows, read in steps the API allows
    // (MAX_PAGE rows a request). Past the end it is the last row's cursor,
    // so the page asked for comes back empty rather than as page 1.
    const skipRows = async (query: string, root: string, vars: Record<string, unknown>, n: number): Promise<string | undefined> => {
        let after: string | undefined;
        for (let left = n; left > 0; ) {
            const first = Math.min(left, MAX_PAGE);
            const r = await call<Record<string, { edges: Array<{ cursor: string } | null> | null }>>(query, { ...vars, first, after });
            const edges = (r[root].edges ?? []).filter(e => !!e);
            if (edges.length > 0) after = edges[edges.length - 1].cursor;
            if (edges.length < first) break;
            left -= first;
        }
        return after;
    };

    const getList = async (resource: string, params: GetListParams) => {
        const s = spec(resource);
        const { page, perPage } = params.pagination ?? { page: 1, perPage: 25 };
        const filter = params.filter ?? {};
        const search = typeof filter.q === 'string' && filter.q.trim() !== '' && s.search ? filter.q.trim() : undefined;
        const root = search ? s.search!.root : s.root;
        const vars: Record<string, unknown> = {
            where: s.where(filter),
            orderBy: orderBy(params.sort, s.sortFields),
            ...(search ? { search } : {}),
        };
        const key = CursorCache.key(resource, filter, params.sort, perPage);
        const start = cursors.start(key, page, perPage);
        let after: string | undefined;
        if ('skip' in start) {
            const skip = search ? s.search!.skip : s.skip;
            if (skip) {
                after = await skipRows(skip, root, vars, start.skip);
            } else {
                // Small reference lists have no skip query: read from the start.
                const r = await call<Record<string, Connection>>(search ? s.search!.list : s.list, { ...vars, first: start.skip + perPage });
                const rows = nodesOf(r[root]).slice(start.skip);
                return { data: rows, ...totalOf(r[root]) };
            }
        } else {
            after = start.after;
        }
        const r = await call<Record<string, Connection>>(search ? s.search!.list : s.list, { ...vars, first: perPage, after });
        cursors.remember(key, page, r[root].pageInfo.endCursor);
        return { data: nodesOf(r[root]), ...totalOf(r[root]) };
    };

    const getMany = async (resource: string, ids: Identifier[]) => {
        const r = await call<{ nodes: Array<RaRecord | null> }>(spec(resource).nodes, { ids: ids.map(String) });
        return { data: r.nodes.filter((n): n is RaRecord => !!n && n.id !== undefined) };
    };

    const provider: MyCourierDataProvider = {
        getList: getList as DataProvider['getList'],
        getOne: (async (resource: string, { id }: { id: Identifier }) => {
            const s = spec(resource);
            if (s.one) {
                const r = await call<{ node: RaRecord | null }>(s.one, { id: String(id) });
                if (!r.node) throw toHttpError(new Error('not found'), translate);
                return { data: r.node };
            }
            const { data } = await getMany(resource, [id]);
            if (!data[0]) throw new Error('ra.notification.item_doesnt_exist');
            return { data: data[0] };
        }) as DataProvider['getOne'],
        getMany: (async (resource: string, { ids }: { ids: Identifier[] }) => getMany(resource, ids)) as DataProvider['getMany'],
        getManyReference: (async (resource: string, params) =>
            getList(resource, { ...params, filter: { ...params.filter, [params.target]: params.id } })) as DataProvider['getManyReference'],
        create: (async (resource: string, { data }: { data: Filter }) => {
            const s = spec(resource);
            if (!s.create) throw new Error(`${resource} cannot be created`);
            const r = await call<Record<string, RaRecord>>(s.create.mutation, { input: s.create.input(data) });
            cursors.clear();
            return { data: r[s.create.root] };
        }) as DataProvider['create'],
        update: (async (resource: string, { id, data, previousData }: { id: Identifier; data: Filter; previousData: Filter }) => {
            const s = spec(resource);
            if (!s.update) throw new Error(`${resource} cannot be edited`);
            const r = await call<Record<string, RaRecord>>(s.update.mutation, { id: String(id), input: s.update.input(data, previousData ?? {}) });
            return { data: r[s.update.root] };
        }) as DataProvider['update'],
        updateMany: () => Promise.reject(new Error('not supported')),
        // Nothing with history is deleted; reference data is archived.
        delete: () => Promise.reject(new Error('mycourier.errors.noDelete')),
        deleteMany: () => Promise.reject(new Error('mycourier.errors.noDelete')),

        archive: async (resource, id, isArchived) => {
            const s = spec(resource);
            const input = isArchived ? { archivedAt: new Date().toISOString() } : { clearArchivedAt: true };
            const r = await call<Record<string, RaRecord>>(s.update!.mutation, { id: String(id), input });
            cursors.clear();
            return { data: r[s.update!.root] };
        },
        courierAction: async (id, action, args = {}) => {
            const r = await call<Record<string, RaRecord>>(actionMutations[action], { id: String(id), key: idempotencyKey(), ...args });
            cursors.clear();
            return { data: r[action] };
        },
        setDoNotRehire: async (id, doNotRehire) => {
            const r = await call<{ setCourierDoNotRehire: RaRecord }>(C.SET_DO_NOT_REHIRE, { id: String(id), doNotRehire });
            return { data: r.setCourierDoNotRehire };
        },
        addDocument: async input => {
            const r = await call<{ addCourierDocument: RaRecord }>(C.ADD_DOCUMENT, {
                input: { ...input, issuedAt: toApiDate(input.issuedAt), expiresAt: toApiDate(input.expiresAt) },
            });
            return { data: r.addCourierDocument };
        },
        verifyDocument: async id => {
            const r = await call<{ verifyCourierDocument: RaRecord }>(C.VERIFY_DOCUMENT, { id: String(id) });
            return { data: r.verifyCourierDocument };
        },
        rejectDocument: async (id, reason) => {
            const r = await call<{ rejectCourierDocument: RaRecord }>(C.REJECT_DOCUMENT, { id: String(id), reason });
            return { data: r.rejectCourierDocument };
        },
        importCouriers: async (file, dryRun) => {
            const r = await call<ImportCouriersMutation>(C.IMPORT_COURIERS, { file, dryRun });
            if (!dryRun) cursors.clear();
            return { data: r.importCouriers };
        },
        courierHistory: async id => {
            const r = await call<CourierHistoryQuery>(C.COURIER_HISTORY, { id: String(id) });
            const node = r.node && 'statusHistory' in r.node ? r.node.statusHistory : null;
            return { data: (node?.edges ?? []).flatMap(e => (e?.node ? [e.node] : [])) };
        },
        courierAudit: async id => {
            const r = await call<CourierAuditQuery>(C.COURIER_AUDIT, { id: Number(id) });
            return { data: (r.auditEvents.edges ?? []).flatMap(e => (e?.node ? [e.node] : [])) };
        },
        courierDocuments: async id => {
            const r = await call<{ node: RaRecord | null }>(C.COURIER_DOCUMENTS, { id: String(id) });
            return { data: r.node ?? { id } };
        },
        courierEquipment: async id => {
            const r = await call<{ node: RaRecord | null }>(C.COURIER_EQUIPMENT, { id: String(id) });
            return { data: r.node ?? { id } };
        },
        exportCouriers: async (filter, format) => {
            const params = new URLSearchParams({ format });
            const where = courierWhereJSON(filter);
            if (where) params.set('where', where);
            if (typeof filter.q === 'string' && filter.q.trim()) params.set('search', filter.q.trim());
            const headers: Record<string, string> = {};
            if (session.accessToken) headers.Authorization = `Bearer ${session.accessToken}`;
            const res = await fetchFn(`/export/couriers?${params}`, { headers });
            if (!res.ok) throw new Error('mycourier.errors.exportFailed');
            return res.blob();
        },
    };
    return provider;
}

function courierWhereJSON(filter: Filter): string | undefined {
    const w = resources.couriers.where(filter);
    return w ? JSON.stringify(w) : undefined;
}
