// The one way the UI talks to the API: a GraphQL POST (or a multipart
// upload when the variables carry files) with the session's bearer token,
// refreshed before it expires and once more when the API answers
// UNAUTHENTICATED; a second failure ends the session.

export interface ApiErrorShape {
    message: string;
    extensions?: {
        code?: string;
        key?: string;
        messageRu?: string;
        fields?: Record<string, string>;
        fieldKeys?: Record<string, string>;
        [detail: string]: unknown;
    };
}

/** An error the API answered with, in its own vocabulary. */
export class ApiError extends Error {
    readonly code: string;
    readonly key: string;
    readonly messageRu?: string;
    readonly fields: Record<string, string>;
    readonly fieldKeys: Record<string, string>;
    readonly details: Record<string, unknown>;
    constructor(e: ApiErrorShape) {
        super(e.message);
        const { code, key, messageRu, fields, fieldKeys, ...details } = e.extensions ?? {};
        this.code = code ?? 'INTERNAL';
        this.key = key ?? '';
        this.messageRu = messageRu;
        this.fields = fields ?? {};
        this.fieldKeys = fieldKeys ?? {};
        this.details = details;
    }
}

export interface Tokens {
    accessToken: string;
    refreshToken: string;
    expiresAt: string;
}

export interface KeyValueStore {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
    removeItem(key: string): void;
}

export interface SessionOptions {
    endpoint?: string;
    fetch?: typeof fetch;
    /** Keeps the refresh token across reloads (sessionStorage in the browser). */
    store?: KeyValueStore | null;
    now?: () => number;
    /** How long before expiry the access token is refreshed (default 60 s). */
    leewayMs?: number;
    setTimer?: (fn: () => void, ms: number) => unknown;
    clearTimer?: (t: unknown) => void;
}

const REFRESH_MUTATION = /* GraphQL */ `
    mutation SessionRefresh($refreshToken: String!) {
        refresh(refreshToken: $refreshToken) {
            accessToken
            refreshToken
            expiresAt
        }
    }
`;

const REFRESH_KEY = 'mycourier.refreshToken';

interface GraphQLResponse<T> {
    data?: T | null;
    errors?: ApiErrorShape[];
}

/** Session holds the tokens (the access token only in memory) and sends requests. */
export class Session {
    private tokens: Tokens | null = null;
    private refreshing: Promise<boolean> | null = null;
    private timer: unknown = undefined;
    private listeners = new Set<(signedIn: boolean) => void>();
    private readonly endpoint: string;
    private readonly fetchFn: typeof fetch;
    private readonly store: KeyValueStore | null;
    private readonly now: () => number;
    private readonly leewayMs: number;
    private readonly setTimer: (fn: () => void, ms: number) => unknown;
    private readonly clearTimer: (t: unknown) => void;

    constructor(opts: SessionOptions = {}) {
        this.endpoint = opts.endpoint ?? '/graphql';
        this.fetchFn = opts.fetch ?? ((...args) => fetch(...args));
        this.store = opts.store ?? null;
        this.now = opts.now ?? Date.now;
        this.leewayMs = opts.leewayMs ?? 60_000;
        this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
        this.clearTimer = opts.clearTimer ?? (t => clearTimeout(t as ReturnType<typeof setTimeout>));
    }

    get accessToken(): string | null {
        return this.tokens?.accessToken ?? null;
    }

    /** Whether a refresh token is kept (a reload can resume the session). */
    get canResume(): boolean {
        return this.tokens !== null || !!this.store?.getItem(REFRESH_KEY);
    }

    onChange(fn: (signedIn: boolean) => void): () => void {
        this.listeners.add(fn);
        return () => this.listeners.delete(fn);
    }

    /** Starts a session with tokens from login or refresh. */
    start(tokens: Tokens): void {
        this.tokens = tokens;
        this.store?.setItem(REFRESH_KEY, tokens.refreshToken);
        this.schedule();
        this.listeners.forEach(fn => fn(true));
    }

    /** Forgets the tokens (the API call to end the session is the caller's). */
    end(): void {
        this.tokens = null;
        this.store?.removeItem(REFRESH_KEY);
        if (this.timer !== undefined) this.clearTimer(this.timer);
        this.timer = undefined;
        this.listeners.forEach(fn => fn(false));
    }

    private schedule(): void {
        if (this.timer !== undefined) this.clearTimer(this.timer);
        if (!this.tokens) return;
        const wait = Math.max(0, Date.parse(this.tokens.expiresAt) - this.now() - this.leewayMs);
        this.timer = this.setTimer(() => {
            void this.refresh();
        }, wait);
    }

    private expiresSoon(): boolean {
        return !!this.tokens && Date.parse(this.tokens.expiresAt) - this.now() <= this.leewayMs;
    }

    /**
     * Exchanges the refresh token for new tokens; concurrent callers share
     * one exchange (a refresh token works once). False, and the session
     * ends, when the exchange fails.
     */
    refresh(): Promise<boolean> {
        if (this.refreshing) return this.refreshing;
        const refreshToken = this.tokens?.refreshToken ?? this.store?.getItem(REFRESH_KEY);
        if (!refreshToken) return Promise.resolve(false);
        this.refreshing = (async () => {
            try {
                const res = await this.post<{ refresh: Tokens }>(REFRESH_MUTATION, { refreshToken }, null);
                if (res.errors?.length || !res.data) {
                    this.end();
                    return false;
                }
                this.start(res.data.refresh);
                return true;
            } catch {
                this.end();
                return false;
            } finally {
                this.refreshing = null;
            }
        })();
        return this.refreshing;
    }

    /** Sends one operation and returns its data, or throws ApiError. */
    async request<TData, TVars = Record<string, unknown>>(query: string, variables?: TVars): Promise<TData> {
        if (this.expiresSoon() || (!this.tokens && this.store?.getItem(REFRESH_KEY))) {
            await this.refresh();
        }
        let res = await this.post<TData>(query, variables, this.accessToken);
        if (unauthenticated(res) && this.canResume) {
            if (await this.refresh()) {
                res = await this.post<TData>(query, variables, this.accessToken);
            }
            if (unauthenticated(res) && this.tokens) this.end();
        }
        if (res.errors?.length) throw new ApiError(res.errors[0]);
        if (!res.data) throw new ApiError({ message: 'empty response', extensions: { code: 'INTERNAL' } });
        return res.data;
    }

    private async post<T>(query: string, variables: unknown, token: string | null): Promise<GraphQLResponse<T>> {
        const headers: Record<string, string> = { Accept: 'application/json' };
        if (token) headers.Authorization = `Bearer ${token}`;
        const files = new Map<string, File>();
        const vars = extractFiles(variables, 'variables', files);
        let body: BodyInit;
        if (files.size === 0) {
            headers['Content-Type'] = 'application/json';
            body = JSON.stringify({ query, variables });
        } else {
            // The GraphQL multipart request spec: operations, map, then files.
            const form = new FormData();
            form.append('operations', JSON.stringify({ query, variables: vars }));
            const map: Record<string, string[]> = {};
            [...files.keys()].forEach((path, i) => (map[String(i)] = [path]));
            form.append('map', JSON.stringify(map));
            [...files.values()].forEach((file, i) => form.append(String(i), file, file.name));
            body = form;
        }
        const res = await this.fetchFn(this.endpoint, { method: 'POST', headers, body });
        const text = await res.text();
        try {
            return JSON.parse(text) as GraphQLResponse<T>;
        } catch {
            return { errors: [{ message: `HTTP ${res.status}`, extensions: { code: res.status === 429 ? 'RATE_LIMITED' : 'INTERNAL' } }] };
        }
    }
}

function unauthenticated(res: GraphQLResponse<unknown>): boolean {
    return !!res.errors?.some(e => e.extensions?.code === 'UNAUTHENTICATED');
}

/** Replaces each File in v by null, recording it under its dotted path. */
function extractFiles(v: unknown, path: string, out: Map<string, File>): unknown {
    if (typeof File !== 'undefined' && v instanceof File) {
        out.set(path, v);
        return null;
    }
    if (Array.isArray(v)) return v.map((x, i) => extractFiles(x, `${path}.${i}`, out));
    if (v && typeof v === 'object') {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, extractFiles(x, `${path}.${k}`, out)]));
    }
    return v;
}
