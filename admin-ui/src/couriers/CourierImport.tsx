import { useState } from 'react';
import { Button, Title, useDataProvider, useNotify, useTranslate } from 'react-admin';
import { Alert, Box, Card, CardContent, Stack, Typography } from '@mui/material';
import { RowsTable } from '../layout/RowsTable';
import { useNavigate } from 'react-router-dom';
import type { ImportReport, MyCourierDataProvider } from '../dataProvider';

/**
 * Bulk import: the file is checked first (dry run, nothing written) and
 * its row/column errors shown; only a clean check offers the import.
 */
export function CourierImport() {
    const translate = useTranslate();
    const dp = useDataProvider<MyCourierDataProvider>();
    const notify = useNotify();
    const navigate = useNavigate();
    const [file, setFile] = useState<File | null>(null);
    const [report, setReport] = useState<ImportReport | null>(null);
    const [busy, setBusy] = useState(false);
    const run = async (dryRun: boolean) => {
        if (!file) return;
        setBusy(true);
        try {
            const { data } = await dp.importCouriers(file, dryRun);
            setReport(data);
            if (!dryRun && data.failed === 0) {
                notify('mycourier.import.done', { type: 'success', messageArgs: { created: data.created, unchanged: data.unchanged } });
                navigate('/couriers');
            }
        } catch (e) {
            notify((e as Error).message, { type: 'error' });
        } finally {
            setBusy(false);
        }
    };
    const errorCells = new Set((report?.errors ?? []).map(e => `${e.row}:${e.column}`));
    return (
        <Card sx={{ mt: 2 }}>
            <Title title="mycourier.import.title" />
            <CardContent>
                <Typography variant="body2" sx={{ mb: 2 }}>
                    {translate('mycourier.import.help')}
                </Typography>
                <Box
                    component="label"
                    onDragOver={e => e.preventDefault()}
                    onDrop={e => {
                        e.preventDefault();
                        const f = e.dataTransfer.files[0];
                        if (f) {
                            setFile(f);
                            setReport(null);
                        }
                    }}
                    sx={{ display: 'block', border: '2px dashed', borderColor: 'divider', borderRadius: 1, p: 3, textAlign: 'center', cursor: 'pointer' }}
                >
                    <input
                        type="file"
                        name="importFile"
                        accept=".csv,.xlsx"
                        hidden
                        onChange={e => {
                            setFile(e.target.files?.[0] ?? null);
                            setReport(null);
                        }}
                    />
                    {file ? file.name : translate('mycourier.import.drop')}
                </Box>
                <Stack direction="row" spacing={2} sx={{ mt: 2 }}>
                    <Button label="mycourier.import.check" variant="contained" disabled={!file || busy} onClick={() => run(true)} />
                    <Button
                        label="mycourier.import.confirm"
                        variant="contained"
                        color="success"
                        disabled={!file || busy || !report || !report.dryRun || report.failed > 0}
                        onClick={() => run(false)}
                    />
                </Stack>
                {report && (
                    <Box sx={{ mt: 3 }}>
                        <Alert severity={report.failed > 0 ? 'error' : 'success'} data-testid="import-summary">
                            {translate('mycourier.import.summary', { rows: report.rows, created: report.created, unchanged: report.unchanged, failed: report.failed })}
                        </Alert>
                        {report.errors.length > 0 && (
                            <RowsTable
                                label="mycourier.import.errors"
                                sx={{ mt: 2 }}
                                rows={report.errors}
                                rowKey={(_, i) => i}
                                rowProps={e => ({ sx: { bgcolor: errorCells.has(`${e.row}:${e.column}`) ? 'error.light' : undefined }, 'data-testid': 'import-error' })}
                                columns={[
                                    { header: 'mycourier.import.row', render: e => e.row },
                                    { header: 'mycourier.import.column', render: e => e.column || '—', sx: { fontWeight: 700 } },
                                    { header: 'mycourier.import.problem', render: e => translate(`mycourier.errors.${e.key}`, { _: e.message }) },
                                ]}
                            />
                        )}
                    </Box>
                )}
            </CardContent>
        </Card>
    );
}
