import { useId, useState, type ReactNode } from 'react';
import { Button, Form, SaveButton, useTranslate } from 'react-admin';
import { useFormState } from 'react-hook-form';
import { Alert, Dialog, DialogActions, DialogContent, DialogTitle, Stack } from '@mui/material';
import { submitFailure } from '../dataProvider/errors';

export interface FormDialogProps {
    /** Translation keys of the title and the submit button. */
    title: string;
    submitLabel: string;
    /** Sends the form; a rejection keeps the dialog open with the API's errors shown. */
    onSubmit(values: Record<string, unknown>): Promise<void>;
    /** Closes without sending: the dialog is unmounted, so nothing typed is kept. */
    onClose(): void;
    onError?(err: unknown): void;
    children: ReactNode;
}

/**
 * A dialog holding a small React-Admin form (a reason, a comment): each API
 * field error is shown at its input, any other error above the buttons, and
 * Cancel, Escape or a click outside discard what was typed.
 */
export function FormDialog({ title, submitLabel, onSubmit, onClose, onError, children }: FormDialogProps) {
    const translate = useTranslate();
    const titleId = useId();
    const [message, setMessage] = useState<string | null>(null);
    const submit = async (values: Record<string, unknown>) => {
        setMessage(null);
        try {
            await onSubmit(values);
            onClose();
        } catch (e) {
            onError?.(e);
            const f = submitFailure(e);
            if (f.message) setMessage(f.message);
            return f.fields;
        }
    };
    return (
        <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-labelledby={titleId}>
            <Form onSubmit={submit}>
                <DialogTitle id={titleId}>{translate(title)}</DialogTitle>
                <DialogContent>
                    <Stack>
                        {children}
                        {message && (
                            <Alert severity="error" role="alert">
                                {message}
                            </Alert>
                        )}
                    </Stack>
                </DialogContent>
                <DialogActions>
                    <Button label="ra.action.cancel" onClick={onClose} />
                    <SubmitButton label={submitLabel} />
                </DialogActions>
            </Form>
        </Dialog>
    );
}

/** Enabled with nothing typed (a dialog may have no required input), disabled while sending so a double click sends once. */
function SubmitButton({ label }: { label: string }) {
    const { isSubmitting } = useFormState();
    return <SaveButton label={label} alwaysEnable={!isSubmitting} />;
}
