import { HttpError } from 'react-admin';
import { ApiError } from './graphqlClient';

export type Translate = (key: string, options?: Record<string, unknown>) => string;

const statusOf: Record<string, number> = {
    UNAUTHENTICATED: 401,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    CONFLICT: 409,
    RATE_LIMITED: 429,
    UNAVAILABLE: 503,
    BAD_USER_INPUT: 400,
    INVALID_TRANSITION: 409,
    INSUFFICIENT_STOCK: 409,
    INTERNAL: 500,
};

/** The translated text of an API message key, the API's own text when there is none. */
export function apiMessage(translate: Translate, key: string, fallback: string, args: Record<string, unknown> = {}): string {
    if (!key) return fallback;
    return translate(`mycourier.errors.${key}`, { _: fallback, ...args });
}

/**
 * Turns an API error into React-Admin's HttpError: the message for the
 * notification, and body.errors (field → message) so a form shows each
 * message at its input and keeps what was typed.
 */
export function toHttpError(err: unknown, translate: Translate): unknown {
    if (!(err instanceof ApiError)) return err;
    const args = Object.fromEntries(Object.entries(err.details).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
    const message = apiMessage(translate, err.key || `code.${err.code}`, err.message, args);
    const errors: Record<string, string> = {};
    for (const [field, text] of Object.entries(err.fields)) {
        errors[field] = apiMessage(translate, err.fieldKeys[field] ?? '', text);
    }
    return new HttpError(message, statusOf[err.code] ?? 500, { code: err.code, key: err.key, details: err.details, errors: Object.keys(errors).length ? errors : undefined });
}

/** What a form shows when its submit fails: the API's field errors at their inputs, anything else as one message. */
export interface SubmitFailure {
    fields?: Record<string, string>;
    message?: string;
    key?: string;
}

export function submitFailure(err: unknown): SubmitFailure {
    if (err instanceof HttpError) {
        const body = (err.body ?? {}) as { key?: string; errors?: Record<string, string> };
        const fields = body.errors && Object.keys(body.errors).length ? body.errors : undefined;
        return { fields, message: fields ? undefined : err.message, key: body.key };
    }
    return { message: err instanceof Error ? err.message : String(err) };
}
