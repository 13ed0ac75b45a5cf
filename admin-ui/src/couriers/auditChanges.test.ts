import { describe, expect, it } from 'vitest';
import polyglotI18nProvider from 'ra-i18n-polyglot';
import { messages, type Locale } from '../i18n';
import { auditChanges, auditOperation, referencedIDs } from './auditChanges';

// Times are shown in the browser's time zone: the tests run in Tashkent's.
process.env.TZ = 'Asia/Tashkent';

function format(locale: Locale, names?: Record<string, string>) {
    const i18n = polyglotI18nProvider(l => messages[l as Locale], locale, [], { allowMissing: true });
    return { translate: i18n.translate, locale, names };
}
const line = (c: { label: string; old?: string; new: string }) => (c.old === undefined ? `${c.label}: ${c.new}` : `${c.label}: ${c.old} → ${c.new}`);

describe('audit changes read as "field: old → new"', () => {
    it('translates field labels and enum values, in the profile order', () => {
        const changes = {
            transport_type: { old: 'foot', new: 'car' },
            status: { old: 'active', new: 'blocked' },
            vehicle_plate: { old: null, new: '01A123BC' },
        };
        expect(auditChanges(changes, format('ru')).map(line)).toEqual(['Статус: Активен → Заблокирован', 'Транспорт: Пеший → Автомобиль', 'Госномер: — → 01A123BC']);
        expect(auditChanges(changes, format('en')).map(line)).toEqual(['Status: Active → Blocked', 'Transport: On foot → Car', 'Plate number: — → 01A123BC']);
        expect(auditChanges(changes, format('uz')).map(line)[0]).toBe('Holat: Faol → Bloklangan');
    });

    it('shows masked and redacted values exactly as the API returns them', () => {
        const changes = { phone: { old: '+998 90 *** ** 67', new: '+998 91 *** ** 12' }, password_hash: { new: '[redacted]' } };
        expect(auditChanges(changes, format('en')).map(line)).toEqual(['Phone: +998 90 *** ** 67 → +998 91 *** ** 12', 'password_hash: [redacted]']);
    });

    it("writes dates in the chosen language's format, whatever the browser's; a birth date is the same day everywhere", () => {
        const changes = { birth_date: { old: '1994-03-14T00:00:00Z', new: '1994-03-15T00:00:00Z' }, hired_at: { new: '2026-11-30T09:05:00Z' } };
        const ru = auditChanges(changes, format('ru'));
        expect(line(ru[0])).toBe('Дата рождения: 14.03.1994 → 15.03.1994');
        // Tashkent, UTC+5 (TZ set above).
        expect(ru[1].new).toBe('30.11.2026, 14:05:00');
        expect(auditChanges(changes, format('uz'))[1].new).toBe('30.11.2026, 14:05:00');
        const en = auditChanges(changes, format('en'));
        expect(line(en[0])).toBe('Birth date: 03/14/1994 → 03/15/1994');
        expect(en[1].new).toBe('11/30/2026, 2:05:00 PM');
    });

    it('a creation has no old values; booleans and references read as words and names', () => {
        const changes = { last_name: { new: 'Хасанов' }, do_not_rehire: { old: false, new: true }, partner_id: { old: 7, new: 9 }, 'partner.added': [9] };
        const names = { 'partners:9': 'Yandex Eda' };
        expect(auditChanges(changes, format('ru', names)).map(line)).toEqual(['Фамилия: Хасанов', 'Не принимать повторно: Нет → Да', 'Лог-партнёр: #7 → Yandex Eda']);
        expect(referencedIDs(changes)).toEqual({ partners: ['7', '9'], branches: [] });
    });

    it('keeps a field it does not know, by its API name', () => {
        expect(auditChanges({ new_field: { old: 1, new: 2 } }, format('en')).map(line)).toEqual(['new_field: 1 → 2']);
        expect(auditChanges(null, format('en'))).toEqual([]);
    });
});

describe('audit operations read as words', () => {
    it('translates the mutation, the named event, or the kind of change made outside a request', () => {
        const { translate } = format('ru');
        expect(auditOperation('Mutation.blockCourier', translate)).toBe('Блокировка');
        expect(auditOperation('Query.courierDossier', translate)).toBe('Просмотр полного досье');
        expect(auditOperation('cli.user.create', translate)).toBe('Создание пользователя (командная строка)');
        expect(auditOperation('Courier.update', translate)).toBe('Изменение');
        expect(format('en').translate && auditOperation('Mutation.onboardCourier', format('en').translate)).toBe('Courier registered');
        // Unknown to this UI version: shown as it is, not as a translation key.
        expect(auditOperation('Mutation.somethingNew', translate)).toBe('Mutation.somethingNew');
    });
});
