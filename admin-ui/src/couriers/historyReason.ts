import type { RaRecord } from 'react-admin';
import type { StatusReasonKind } from '../generated/graphql';

/**
 * Reasons the API writes itself into the status history (onboarding, import,
 * submission); every other reason is a code of the owner-managed list.
 */
export const systemReasons = ['onboarded', 'imported', 'submitted_for_activation'] as const;

/** A status reason's title in the chosen language (the list has Russian and English titles). */
export function reasonTitle(r: RaRecord, locale: string): string {
    return locale === 'ru' || !r.titleEn ? r.titleRu : r.titleEn;
}

/** The list a status change's reason comes from: block and fire reasons are per kind ("other" is in both). */
const kindOfStatus: Record<string, StatusReasonKind> = { BLOCKED: 'BLOCK', FIRED: 'FIRE' };

/**
 * What the history shows for a status change's reason: the system reason
 * translated, the configured reason's title (archived ones too), or the
 * stored text when neither knows it.
 */
export function historyReason(
    change: { [field: string]: unknown },
    reasons: RaRecord[],
    locale: string,
    translate: (key: string) => string,
): string {
    const code = typeof change.reason === 'string' ? change.reason : '';
    if (!code) return '';
    if ((systemReasons as readonly string[]).includes(code)) return translate(`mycourier.history.reasons.${code}`);
    const kind = kindOfStatus[String(change.toStatus)];
    const r = reasons.find(x => x.kind === kind && x.code === code);
    return r ? reasonTitle(r, locale) : code;
}
