import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { buildSchema, type GraphQLSchema } from 'graphql';
import 'graphiql/graphiql.css';
import { TOKEN_REPLY, TOKEN_REQUEST } from './bridge';

// GraphiQL bundled with the admin UI: served by the binary at /playground,
// no CDN. Opened from the admin UI, it borrows the signed-in user's token.
function tokenFromOpener(): Promise<string | null> {
    const opener = window.opener as Window | null;
    if (!opener) return Promise.resolve(null);
    return new Promise(resolve => {
        const done = (t: string | null) => {
            window.removeEventListener('message', onMessage);
            resolve(t);
        };
        const onMessage = (e: MessageEvent) => {
            if (e.origin === window.location.origin && e.data?.type === TOKEN_REPLY) done(typeof e.data.token === 'string' ? e.data.token : null);
        };
        window.addEventListener('message', onMessage);
        opener.postMessage({ type: TOKEN_REQUEST }, window.location.origin);
        // Generous: a busy opener tab may answer late; without an answer the headers tab is empty.
        setTimeout(() => done(null), 10_000);
    });
}

// The schema comes from the published SDL, not from GraphiQL's
// introspection query: the API refuses that query as too deep (14 levels,
// the limit is 12) and production turns introspection off. Without a token
// (the playground opened by itself) GraphiQL introspects as usual.
async function publishedSchema(token: string | null): Promise<GraphQLSchema | undefined> {
    if (!token) return undefined;
    try {
        const res = await fetch('/schema.graphql', { headers: { Authorization: `Bearer ${token}` } });
        return res.ok ? buildSchema(await res.text()) : undefined;
    } catch {
        return undefined;
    }
}

void tokenFromOpener().then(async token => {
    const schema = await publishedSchema(token);
    const headers = token ? JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2) : undefined;
    const fetcher = createGraphiQLFetcher({ url: '/graphql' });
    createRoot(document.getElementById('root')!).render(
        <GraphiQL fetcher={fetcher} schema={schema} defaultHeaders={headers} headers={headers} shouldPersistHeaders={false} defaultQuery={'{\n  me {\n    login\n    role\n  }\n}\n'} />,
    );
});
