import { useCallback, useEffect, useState } from 'react';
import { useDataProvider, useRecordContext } from 'react-admin';
import type { MyCourierDataProvider } from '../dataProvider';

/**
 * What a tab reads for the courier on screen, reloaded when the courier's
 * status or document state changes (after a lifecycle action) or on reload().
 */
export function useCourierData<T>(load: (dp: MyCourierDataProvider, id: string) => Promise<{ data: T }>) {
    const record = useRecordContext();
    const dp = useDataProvider<MyCourierDataProvider>();
    const [data, setData] = useState<T | null>(null);
    const [error, setError] = useState<string | null>(null);
    const [version, setVersion] = useState(0);
    useEffect(() => {
        if (!record) return;
        let live = true;
        load(dp, String(record.id))
            .then(r => live && setData(r.data))
            .catch(e => live && setError((e as Error).message));
        return () => {
            live = false;
        };
        // load is a fresh closure each render; what matters is which courier and its state.
        // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [record?.id, record?.status, record?.documentStatus, record?.updatedAt, version]);
    const reload = useCallback(() => setVersion(v => v + 1), []);
    return { data, error, reload };
}
