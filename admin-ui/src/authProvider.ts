import type { AuthProvider } from 'react-admin';
import { ApiError, type Session, type Tokens } from './dataProvider/graphqlClient';
import { LOGIN, LOGOUT, LOGOUT_EVERYWHERE, ME } from './auth/auth.graphql';
import type { MeQuery } from './generated/graphql';
import { resources } from './dataProvider/resources';

export type Me = MeQuery['me'];

/** What the signed-in user may do, as the API's permission matrix says. */
export interface Permissions {
    role: string;
    operations: Set<string>;
}

/** Whether the user may call an API operation ("Mutation.blockCourier"). */
export function may(p: Permissions | undefined, operation: string): boolean {
    return !!p?.operations.has(operation);
}

/** The longest a sign-in waits for `me` and the first page; slower answers arrive on the drawn page. */
export const SIGN_IN_WAIT_MS = 1000;

export interface AuthProviderOptions {
    /**
     * Called once a sign-in succeeds, beside the `me` request (the first
     * page's early read); the sign-in finishes when both are answered.
     */
    onSignIn?: () => Promise<unknown>;
}

/**
 * Sign-in through the API: the access token stays in memory (Session), the
 * refresh token in session storage so a reload resumes; `me` says who the
 * user is and what they may do. `me` is asked for as soon as the sign-in
 * answers, not when the menu first needs it.
 */
export function createAuthProvider(session: Session, { onSignIn }: AuthProviderOptions = {}): AuthProvider & { logoutEverywhere(): Promise<void> } {
    let me: Promise<Me> | null = null;
    const loadMe = () => {
        me ??= session.request<MeQuery>(ME).then(r => r.me);
        me.catch(() => (me = null));
        return me;
    };
    session.onChange(signedIn => {
        if (!signedIn) me = null;
    });
    const permissionsOf = async (): Promise<Permissions> => {
        const m = await loadMe();
        return { role: m.role, operations: new Set(m.permissions) };
    };

    return {
        async login({ username, password }: { username: string; password: string }) {
            let data: { login: Tokens };
            try {
                data = await session.request<{ login: Tokens }>(LOGIN, { login: username, password });
            } catch (e) {
                if (e instanceof ApiError) throw new Error(`mycourier.errors.${e.key || 'auth.invalidCredentials'}`);
                throw e;
            }
            session.start(data.login);
            me = null;
            // The pages after sign-in need `me` and their first data; waiting
            // here for both (a few tens of ms) lets them draw once, complete,
            // instead of drawing while the answers arrive and again after.
            // A failure here is the page's to show, not the sign-in's.
            let timer: ReturnType<typeof setTimeout> | undefined;
            const answered = Promise.all([loadMe(), onSignIn?.()].map(p => p?.catch(() => undefined)));
            await Promise.race([answered, new Promise(done => (timer = setTimeout(done, SIGN_IN_WAIT_MS)))]);
            clearTimeout(timer);
        },
        async logout() {
            if (session.accessToken) {
                await session.request(LOGOUT).catch(() => undefined);
            }
            session.end();
        },
        async logoutEverywhere() {
            await session.request(LOGOUT_EVERYWHERE);
            session.end();
        },
        async checkAuth() {
            if (session.accessToken) return;
            if (session.canResume && (await session.refresh())) return;
            throw new Error('ra.auth.auth_check_error');
        },
        async checkError(error: unknown) {
            const status = (error as { status?: number } | null)?.status;
            // The session already tried a refresh; a 401 now means it is over.
            if (status === 401) {
                session.end();
                throw new Error('ra.auth.auth_check_error');
            }
        },
        async getIdentity() {
            const m = await loadMe();
            return { id: m.id, fullName: m.fullName, login: m.login, role: m.role };
        },
        getPermissions: permissionsOf,
        async canAccess({ resource, action }: { resource: string; action: string }) {
            const spec = resources[resource];
            if (!spec) return true;
            const p = await permissionsOf();
            const op = action === 'create' ? spec.operations.create : action === 'edit' ? spec.operations.edit : spec.operations.list;
            return op ? p.operations.has(op) : false;
        },
    };
}
