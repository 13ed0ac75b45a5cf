import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthProvider, SIGN_IN_WAIT_MS } from './authProvider';
import { Session } from './dataProvider/graphqlClient';
import { fakeAPI, opName, type Sent } from './dataProvider/testing';

afterEach(() => vi.useRealTimers());

const tokens = { accessToken: 'a1', refreshToken: 'r1', expiresAt: new Date(Date.now() + 3600_000).toISOString() };
const me = { id: '7', login: 'aziza', fullName: 'Азиза Каримова', role: 'OWNER', permissions: ['Query.couriers', 'Mutation.onboardCourier'] };

function setup(handler: (r: Sent) => unknown = r => (opName(r.query) === 'Login' ? { data: { login: tokens } } : { data: { me } })) {
    const { sent, fetchFn } = fakeAPI(handler);
    const session = new Session({ fetch: fetchFn });
    return { sent, session };
}

describe('sign-in', () => {
    it('asks for me as soon as the sign-in answers, beside the first page, and finishes once both are answered', async () => {
        const { sent, session } = setup();
        let firstPageDone = false;
        const onSignIn = vi.fn(() => new Promise<void>(r => setTimeout(() => r(void (firstPageDone = true)), 30)));
        const auth = createAuthProvider(session, { onSignIn });
        await auth.login({ username: 'aziza', password: 'x' });
        expect(sent.map(r => opName(r.query))).toEqual(['Login', 'Me']);
        expect(sent[1].authorization).toBe('Bearer a1');
        expect(onSignIn).toHaveBeenCalledTimes(1);
        expect(firstPageDone).toBe(true);
        // The menu, the buttons and the list's access check read that same answer.
        expect(await auth.getPermissions!({})).toEqual({ role: 'OWNER', operations: new Set(me.permissions) });
        expect(await auth.canAccess!({ resource: 'couriers', action: 'list' })).toBe(true);
        expect(sent).toHaveLength(2);
    });

    it('succeeds when me or the first page fails: the page shows those errors', async () => {
        const { session } = setup(r => (opName(r.query) === 'Login' ? { data: { login: tokens } } : { errors: [{ message: 'down', extensions: { code: 'UNAVAILABLE' } }] }));
        const auth = createAuthProvider(session, { onSignIn: () => Promise.reject(new Error('list down')) });
        await expect(auth.login({ username: 'aziza', password: 'x' })).resolves.toBeUndefined();
        expect(session.accessToken).toBe('a1');
    });

    it(`does not wait more than ${SIGN_IN_WAIT_MS} ms for them`, async () => {
        vi.useFakeTimers();
        const { session } = setup();
        const auth = createAuthProvider(session, { onSignIn: () => new Promise(() => undefined) });
        let done = false;
        const login = auth.login({ username: 'aziza', password: 'x' }).then(() => (done = true));
        await vi.advanceTimersByTimeAsync(SIGN_IN_WAIT_MS - 1);
        expect(done).toBe(false);
        await vi.advanceTimersByTimeAsync(1);
        await login;
        expect(done).toBe(true);
    });

    it('refuses wrong credentials without asking for me or the first page', async () => {
        const { sent, session } = setup(() => ({ errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED', key: 'auth.invalidCredentials' } }] }));
        const onSignIn = vi.fn(() => Promise.resolve());
        const auth = createAuthProvider(session, { onSignIn });
        await expect(auth.login({ username: 'aziza', password: 'bad' })).rejects.toThrow('mycourier.errors.auth.invalidCredentials');
        expect(sent.map(r => opName(r.query))).toEqual(['Login']);
        expect(onSignIn).not.toHaveBeenCalled();
    });
});
