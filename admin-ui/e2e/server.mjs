// Starts the real mycourier binary (with the UI build embedded) on a fresh
// database and a free 127.0.0.1 port, and gives the tests a GraphQL client.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '../..');

function freePort() {
    return new Promise((ok, fail) => {
        const s = createServer();
        s.listen(0, '127.0.0.1', () => {
            const { port } = s.address();
            s.close(() => ok(port));
        });
        s.on('error', fail);
    });
}

export async function startServer({ databaseURL } = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'mycourier-e2e-'));
    const bin = join(dir, 'mycourier');
    execFileSync('go', ['build', '-o', bin, './cmd/mycourier'], { cwd: repo, stdio: 'inherit' });
    const port = await freePort();
    const env = {
        ...process.env,
        MYCOURIER_DATA_DIR: join(dir, 'data'),
        MYCOURIER_DATABASE_URL: databaseURL ?? `sqlite://${join(dir, 'data', 'e2e.db')}`,
        MYCOURIER_LISTEN: `127.0.0.1:${port}`,
        MYCOURIER_LOG_LEVEL: 'warn',
        MYCOURIER_PLAYGROUND: 'true',
    };
    const run = (args, input) => execFileSync(bin, args, { env, input, cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] }).toString();
    run(['migrate', 'up']);
    if (!databaseURL) run(['seed', '--demo']);
    const proc = spawn(bin, ['serve'], { env, cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
        try {
            const r = await fetch(`${url}/readyz`);
            if (r.ok) break;
        } catch {
            /* not up yet */
        }
        if (i > 100 || proc.exitCode !== null) throw new Error('mycourier serve did not become ready');
        await new Promise(r => setTimeout(r, 100));
    }
    return {
        url,
        run,
        async stop() {
            proc.kill('SIGTERM');
            await new Promise(r => proc.once('exit', r));
            rmSync(dir, { recursive: true, force: true });
        },
    };
}

/** A GraphQL client for fixtures the tests need but do not test. */
export function api(url, token) {
    return async (query, variables = {}) => {
        const res = await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
            body: JSON.stringify({ query, variables }),
        });
        const body = await res.json();
        if (body.errors) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(body.errors)}`);
        return body.data;
    };
}

export async function signIn(url, login, password) {
    const d = await api(url)(`mutation($l: String!, $p: String!) { login(login: $l, password: $p) { accessToken } }`, { l: login, p: password });
    return d.login.accessToken;
}

/** A valid PINFL for a birth date (1900s) and serial, with its check digit. */
export function pinfl(day, month, year, serial, male = true) {
    const yy = String(year % 100).padStart(2, '0');
    const head = `${male ? 3 : 4}${String(day).padStart(2, '0')}${String(month).padStart(2, '0')}${yy}${String(serial).padStart(6, '0')}`;
    const w = [7, 3, 1];
    const sum = [...head].reduce((s, d, i) => s + Number(d) * w[i % 3], 0);
    return head + String(sum % 10);
}
