import { useState } from 'react';
import {
    Button,
    SelectInput,
    TextInput,
    BooleanInput,
    maxLength,
    required,
    useDataProvider,
    useGetList,
    useLocaleState,
    useNotify,
    useRecordContext,
    useRefresh,
} from 'react-admin';
import { FormDialog } from '../layout/FormDialog';
import { submitFailure } from '../dataProvider/errors';
import type { CourierAction, MyCourierDataProvider } from '../dataProvider';
import { reasonKindOf } from '../apiEnums';
import { reasonTitle } from './historyReason';
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

/**
 * Asks for what an action needs: the reason from the owner-managed list
 * (block, fire) and a comment. Field errors from the API (an unknown
 * reason, a comment the reason requires) are shown at their inputs; a
 * refusal for outstanding equipment offers to book it as debt.
 */
function ReasonDialog({ action, onClose }: { action: CourierAction; onClose: () => void }) {
    const record = useRecordContext();
    const [locale] = useLocaleState();
    const dp = useDataProvider<MyCourierDataProvider>();
    const notify = useNotify();
    const refresh = useRefresh();
    const may = useMay();
    const [refusedForEquipment, setRefusedForEquipment] = useState(false);
    const kind = withReason(action) ? reasonKindOf[action] : undefined;
    const { data: reasons = [] } = useGetList(
        'statusReasons',
        { filter: { kind }, pagination: { page: 1, perPage: 100 }, sort: { field: 'sortOrder', order: 'ASC' } },
        { enabled: !!kind },
    );
    const choices = reasons.map(r => ({ id: r.code, name: reasonTitle(r, locale) }));
    return (
        <FormDialog
            title={`mycourier.actions.${action}`}
            submitLabel={`mycourier.actions.${action}`}
            onClose={onClose}
            onSubmit={async v => {
                if (!record) return;
                const values = v as ReasonForm;
                await dp.courierAction(record.id, action, { reason: values.reason, comment: values.comment || undefined, force: values.force || undefined });
                notify(`mycourier.notifications.${action}`, { type: 'success' });
                refresh();
            }}
            onError={e => {
                if (submitFailure(e).key === 'courier.equipmentOutstanding') setRefusedForEquipment(true);
            }}
        >
            {kind && <SelectInput source="reason" label="mycourier.dialogs.reason" choices={choices} validate={required()} />}
            <TextInput source="comment" label="mycourier.dialogs.comment" multiline minRows={2} validate={maxLength(1000)} />
            {refusedForEquipment && may('Mutation.fireCourier') && <BooleanInput source="force" label="mycourier.dialogs.force" />}
        </FormDialog>
    );
}
