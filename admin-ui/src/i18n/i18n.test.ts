import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import en from './en';
import ru from './ru';
import uz from './uz';

type Tree = { [k: string]: string | Tree };

function keys(t: Tree, prefix = ''): string[] {
    return Object.entries(t).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)));
}

const own = (m: object) => keys({ resources: (m as Tree).resources, mycourier: (m as Tree).mycourier } as Tree);
const langs = { en, ru, uz } as Record<string, object>;

function get(m: object, key: string): unknown {
    return key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Tree)[k] : undefined), m);
}

/** Go source files of the API (tests excluded). */
function goFiles(dir: string): string[] {
    return readdirSync(dir).flatMap(name => {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) return name === 'testdata' ? [] : goFiles(p);
        return name.endsWith('.go') && !name.endsWith('_test.go') ? [p] : [];
    });
}

const repo = join(import.meta.dirname, '../../..');
const goSource = [...goFiles(join(repo, 'internal')), ...goFiles(join(repo, 'graph'))].map(f => readFileSync(f, 'utf8')).join('\n');
const cmdSource = goFiles(join(repo, 'cmd')).map(f => readFileSync(f, 'utf8')).join('\n');

describe('translations', () => {
    it('have the same keys in Russian, Uzbek and English', () => {
        const base = new Set(own(en));
        for (const [lang, m] of Object.entries(langs)) {
            const ks = new Set(own(m));
            expect([...base].filter(k => !ks.has(k)), `missing in ${lang}`).toEqual([]);
            expect([...ks].filter(k => !base.has(k)), `only in ${lang}`).toEqual([]);
        }
    });

    it('translate every code the API sends', () => {
        const apperr = readFileSync(join(repo, 'internal/apperr/apperr.go'), 'utf8');
        const codes = [...apperr.matchAll(/Code\w+\s+Code = "([A-Z_]+)"/g)].map(m => m[1]);
        expect(codes.length).toBeGreaterThanOrEqual(9);
        for (const [lang, m] of Object.entries(langs)) {
            for (const code of codes) expect(get(m, `mycourier.errors.code.${code}`), `${lang}: code ${code}`).toBeTypeOf('string');
        }
    });

    it('translate every message key of the API this part of the UI shows', () => {
        // Stock keys belong to part 2 (the warehouse screens).
        const families = 'error|validation|auth|courier|document|documents|import|pinfl|phone|name|vehiclePlate|birthDate';
        const found = new Set([...goSource.matchAll(new RegExp(`"((?:${families})\\.[a-zA-Z]+)"`, 'g'))].map(m => m[1]));
        expect(found.size).toBeGreaterThan(40);
        for (const [lang, m] of Object.entries(langs)) {
            const missing = [...found].filter(k => typeof get(m, `mycourier.errors.${k}`) !== 'string');
            expect(missing, `${lang}: untranslated API message keys`).toEqual([]);
        }
    });

    it('translate every enum value the forms offer', async () => {
        const e = await import('../apiEnums');
        const kinds: Record<string, readonly string[]> = {
            courierStatus: e.courierStatuses,
            transportType: e.transportTypes,
            documentStatus: e.documentStatuses,
            documentKind: e.documentKinds,
            verification: e.verifications,
            reasonKind: e.reasonKinds,
        };
        for (const [lang, m] of Object.entries(langs)) {
            for (const [kind, values] of Object.entries(kinds)) {
                for (const v of values) expect(get(m, `mycourier.enums.${kind}.${v.toLowerCase()}`), `${lang}: ${kind}.${v}`).toBeTypeOf('string');
            }
        }
    });

    it('translate every audit operation the API writes', () => {
        // Each mutation names the events it writes (graph/guard.go: "Mutation.<field>").
        const schema = buildSchema(readFileSync(join(repo, 'schema.graphql'), 'utf8'));
        const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {}).map(f => `Mutation.${f}`);
        expect(mutations.length).toBeGreaterThan(40);
        const go = goSource + cmdSource;
        const named = [
            // audit.Record(ctx, c, "Query.courierDossier", …) and XOperation = "personalData.export"
            ...[...go.matchAll(/Record(?:Attempt)?\(ctx, [\w.()]+, "([\w.]*\w)"/g)].map(m => m[1]),
            ...[...go.matchAll(/[A-Z]\w*Operation\s*=\s*"([\w.]+)"/g)].map(m => m[1]),
            // commands: "cli.user.create", and "cli.user."+name for userActiveCmd("disable", …)
            ...[...go.matchAll(/"(cli\.[\w.]*\w)"/g)].map(m => m[1]),
            ...[...go.matchAll(/userActiveCmd\("(\w+)"/g)].map(m => `cli.user.${m[1]}`),
        ];
        expect(named).toEqual(expect.arrayContaining(['Query.courierDossier', 'analytics.export', 'personalData.export', 'cli.user.create', 'cli.user.disable']));
        // couriersvc builds "courier." + field + "TakenElsewhere" for the two fields it checks.
        expect(go).toContain('"courier."+te.field+"TakenElsewhere"');
        const operations = new Set([...mutations, ...named, 'courier.pinflTakenElsewhere', 'courier.phoneTakenElsewhere']);
        for (const [lang, m] of Object.entries(langs)) {
            const missing = [...operations].filter(op => typeof get(m, `mycourier.audit.operations.${op}`) !== 'string');
            expect(missing, `${lang}: untranslated audit operations`).toEqual([]);
            // Changes made outside a request read "Courier.update": one word per kind of change.
            for (const kind of ['create', 'update', 'delete']) expect(get(m, `mycourier.audit.operations.change.${kind}`), `${lang}: ${kind}`).toBeTypeOf('string');
        }
    });
});
