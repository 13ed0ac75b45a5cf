import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { historyReason, systemReasons } from './historyReason';
import en from '../i18n/en';
import ru from '../i18n/ru';
import uz from '../i18n/uz';

const reasons = [
    { id: '1', kind: 'BLOCK', code: 'no_show', titleRu: 'Невыход на смену', titleEn: 'Did not show up for a shift' },
    { id: '2', kind: 'BLOCK', code: 'other', titleRu: 'Другое (блокировка)', titleEn: 'Other (block)' },
    { id: '3', kind: 'FIRE', code: 'other', titleRu: 'Другое (увольнение)', titleEn: null },
];
const translate = (key: string) => `<${key}>`;

describe('status history reasons', () => {
    it('show the configured reason title of the list the change took it from', () => {
        expect(historyReason({ toStatus: 'BLOCKED', reason: 'no_show' }, reasons, 'ru', translate)).toBe('Невыход на смену');
        expect(historyReason({ toStatus: 'BLOCKED', reason: 'no_show' }, reasons, 'en', translate)).toBe('Did not show up for a shift');
        expect(historyReason({ toStatus: 'BLOCKED', reason: 'other' }, reasons, 'en', translate)).toBe('Other (block)');
        // No English title: the Russian one.
        expect(historyReason({ toStatus: 'FIRED', reason: 'other' }, reasons, 'en', translate)).toBe('Другое (увольнение)');
    });

    it('translate the reasons the API writes itself, and keep text nobody knows', () => {
        expect(historyReason({ toStatus: 'NEW', reason: 'onboarded' }, reasons, 'ru', translate)).toBe('<mycourier.history.reasons.onboarded>');
        expect(historyReason({ toStatus: 'BLOCKED', reason: 'gone_from_list' }, reasons, 'ru', translate)).toBe('gone_from_list');
        expect(historyReason({ toStatus: 'ACTIVE', reason: '' }, reasons, 'ru', translate)).toBe('');
        expect(historyReason({ toStatus: 'ACTIVE', reason: null }, reasons, 'ru', translate)).toBe('');
    });

    it('know every reason the API writes into the history itself, in every language', () => {
        const repo = join(import.meta.dirname, '../../..');
        const dir = join(repo, 'internal/couriersvc');
        const src = readdirSync(dir)
            .filter(f => f.endsWith('.go') && !f.endsWith('_test.go'))
            .map(f => readFileSync(join(dir, f), 'utf8'))
            .join('\n');
        const written = new Set([
            ...[...src.matchAll(/history(?:Create)?\(ctx, tx, [^\n]*?"([a-z_]+)"/g)].map(m => m[1]),
            ...[...src.matchAll(/\breason = "([a-z_]+)"/g)].map(m => m[1]),
        ]);
        expect(written.size).toBeGreaterThanOrEqual(3);
        expect([...written].filter(r => !(systemReasons as readonly string[]).includes(r))).toEqual([]);
        for (const [lang, m] of Object.entries({ en, ru, uz })) {
            const t = (m as unknown as { mycourier: { history: { reasons: Record<string, string> } } }).mycourier.history.reasons;
            for (const r of systemReasons) expect(t[r], `${lang}: ${r}`).toBeTypeOf('string');
        }
    });
});
