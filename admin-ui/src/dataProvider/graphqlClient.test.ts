import { describe, expect, it } from 'vitest';
import { ApiError, Session, type KeyValueStore } from './graphqlClient';
import { fakeAPI, opName, type Sent } from './testing';

const NOW = Date.parse('2026-11-30T10:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

function memoryStore(): KeyValueStore & { map: Map<string, string> } {
    const map = new Map<string, string>();
    return { map, getItem: k => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: k => void map.delete(k) };
}

function setup(handler: (r: Sent) => unknown, clock = { now: NOW }) {
    const { sent, fetchFn } = fakeAPI(handler);
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const store = memoryStore();
    const session = new Session({ fetch: fetchFn, store, now: () => clock.now, setTimer: (fn, ms) => timers.push({ fn, ms }), clearTimer: () => undefined });
    const changes: boolean[] = [];
    session.onChange(s => changes.push(s));
    return { session, sent, timers, store, changes, clock };
}

const refreshed = (n: number, expiresIn = 15) => ({ data: { refresh: { accessToken: `a${n}`, refreshToken: `r${n}`, expiresAt: at(expiresIn) } } });

describe('Session refreshes the access token', () => {
    it('schedules the refresh a minute before expiry and takes the new tokens', async () => {
        const { session, sent, timers, store } = setup(() => refreshed(2));
        session.start({ accessToken: 'a1', refreshToken: 'r1', expiresAt: at(15) });
        expect(timers.at(-1)!.ms).toBe(14 * 60_000);
        timers.at(-1)!.fn();
        await Promise.resolve();
        await new Promise(r => setTimeout(r, 0));
        expect(opName(sent[0].query)).toBe('SessionRefresh');
        expect(sent[0].variables).toEqual({ refreshToken: 'r1' });
        expect(sent[0].authorization).toBeNull();
        expect(session.accessToken).toBe('a2');
        expect(store.map.get('mycourier.refreshToken')).toBe('r2');
    });

    it('refreshes first when a request finds the token about to expire', async () => {
        const { session, sent, clock } = setup(r => (opName(r.query) === 'SessionRefresh' ? refreshed(2) : { data: { me: { id: '1' } } }));
        session.start({ accessToken: 'a1', refreshToken: 'r1', expiresAt: at(15) });
        clock.now = NOW + 14.5 * 60_000;
        await session.request('query Me { me { id } }');
        expect(sent.map(s => opName(s.query))).toEqual(['SessionRefresh', 'Me']);
        expect(sent[1].authorization).toBe('Bearer a2');
    });

    it('refreshes once on UNAUTHENTICATED and repeats the request', async () => {
        let calls = 0;
        const { session, sent } = setup(r => {
            if (opName(r.query) === 'SessionRefresh') return refreshed(2);
            calls++;
            return r.authorization === 'Bearer a2' ? { data: { me: { id: '1' } } } : { errors: [{ message: 'sign in', extensions: { code: 'UNAUTHENTICATED' } }] };
        });
        session.start({ accessToken: 'a1', refreshToken: 'r1', expiresAt: at(15) });
        await expect(session.request('query Me { me { id } }')).resolves.toEqual({ me: { id: '1' } });
        expect(calls).toBe(2);
        expect(sent.filter(s => opName(s.query) === 'SessionRefresh')).toHaveLength(1);
    });

    it('signs out when the refresh fails, and does not loop', async () => {
        const { session, sent, changes, store } = setup(r =>
            opName(r.query) === 'SessionRefresh'
                ? { errors: [{ message: 'invalid token', extensions: { code: 'UNAUTHENTICATED', key: 'auth.invalidToken' } }] }
                : { errors: [{ message: 'sign in', extensions: { code: 'UNAUTHENTICATED' } }] },
        );
        session.start({ accessToken: 'a1', refreshToken: 'r1', expiresAt: at(15) });
        const err = (await session.request('query Me { me { id } }').catch(e => e)) as ApiError;
        expect(err).toBeInstanceOf(ApiError);
        expect(err.code).toBe('UNAUTHENTICATED');
        expect(session.accessToken).toBeNull();
        expect(store.map.has('mycourier.refreshToken')).toBe(false);
        expect(changes).toEqual([true, false]);
        expect(sent.map(s => opName(s.query))).toEqual(['Me', 'SessionRefresh']);
    });

    it('shares one refresh between concurrent requests (a refresh token works once)', async () => {
        const { session, sent, clock } = setup(r => (opName(r.query) === 'SessionRefresh' ? refreshed(2) : { data: { ok: true } }));
        session.start({ accessToken: 'a1', refreshToken: 'r1', expiresAt: at(15) });
        clock.now = NOW + 14.9 * 60_000;
        await Promise.all([session.request('query A { ok }'), session.request('query B { ok }'), session.request('query C { ok }')]);
        expect(sent.filter(s => opName(s.query) === 'SessionRefresh')).toHaveLength(1);
    });

    it('resumes after a reload from the kept refresh token; the access token is never stored', async () => {
        const first = setup(() => refreshed(2));
        first.session.start({ accessToken: 'a1', refreshToken: 'r1', expiresAt: at(15) });
        expect([...first.store.map.values()]).toEqual(['r1']);
        const { fetchFn } = fakeAPI(() => refreshed(3));
        const reloaded = new Session({ fetch: fetchFn, store: first.store, now: () => NOW, setTimer: () => 0, clearTimer: () => undefined });
        expect(reloaded.accessToken).toBeNull();
        expect(await reloaded.refresh()).toBe(true);
        expect(reloaded.accessToken).toBe('a3');
    });
});
