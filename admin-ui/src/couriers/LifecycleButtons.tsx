import { useState } from 'react';
import {
    Button,
    Form,
    SelectInput,
    TextInput,
    BooleanInput,
    SaveButton,
    required,
    useDataProvider,
    useGetList,
    useLocaleState,
    useNotify,
    useRecordContext,
    useRefresh,
    useTranslate,
    HttpError,
} from 'react-admin';
import { Alert, Dialog, DialogActions, DialogContent, DialogTitle, Stack } from '@mui/material';
import type { CourierAction, MyCourierDataProvider } from '../dataProvider';
import { reasonKindOf } from '../apiEnums';
import { useMay } from '../permissions';

const actions: CourierAction[] = ['submitForActivation', 'activateCourier', 'blockCourier', 'unblockCourier', 'fireCourier', 'rehireCourier'];
const withReason = (a: CourierAction): a is keyof typeof reasonKindOf => a in reasonKindOf;

/**
 * The lifecycle buttons the courier's status allows (allowedActions, from
 * the API) and the user's role may use (me.permissions).
 */
export function LifecycleButtons() {
    const record = useRecordContext();
    const may = useMay();
    const [open, setOpen] = useState<CourierAction | null>(null);
    const dp = useDataProvider<MyCourierDataProvider>();
    const notify = useNotify();
    const refresh = useRefresh();
    if (!record) return null;
    const allowed: string[] = record.allowedActions ?? [];
    const shown = actions.filter(a => allowed.includes(a) && may(`Mutation.${a}`));
    const run = async (a: CourierAction) => {
        try {
            await dp.courierAction(record.id, a);
            notify(`mycourier.notifications.${a}`, { type: 'success' });
            refresh();
        } catch (e) {
            notify((e as Error).message, { type: 'error' });
        }
    };
    return (
        <>
            {shown.map(a => (
                <Button key={a} label={`mycourier.actions.${a}`} onClick={() => (withReason(a) || a === 'unblockCourier' ? setOpen(a) : run(a))} />
            ))}
            {may('Mutation.setCourierDoNotRehire') && (
                <Button
                    label={record.doNotRehire ? 'mycourier.actions.allowRehire' : 'mycourier.actions.doNotRehire'}
                    onClick={async () => {
                        await dp.setDoNotRehire(record.id, !record.doNotRehire);
                        refresh();
                    }}
                />
            )}
            {open && <ReasonDialog action={open} onClose={() => setOpen(null)} />}
        </>
    );
}

interface ReasonForm {
    reason?: string;
    comment?: string;
    force?: boolean;
}

function ReasonDialog({ action, onClose }: { action: CourierAction; onClose: () => void }) {
    const record = useRecordContext();
    const translate = useTranslate();
    const [locale] = useLocaleState();
    const dp = useDataProvider<MyCourierDataProvider>();
    const notify = useNotify();
    const refresh = useRefresh();
    const may = useMay();
    const [error, setError] = useState<string | null>(null);
    const [refusedForEquipment, setRefusedForEquipment] = useState(false);
    const kind = withReason(action) ? reasonKindOf[action] : undefined;
    const { data: reasons = [] } = useGetList(
        'statusReasons',
        { filter: { kind }, pagination: { page: 1, perPage: 100 }, sort: { field: 'sortOrder', order: 'ASC' } },
        { enabled: !!kind },
    );
    const choices = reasons.map(r => ({ id: r.code, name: locale === 'ru' || !r.titleEn ? r.titleRu : r.titleEn }));
    const submit = async (values: ReasonForm) => {
        if (!record) return;
        setError(null);
        try {
            await dp.courierAction(record.id, action, { reason: values.reason, comment: values.comment || undefined, force: values.force || undefined });
            notify(`mycourier.notifications.${action}`, { type: 'success' });
            onClose();
            refresh();
        } catch (e) {
            setError((e as Error).message);
            if (e instanceof HttpError && (e.body as { key?: string })?.key === 'courier.equipmentOutstanding') setRefusedForEquipment(true);
        }
    };
    return (
        <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-labelledby="reason-dialog-title">
            <Form onSubmit={(v: Record<string, unknown>) => submit(v as ReasonForm)}>
                <DialogTitle id="reason-dialog-title">{translate(`mycourier.actions.${action}`)}</DialogTitle>
                <DialogContent>
                    <Stack>
                        {kind && <SelectInput source="reason" label="mycourier.dialogs.reason" choices={choices} validate={required()} />}
                        <TextInput source="comment" label="mycourier.dialogs.comment" multiline minRows={2} />
                        {refusedForEquipment && may('Mutation.fireCourier') && <BooleanInput source="force" label="mycourier.dialogs.force" />}
                        {error && (
                            <Alert severity="error" role="alert">
                                {error}
                            </Alert>
                        )}
                    </Stack>
                </DialogContent>
                <DialogActions>
                    <Button label="ra.action.cancel" onClick={onClose} />
                    <SaveButton label={`mycourier.actions.${action}`} alwaysEnable />
                </DialogActions>
            </Form>
        </Dialog>
    );
}
