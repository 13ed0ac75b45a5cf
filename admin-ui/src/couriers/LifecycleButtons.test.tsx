// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { HttpError } from 'react-admin';
import { LifecycleButtons } from './LifecycleButtons';
import { renderInAdmin } from '../uiTesting';

afterEach(cleanup);
beforeEach(() => {
    // React-Admin logs each rejected data provider call; these are expected.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

const reasons = [
    { id: 'r1', kind: 'BLOCK', code: 'no_show', titleRu: 'Невыход на смену', titleEn: 'Did not show up', commentRequired: true, sortOrder: 10 },
    { id: 'r2', kind: 'FIRE', code: 'own_wish', titleRu: 'По собственному желанию', titleEn: 'At own request', commentRequired: false, sortOrder: 10 },
];
const record = { id: '5', status: 'ACTIVE', allowedActions: ['blockCourier', 'fireCourier'], doNotRehire: false };
const operations = ['Mutation.blockCourier', 'Mutation.fireCourier'];
const helperOf = (el: HTMLElement) => document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent ?? '';

function setup(courierAction: (...a: unknown[]) => Promise<unknown>) {
    const getList = vi.fn(async (_r: string, p: { filter: { kind?: string } }) => {
        const data = reasons.filter(r => r.kind === p.filter.kind);
        return { data, total: data.length };
    });
    renderInAdmin(<LifecycleButtons />, { record, operations, dataProvider: { getList, courierAction } as never });
    return { getList };
}

async function chooseReason(name: string) {
    const dlg = screen.getByRole('dialog');
    fireEvent.mouseDown(within(dlg).getByRole('combobox', { name: /Причина/ }));
    fireEvent.click(await screen.findByRole('option', { name }));
}

describe('lifecycle actions ask for their reason in a dialog', () => {
    it('offers the reasons of the action kind from the API and sends the one chosen', async () => {
        const courierAction = vi.fn(async () => ({ data: { id: '5' } }));
        const { getList } = setup(courierAction);
        fireEvent.click(await screen.findByRole('button', { name: 'Заблокировать' }));
        await chooseReason('Невыход на смену');
        expect(getList).toHaveBeenCalledWith('statusReasons', expect.objectContaining({ filter: { kind: 'BLOCK' } }));
        fireEvent.change(screen.getByRole('textbox', { name: 'Комментарий' }), { target: { value: 'Не вышел 3 раза' } });
        fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Заблокировать' }));
        await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
        expect(courierAction).toHaveBeenCalledWith('5', 'blockCourier', { reason: 'no_show', comment: 'Не вышел 3 раза', force: undefined });
    });

    it("shows the API's comment error at the comment field", async () => {
        const courierAction = vi.fn(async () => {
            throw new HttpError('Проверьте введённые данные', 400, { key: 'error.invalid', errors: { comment: 'Обязательно для этой причины' } });
        });
        setup(courierAction);
        fireEvent.click(await screen.findByRole('button', { name: 'Заблокировать' }));
        await chooseReason('Невыход на смену');
        fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Заблокировать' }));
        const comment = screen.getByRole('textbox', { name: 'Комментарий' });
        await waitFor(() => expect(helperOf(comment)).toContain('Обязательно для этой причины'));
        expect(screen.getByRole('dialog')).toBeTruthy();
    });

    it('a dismissal refused for equipment shows why and offers to book it as debt', async () => {
        const courierAction = vi.fn(async () => {
            throw new HttpError('У курьера невозвращённая экипировка', 409, { key: 'courier.equipmentOutstanding' });
        });
        setup(courierAction);
        fireEvent.click(await screen.findByRole('button', { name: 'Уволить' }));
        await chooseReason('По собственному желанию');
        fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Уволить' }));
        expect((await screen.findByRole('alert')).textContent).toContain('невозвращённая экипировка');
        expect(screen.getByLabelText(/записать экипировку в долг/)).toBeTruthy();
    });

    it('cancel sends nothing, and the dialog opens empty again', async () => {
        const courierAction = vi.fn();
        setup(courierAction);
        fireEvent.click(await screen.findByRole('button', { name: 'Заблокировать' }));
        fireEvent.change(screen.getByRole('textbox', { name: 'Комментарий' }), { target: { value: 'черновик' } });
        fireEvent.click(screen.getByRole('button', { name: 'Отмена' }));
        await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
        fireEvent.click(screen.getByRole('button', { name: 'Заблокировать' }));
        expect((screen.getByRole('textbox', { name: 'Комментарий' }) as HTMLTextAreaElement).value).toBe('');
        expect(courierAction).not.toHaveBeenCalled();
    });
});
