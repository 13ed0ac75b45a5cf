// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { HttpError } from 'react-admin';
import { RejectDialog } from './CourierDocuments';
import { renderInAdmin } from '../uiTesting';

afterEach(cleanup);
beforeEach(() => {
    // React-Admin logs each rejected data provider call; these are expected.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

const reasonBox = () => screen.getByRole('textbox', { name: /Почему документ отклонён/ });
/** The helper text MUI ties to an input: where a field's error is shown. */
const helperOf = (el: HTMLElement) => document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent ?? '';

describe('rejecting a document asks for the reason in a dialog', () => {
    it('sends the reason typed and closes', async () => {
        const rejectDocument = vi.fn(async () => ({ data: { id: 'd1' } }));
        const onClose = vi.fn();
        const onRejected = vi.fn();
        renderInAdmin(<RejectDialog id="d1" onClose={onClose} onRejected={onRejected} />, { dataProvider: { rejectDocument } as never });
        expect(screen.getByRole('dialog', { name: 'Отклонить документ' })).toBeTruthy();
        fireEvent.change(reasonBox(), { target: { value: 'Скан нечитаем' } });
        fireEvent.click(screen.getByRole('button', { name: 'Отклонить' }));
        await waitFor(() => expect(onClose).toHaveBeenCalled());
        expect(rejectDocument).toHaveBeenCalledWith('d1', 'Скан нечитаем');
        expect(onRejected).toHaveBeenCalled();
    });

    it('requires a reason before asking the API', async () => {
        const rejectDocument = vi.fn();
        renderInAdmin(<RejectDialog id="d1" onClose={() => undefined} onRejected={() => undefined} />, { dataProvider: { rejectDocument } as never });
        fireEvent.click(screen.getByRole('button', { name: 'Отклонить' }));
        await waitFor(() => expect(helperOf(reasonBox())).toMatch(/Обязательно/));
        expect(rejectDocument).not.toHaveBeenCalled();
    });

    it("shows the API's error about the reason at the field and keeps the dialog open", async () => {
        const rejectDocument = vi.fn(async () => {
            throw new HttpError('Проверьте введённые данные', 400, { key: 'error.invalid', errors: { reason: 'Поле обязательно (API)' } });
        });
        const onClose = vi.fn();
        renderInAdmin(<RejectDialog id="d1" onClose={onClose} onRejected={() => undefined} />, { dataProvider: { rejectDocument } as never });
        fireEvent.change(reasonBox(), { target: { value: '   ' } });
        fireEvent.click(screen.getByRole('button', { name: 'Отклонить' }));
        await waitFor(() => expect(helperOf(reasonBox())).toContain('Поле обязательно (API)'));
        expect(onClose).not.toHaveBeenCalled();
        expect(screen.queryByRole('alert')).toBeNull();
    });

    it('shows an error that is not about a field above the buttons', async () => {
        const rejectDocument = vi.fn(async () => {
            throw new HttpError('Документ уже проверен', 409, { key: 'document.alreadyReviewed' });
        });
        renderInAdmin(<RejectDialog id="d1" onClose={() => undefined} onRejected={() => undefined} />, { dataProvider: { rejectDocument } as never });
        fireEvent.change(reasonBox(), { target: { value: 'Скан нечитаем' } });
        fireEvent.click(screen.getByRole('button', { name: 'Отклонить' }));
        expect((await screen.findByRole('alert')).textContent).toContain('Документ уже проверен');
    });

    it('cancel sends nothing and closes', () => {
        const rejectDocument = vi.fn();
        const onClose = vi.fn();
        renderInAdmin(<RejectDialog id="d1" onClose={onClose} onRejected={() => undefined} />, { dataProvider: { rejectDocument } as never });
        fireEvent.change(reasonBox(), { target: { value: 'передумал' } });
        fireEvent.click(screen.getByRole('button', { name: 'Отмена' }));
        expect(onClose).toHaveBeenCalled();
        expect(rejectDocument).not.toHaveBeenCalled();
    });
});

describe('the admin asks nothing through the browser', () => {
    it('uses no window.prompt, confirm or alert', async () => {
        const { readFileSync, readdirSync, statSync } = await import('node:fs');
        const { join } = await import('node:path');
        const files = (dir: string): string[] =>
            readdirSync(dir).flatMap(n => (statSync(join(dir, n)).isDirectory() ? (n === 'generated' ? [] : files(join(dir, n))) : /\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n) ? [join(dir, n)] : []));
        const uses = files(join(import.meta.dirname, '..')).filter(f => /\b(window\.)?(prompt|confirm|alert)\s*\(/.test(readFileSync(f, 'utf8').replace(/\/\/.*$/gm, '')));
        expect(uses).toEqual([]);
    });
});
