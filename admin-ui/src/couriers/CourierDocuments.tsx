import { useState } from 'react';
import {
    Button,
    FileField,
    FileInput,
    Form,
    SaveButton,
    SelectInput,
    TextInput,
    required,
    useDataProvider,
    useLocaleState,
    useNotify,
    useRefresh,
    useTranslate,
    maxLength,
    type Identifier,
    type RaRecord,
} from 'react-admin';
import { Alert, Box, Chip, Dialog, DialogContent, DialogTitle, Typography } from '@mui/material';
import { RowsTable } from '../layout/RowsTable';
import type { MyCourierDataProvider } from '../dataProvider';
import { documentKinds } from '../apiEnums';
import { enumKey, useEnumChoices } from '../enums';
import { useMay } from '../permissions';
import { session } from '../session';
import { useCourierData } from './useCourierData';
import { FormDialog } from '../layout/FormDialog';
import type { CourierDocumentKind } from '../generated/graphql';
import { LocaleDateInput } from '../layout/LocaleDateInput';
import { formatDate } from '../layout/dates';

const colors: Record<string, 'success' | 'error' | 'info'> = { verified: 'success', rejected: 'error', pending: 'info' };

/** Opens a document's file (it needs the bearer token, so it comes as a blob). */
async function preview(url: string): Promise<{ src: string; type: string }> {
    const res = await fetch(url, { headers: session.accessToken ? { Authorization: `Bearer ${session.accessToken}` } : {} });
    if (!res.ok) throw new Error('mycourier.errors.previewFailed');
    const blob = await res.blob();
    return { src: URL.createObjectURL(blob), type: blob.type };
}

export function CourierDocuments() {
    const { data: record, error, reload } = useCourierData((dp, id) => dp.courierDocuments(id));
    const translate = useTranslate();
    const [locale] = useLocaleState();
    const may = useMay();
    const dp = useDataProvider<MyCourierDataProvider>();
    const notify = useNotify();
    const refresh = useRefresh();
    const again = () => {
        reload();
        refresh();
    };
    const [shown, setShown] = useState<{ src: string; type: string; name: string } | null>(null);
    const [rejecting, setRejecting] = useState<Identifier | null>(null);
    if (error) return <Typography color="error">{error}</Typography>;
    if (!record) return null;
    const docs: RaRecord[] = record.documents ?? [];
    // Date-only values as the date inputs write them (and no time-zone shift).
    const fmt = (d?: string | null) => (d ? formatDate(d, locale) : '—');
    const act = async (fn: () => Promise<unknown>, done: string) => {
        try {
            await fn();
            notify(done, { type: 'success' });
            again();
        } catch (e) {
            notify((e as Error).message, { type: 'error' });
        }
    };
    const required = (record.requiredDocuments as string[][] | undefined) ?? [];
    return (
        <Box>
            {required.length > 0 && (
                <Typography variant="body2" sx={{ mb: 1 }}>
                    {translate('mycourier.documents.required')}: {required.map(g => g.map(k => translate(enumKey('documentKind', k))).join(' / ')).join(', ')}
                </Typography>
            )}
            {(record.activationBlockers as string[] | undefined)?.length ? (
                <Alert severity="info" sx={{ mb: 2 }}>
                    {translate('mycourier.documents.blockers')}:{' '}
                    {(record.activationBlockers as string[]).map(k => translate(`mycourier.errors.${k}`, { _: k })).join('; ')}
                </Alert>
            ) : null}
            <RowsTable
                label="mycourier.tabs.documents"
                rows={docs}
                empty="mycourier.documents.none"
                rowKey={d => d.id}
                rowProps={() => ({ 'data-testid': 'document-row' })}
                columns={[
                    { header: 'mycourier.documents.kind', render: d => translate(enumKey('documentKind', d.kind)) },
                    { header: 'mycourier.documents.number', render: d => d.number ?? '—' },
                    { header: 'mycourier.documents.expiresAt', render: d => fmt(d.expiresAt) },
                    {
                        header: 'mycourier.documents.verification',
                        render: d => (
                            <>
                                <Chip size="small" color={colors[String(d.verification).toLowerCase()] ?? 'default'} label={translate(enumKey('verification', d.verification))} />
                                {d.rejectionReason && <Typography variant="caption"> {d.rejectionReason}</Typography>}
                            </>
                        ),
                    },
                    {
                        header: 'mycourier.documents.file',
                        render: d =>
                            d.fileURL ? (
                                <Button
                                    label="mycourier.actions.preview"
                                    onClick={() =>
                                        preview(d.fileURL)
                                            .then(p => setShown({ ...p, name: d.fileName ?? '' }))
                                            .catch(e => notify((e as Error).message, { type: 'error' }))
                                    }
                                />
                            ) : (
                                '—'
                            ),
                    },
                    {
                        render: d =>
                            String(d.verification).toLowerCase() === 'pending' && (
                                <>
                                    {may('Mutation.verifyCourierDocument') && (
                                        <Button label="mycourier.actions.verify" onClick={() => act(() => dp.verifyDocument(d.id), 'mycourier.notifications.verified')} />
                                    )}
                                    {may('Mutation.rejectCourierDocument') && <Button label="mycourier.actions.reject" onClick={() => setRejecting(d.id)} />}
                                </>
                            ),
                    },
                ]}
            />
            {rejecting !== null && (
                <RejectDialog
                    id={rejecting}
                    onClose={() => setRejecting(null)}
                    onRejected={() => {
                        notify('mycourier.notifications.rejected', { type: 'success' });
                        again();
                    }}
                />
            )}
            {may('Mutation.addCourierDocument') && <AddDocument courierID={String(record.id)} onAdded={again} />}
            <Dialog open={!!shown} onClose={() => setShown(null)} maxWidth="lg">
                <DialogTitle>{shown?.name}</DialogTitle>
                <DialogContent>
                    {shown?.type.startsWith('image/') ? (
                        <img src={shown.src} alt={shown.name} style={{ maxWidth: '100%' }} />
                    ) : (
                        <a href={shown?.src} target="_blank" rel="noreferrer">
                            {translate('mycourier.documents.open')}
                        </a>
                    )}
                </DialogContent>
            </Dialog>
        </Box>
    );
}

interface NewDocument {
    kind: CourierDocumentKind;
    number?: string;
    issuedAt?: string;
    expiresAt?: string;
    file?: { rawFile: File };
}

function AddDocument({ courierID, onAdded }: { courierID: string; onAdded: () => void }) {
    const kinds = useEnumChoices('documentKind', documentKinds);
    const dp = useDataProvider<MyCourierDataProvider>();
    const notify = useNotify();
    const translate = useTranslate();
    const [formKey, setFormKey] = useState(0);
    return (
        <Box sx={{ mt: 3, maxWidth: 600 }}>
            <Typography variant="h6">{translate('mycourier.documents.add')}</Typography>
            <Form
                key={formKey}
                onSubmit={async (v: Record<string, unknown>) => {
                    const d = v as unknown as NewDocument;
                    try {
                        await dp.addDocument({ courierID, kind: d.kind, number: d.number || undefined, issuedAt: d.issuedAt, expiresAt: d.expiresAt, file: d.file?.rawFile });
                        notify('mycourier.notifications.documentAdded', { type: 'success' });
                        setFormKey(k => k + 1);
                        onAdded();
                    } catch (e) {
                        notify((e as Error).message, { type: 'error' });
                    }
                }}
            >
                <SelectInput source="kind" label="mycourier.documents.kind" choices={kinds} validate={required()} fullWidth />
                <TextInput source="number" label="mycourier.documents.number" fullWidth />
                <LocaleDateInput source="issuedAt" label="mycourier.documents.issuedAt" />
                <LocaleDateInput source="expiresAt" label="mycourier.documents.expiresAt" />
                <FileInput source="file" label="mycourier.documents.file" accept={{ 'application/pdf': ['.pdf'], 'image/jpeg': ['.jpg', '.jpeg'], 'image/png': ['.png'] }} maxSize={10 << 20}>
                    <FileField source="src" title="title" />
                </FileInput>
                <SaveButton label="mycourier.actions.addDocument" alwaysEnable />
            </Form>
        </Box>
    );
}

/** Asks why a document is rejected; the API's answer about the reason is shown at the field. */
export function RejectDialog({ id, onClose, onRejected }: { id: Identifier; onClose: () => void; onRejected: () => void }) {
    const dp = useDataProvider<MyCourierDataProvider>();
    return (
        <FormDialog
            title="mycourier.documents.rejectTitle"
            submitLabel="mycourier.actions.reject"
            onClose={onClose}
            onSubmit={async v => {
                await dp.rejectDocument(id, String(v.reason ?? ''));
                onRejected();
            }}
        >
            <TextInput source="reason" label="mycourier.documents.rejectReason" validate={[required(), maxLength(500)]} multiline minRows={2} autoFocus />
        </FormDialog>
    );
}
