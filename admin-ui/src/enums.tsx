import { FunctionField, useTranslate, type RaRecord } from 'react-admin';
import { Chip, type Theme } from '@mui/material';
import type { ReactNode } from 'react';

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

/** An enum value as a coloured chip with its translated name; nothing for no value. */
export function EnumChip({ kind, value }: { kind: string; value: unknown }) {
    const translate = useTranslate();
    if (!value) return null;
    return <Chip size="small" color={colors[String(value).toLowerCase()] ?? 'default'} label={translate(enumKey(kind, value))} />;
}

type ChipColor = (typeof colors)[string];

/**
 * An enum value as a chip for table cells: a plain span with the look of
 * MUI's small Chip (enumChipSx on the table), where a Chip component in
 * each of a list's rows and columns costs more to draw than the rest of
 * the row.
 */
export function enumChip(kind: string, value: unknown, translate: (key: string) => string): ReactNode {
    if (!value) return null;
    const color = colors[String(value).toLowerCase()] ?? 'default';
    return <span className={`mc-chip mc-chip-${color}`}>{translate(enumKey(kind, value))}</span>;
}

/** The styles of enumChip's chips: MUI's small filled Chip. */
export const enumChipSx = (theme: Theme) => {
    const palette = theme.vars || theme;
    const filled = (c: Exclude<ChipColor, 'default'>) => ({ backgroundColor: palette.palette[c].main, color: palette.palette[c].contrastText });
    return {
        '& .mc-chip': {
            display: 'inline-flex',
            alignItems: 'center',
            maxWidth: '100%',
            height: 24,
            padding: '0 8px',
            borderRadius: 12,
            fontSize: theme.typography.pxToRem(13),
            lineHeight: 1.5,
            whiteSpace: 'nowrap',
            overflow: 'hidden',
            textOverflow: 'ellipsis',
            verticalAlign: 'middle',
            boxSizing: 'border-box',
            color: palette.palette.text.primary,
            backgroundColor: palette.palette.action.selected,
        },
        '& .mc-chip-success': filled('success'),
        '& .mc-chip-warning': filled('warning'),
        '& .mc-chip-error': filled('error'),
        '& .mc-chip-info': filled('info'),
    };
};

export function EnumField({ source, kind, label, sortable }: { source: string; kind: string; label?: string; sortable?: boolean }) {
    return <FunctionField source={source} label={label} sortable={sortable} render={(r: RaRecord) => <EnumChip kind={kind} value={r[source]} />} />;
}
