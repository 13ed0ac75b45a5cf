import { describe, expect, it } from 'vitest';
import { HttpError } from 'react-admin';
import { createDataProvider } from './index';
import { Session } from './graphqlClient';
import { fakeAPI, opName, type Sent } from './testing';

const translate = (key: string, opts?: Record<string, unknown>) => (key.startsWith('mycourier.errors.pinfl') ? `T(${key})` : String(opts?._ ?? key));

function connection(ids: string[], endCursor: string | null, total = 1000) {
    return { totalCount: total, pageInfo: { endCursor }, edges: ids.map(id => ({ node: { id, lastName: `L${id}` } })) };
}

/** The edges a skip query gets: cursors c(from+1)..c(to). */
function skipped(to: number, from = 0) {
    return { edges: Array.from({ length: to - from }, (_, i) => ({ cursor: `c${from + i + 1}` })) };
}

function setup(handler: (r: Sent) => unknown) {
    const { sent, fetchFn } = fakeAPI(handler);
    const session = new Session({ fetch: fetchFn });
    session.start({ accessToken: 'a1', refreshToken: 'r1', expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    return { dp: createDataProvider(session, translate), sent };
}

const list = (page: number, filter: Record<string, unknown> = {}) => ({
    pagination: { page, perPage: 2 },
    sort: { field: 'lastName', order: 'DESC' as const },
    filter,
});

describe('getList maps pages to cursors', () => {
    it('asks for the first page without a cursor, then continues from the end cursor', async () => {
        const { dp, sent } = setup(r => {
            const after = r.variables.after as string | undefined;
            return { data: { couriers: after === 'c2' ? connection(['3', '4'], 'c4') : connection(['1', '2'], 'c2') } };
        });
        const p1 = await dp.getList('couriers', list(1));
        expect(p1).toEqual({ data: [{ id: '1', lastName: 'L1' }, { id: '2', lastName: 'L2' }], total: 1000 });
        expect(sent[0].variables).toMatchObject({ first: 2, orderBy: { field: 'LAST_NAME', direction: 'DESC' } });
        expect(sent[0].variables.after).toBeUndefined();
        const p2 = await dp.getList('couriers', list(2));
        expect(p2.data.map(r => r.id)).toEqual(['3', '4']);
        expect(sent[1].variables).toMatchObject({ first: 2, after: 'c2' });
        expect(sent).toHaveLength(2);
    });

    it('finds the cursor of a page nobody has reached from the skipped rows\' last edge', async () => {
        // As the API answers: a skip reads edges' cursors (pageInfo without
        // edges is endCursor null, and would make the API count).
        const { dp, sent } = setup(r =>
            opName(r.query) === 'CourierSkip' ? { data: { couriers: skipped(8) } } : { data: { couriers: connection(['9', '10'], 'c10') } },
        );
        const p5 = await dp.getList('couriers', list(5));
        expect(p5.data.map(r => r.id)).toEqual(['9', '10']);
        expect(sent.map(s => opName(s.query))).toEqual(['CourierSkip', 'CourierList']);
        expect(sent[0].query).not.toMatch(/pageInfo|totalCount/);
        expect(sent[0].variables).toMatchObject({ first: 8 });
        expect(sent[1].variables).toMatchObject({ first: 2, after: 'c8' });
    });

    it('skips more rows than one request may ask for in steps of the page limit', async () => {
        const { dp, sent } = setup(r => {
            if (opName(r.query) !== 'CourierSkip') return { data: { couriers: connection(['x'], 'cx') } };
            const from = r.variables.after ? Number(String(r.variables.after).slice(1)) : 0;
            return { data: { couriers: skipped(from + Number(r.variables.first), from) } };
        });
        await dp.getList('couriers', { ...list(1), pagination: { page: 50, perPage: 25 } });
        const skips = sent.filter(s => opName(s.query) === 'CourierSkip').map(s => [s.variables.first, s.variables.after]);
        expect(skips).toEqual([
            [500, undefined],
            [500, 'c500'],
            [225, 'c1000'],
        ]);
        expect(sent.at(-1)!.variables).toMatchObject({ first: 25, after: 'c1225' });
    });

    it('shows a page past the end as empty, not as the first page', async () => {
        const { dp, sent } = setup(r =>
            opName(r.query) === 'CourierSkip' ? { data: { couriers: skipped(3) } } : { data: { couriers: connection([], null, 3) } },
        );
        const p9 = await dp.getList('couriers', list(9));
        expect(p9).toEqual({ data: [], total: 3 });
        expect(sent[1].variables).toMatchObject({ after: 'c3' });
    });

    it('keeps cursors apart per filter', async () => {
        const { dp, sent } = setup(() => ({ data: { couriers: connection(['1', '2'], 'c2') } }));
        await dp.getList('couriers', list(1));
        await dp.getList('couriers', list(2, { status: 'ACTIVE' }));
        expect(opName(sent[1].query)).toBe('CourierSkip');
    });
});

describe('getList builds the API filter', () => {
    it('sends filters as where, and quick search through courierSearch', async () => {
        const { dp, sent } = setup(r => ({ data: { [opName(r.query) === 'CourierSearch' ? 'courierSearch' : 'couriers']: connection([], null, 0) } }));
        await dp.getList('couriers', list(1, { status: 'BLOCKED', transportType: 'CAR', partnerID: '7', regionID: '3', documentStatus: 'EXPIRED' }));
        expect(sent[0].variables.where).toEqual({
            status: 'BLOCKED',
            transportType: 'CAR',
            partnerID: '7',
            documentStatus: 'EXPIRED',
            hasBranchWith: [{ regionID: '3' }],
        });
        await dp.getList('couriers', list(1, { q: ' Xasanov ' }));
        expect(opName(sent[1].query)).toBe('CourierSearch');
        expect(sent[1].variables).toMatchObject({ search: 'Xasanov' });
        expect(sent[1].variables.where).toBeUndefined();
    });

    it('shows reference data not archived unless asked', async () => {
        const { dp, sent } = setup(() => ({ data: { regions: connection([], null, 0) } }));
        await dp.getList('regions', list(1));
        await dp.getList('regions', list(1, { archived: true, q: 'Таш' }));
        expect(sent[0].variables.where).toEqual({ archivedAtIsNil: true });
        expect(sent[1].variables.where).toEqual({ archivedAtIsNil: false, nameContainsFold: 'Таш' });
    });

    it('sends an unknown sort field as no order rather than a wrong one', async () => {
        const { dp, sent } = setup(() => ({ data: { couriers: connection([], null, 0) } }));
        await dp.getList('couriers', { ...list(1), sort: { field: 'phone', order: 'ASC' } });
        expect(sent[0].variables.orderBy).toBeUndefined();
    });
});

describe('the courier list stays countable from the summary rows', () => {
    // The API answers totalCount from its summary rows when where holds only
    // these (graph/couriers_page.go, analyticssvc.CourierTotal); anything
    // else makes it COUNT the couriers.
    const countable = new Set(['partnerID', 'partnerIDIn', 'branchID', 'branchIDIn', 'status', 'statusIn', 'transportType', 'transportTypeIn']);
    const whereOf = async (filter: Record<string, unknown>) => {
        const { dp, sent } = setup(() => ({ data: { couriers: connection([], null, 0) } }));
        await dp.getList('couriers', { pagination: { page: 1, perPage: 25 }, sort: { field: 'createdAt', order: 'DESC' }, filter });
        return sent[0].variables;
    };

    it('sends no where for the default list (no name, archive or other condition added)', async () => {
        const v = await whereOf({});
        expect(v.where).toBeUndefined();
        expect(v.orderBy).toEqual({ field: 'CREATED_AT', direction: 'DESC' });
        expect((await whereOf({ q: '  ' })).where).toBeUndefined();
    });

    it('sends partner, branch, status and transport filters, alone or together, as countable fields only', async () => {
        for (const filter of [{ status: 'ACTIVE' }, { transportType: 'CAR' }, { partnerID: '7' }, { branchID: '4' }, { partnerID: '7', status: 'BLOCKED', transportType: 'MOTO', branchID: '4' }]) {
            const { where } = await whereOf(filter);
            expect(Object.keys(where as object).filter(k => !countable.has(k)), JSON.stringify(filter)).toEqual([]);
        }
    });

    it('sends the region as the branch\'s region alone (the API counts that from the summaries too); document state is counted', async () => {
        expect((await whereOf({ regionID: '3' })).where).toEqual({ hasBranchWith: [{ regionID: '3' }] });
        expect((await whereOf({ documentStatus: 'EXPIRED' })).where).toEqual({ documentStatus: 'EXPIRED' });
    });
});

describe('errors reach the form fields', () => {
    it('turns BAD_USER_INPUT into an HttpError with a translated message per field', async () => {
        const { dp } = setup(() => ({
            data: null,
            errors: [
                {
                    message: 'invalid input',
                    extensions: {
                        code: 'BAD_USER_INPUT',
                        key: 'error.invalid',
                        fields: { pinfl: 'wrong check digit', phone: 'too short' },
                        fieldKeys: { pinfl: 'pinfl.checksum', phone: 'phone.length' },
                    },
                },
            ],
        }));
        const err = await dp.create('couriers', { data: { lastName: 'Х', pinfl: '1' } }).catch(e => e);
        expect(err).toBeInstanceOf(HttpError);
        expect(err.status).toBe(400);
        expect(err.body.errors).toEqual({ pinfl: 'T(mycourier.errors.pinfl.checksum)', phone: 'too short' });
    });

    it('keeps the code and details of a refused transition for the dialog', async () => {
        const { dp } = setup(() => ({
            errors: [{ message: 'holds equipment', extensions: { code: 'INVALID_TRANSITION', key: 'courier.equipmentOutstanding', held: 2 } }],
        }));
        const err = await dp.courierAction('5', 'fireCourier', { reason: 'theft' }).catch(e => e);
        expect(err.status).toBe(409);
        expect(err.body).toMatchObject({ code: 'INVALID_TRANSITION', key: 'courier.equipmentOutstanding', details: { held: 2 } });
    });
});

describe('writes call the business mutations', () => {
    it('updates only what changed and clears a removed partner', async () => {
        const { dp, sent } = setup(() => ({ data: { updateCourier: { id: '5' } } }));
        await dp.update('couriers', {
            id: '5',
            data: { lastName: 'Новая', phone: '+998901112233', partnerID: null, birthDate: '1994-03-14' },
            previousData: { id: '5', lastName: 'Старая', phone: '+998901112233', partnerID: '7', birthDate: '1994-03-14' },
        });
        expect(opName(sent[0].query)).toBe('UpdateCourier');
        expect(sent[0].variables).toEqual({ id: '5', input: { lastName: 'Новая', clearPartner: true } });
    });

    it('sends lifecycle actions with an idempotency key and never deletes', async () => {
        const { dp, sent } = setup(() => ({ data: { blockCourier: { id: '5', status: 'BLOCKED' } } }));
        await dp.courierAction('5', 'blockCourier', { reason: 'fraud', comment: 'c' });
        expect(opName(sent[0].query)).toBe('BlockCourier');
        expect(sent[0].variables).toMatchObject({ id: '5', reason: 'fraud', comment: 'c' });
        expect(String(sent[0].variables.key)).toMatch(/^[0-9a-f-]{36}$/);
        await expect(dp.delete('couriers', { id: '5' })).rejects.toThrow();
    });
});
