import { useRef } from 'react';
import { TextInput, useLocaleState, useTranslate, type TextInputProps, type Validator } from 'react-admin';
import { useFormContext } from 'react-hook-form';
import { IconButton, InputAdornment } from '@mui/material';
import CalendarMonth from '@mui/icons-material/CalendarMonth';
import { datePattern, formatDate, isDateOrEmpty, parseDate } from './dates';

/**
 * A date input in the chosen language's format (ru ДД.ММ.ГГГГ), unlike the
 * browser's <input type="date">, which follows the browser's language. The
 * calendar button opens the browser's picker.
 */
export function LocaleDateInput({ validate, ...props }: Omit<TextInputProps, 'format' | 'parse'>) {
    const [locale = 'ru'] = useLocaleState();
    const translate = useTranslate();
    const form = useFormContext();
    const picker = useRef<HTMLInputElement>(null);
    const { order, sep } = datePattern(locale);
    const placeholder = order.map(p => translate(`mycourier.dates.${p}`)).join(sep);
    const openPicker = () => {
        const p = picker.current;
        if (!p) return;
        const v = form.getValues(props.source);
        p.value = typeof v === 'string' && isDateOrEmpty(v) ? v : '';
        p.showPicker?.();
    };
    const whole: Validator = v => (isDateOrEmpty(v) ? undefined : { message: 'mycourier.dates.invalid', args: { pattern: placeholder } });
    const validators: Validator[] = [whole, ...(validate ? (Array.isArray(validate) ? validate : [validate]) : [])];
    return (
        <TextInput
            {...props}
            validate={validators}
            format={v => formatDate(v, locale)}
            parse={v => parseDate(v, locale)}
            placeholder={placeholder}
            slotProps={{
                input: {
                    endAdornment: (
                        <InputAdornment position="end">
                            <IconButton size="small" aria-label={translate('mycourier.dates.pick')} onClick={openPicker}>
                                <CalendarMonth fontSize="small" />
                            </IconButton>
                            <input
                                ref={picker}
                                type="date"
                                tabIndex={-1}
                                aria-hidden
                                style={{ position: 'absolute', right: 0, bottom: 0, width: 1, height: 1, opacity: 0, border: 0, padding: 0 }}
                                onChange={e => form.setValue(props.source, e.target.value, { shouldDirty: true, shouldValidate: true })}
                            />
                        </InputAdornment>
                    ),
                },
            }}
        />
    );
}
