// A stand-in for the API's HTTP endpoint in unit tests: records each
// GraphQL request and answers from the handler.
export interface Sent {
    query: string;
    variables: Record<string, unknown>;
    authorization: string | null;
}

export function fakeAPI(handler: (req: Sent) => unknown) {
    const sent: Sent[] = [];
    const fetchFn = (async (_url: RequestInfo | URL, init?: RequestInit) => {
        const headers = (init?.headers ?? {}) as Record<string, string>;
        const body = JSON.parse(String(init?.body)) as { query: string; variables?: Record<string, unknown> };
        const req = { query: body.query, variables: body.variables ?? {}, authorization: headers.Authorization ?? null };
        sent.push(req);
        return new Response(JSON.stringify(handler(req)), { status: 200, headers: { 'Content-Type': 'application/json' } });
    }) as typeof fetch;
    return { sent, fetchFn };
}

export const opName = (q: string) => /(?:query|mutation)\s+(\w+)/.exec(q)?.[1] ?? '';
