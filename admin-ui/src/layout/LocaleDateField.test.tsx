// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen } from '@testing-library/react';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LocaleDateField } from './LocaleDateField';
import { renderInAdmin } from '../uiTesting';

// Times are shown in the browser's time zone: the tests run in Tashkent's (UTC+5).
process.env.TZ = 'Asia/Tashkent';

afterEach(cleanup);

const record = { id: '1', birthDate: '1994-03-04', hiredAt: '2026-11-30T22:30:00Z', archivedAt: null };

describe("dates outside forms follow the app's language, not the browser's", () => {
    // Each language is checked: ru and en write the same day differently, so
    // a field that followed the browser's (the test runner's) language, the
    // same for all three, fails for at least one of them.
    for (const [locale, birth, hired] of [
        ['ru', '04.03.1994', '01.12.2026'],
        ['uz', '04.03.1994', '01.12.2026'],
        ['en', '03/04/1994', '12/01/2026'],
    ] as const) {
        it(`${locale}: ${birth}, ${hired}`, async () => {
            renderInAdmin(
                <>
                    <LocaleDateField source="birthDate" dateOnly />|<LocaleDateField source="hiredAt" />|<LocaleDateField source="hiredAt" showTime />|
                    <LocaleDateField source="archivedAt" emptyText="—" />
                </>,
                { locale, record },
            );
            const shown = (await screen.findByText(birth, { exact: false })).parentElement!.textContent!;
            const [b, h, t, empty] = shown.split('|');
            expect(b).toBe(birth);
            expect(h).toBe(hired);
            expect(t.startsWith(`${hired}, `)).toBe(true);
            expect(empty.trim()).toBe('—');
        });
    }

    it("no page shows dates with React-Admin's DateField or the browser's toLocale…String", () => {
        const files = (dir: string): string[] =>
            readdirSync(dir).flatMap(n => {
                const p = join(dir, n);
                return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n) ? [p] : [];
            });
        const offenders = files(join(import.meta.dirname, '..')).filter(f => {
            const src = readFileSync(f, 'utf8');
            return /<DateField\b|\bDateField,|toLocaleDateString\(|new Date\([^)]*\)\.toLocaleString\(/.test(src);
        });
        expect(offenders).toEqual([]);
    });
});
