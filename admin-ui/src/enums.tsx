import { FunctionField, useTranslate, type RaRecord } from 'react-admin';
import { Chip } from '@mui/material';

// Enum values are translated by their lower-case name, so the UI reads the
// same whatever spelling the API uses for them.
export const enumKey = (kind: string, value: unknown) => `mycourier.enums.${kind}.${String(value).toLowerCase()}`;

export function useEnumChoices(kind: string, values: readonly string[]) {
    const translate = useTranslate();
    return values.map(v => ({ id: v, name: translate(enumKey(kind, v)) }));
}

const colors: Record<string, 'default' | 'success' | 'warning' | 'error' | 'info'> = {
    active: 'success',
    verified: 'success',
    blocked: 'warning',
    pending: 'info',
    new: 'info',
    fired: 'error',
    rejected: 'error',
    expired: 'error',
    missing: 'default',
};

export function EnumField({ source, kind, label, sortable }: { source: string; kind: string; label?: string; sortable?: boolean }) {
    const translate = useTranslate();
    return (
        <FunctionField
            source={source}
            label={label}
            sortable={sortable}
            render={(r: RaRecord) =>
                r[source] ? <Chip size="small" color={colors[String(r[source]).toLowerCase()] ?? 'default'} label={translate(enumKey(kind, r[source]))} /> : null
            }
        />
    );
}
