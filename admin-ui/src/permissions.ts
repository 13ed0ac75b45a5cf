import { usePermissions } from 'react-admin';
import { may, type Permissions } from './authProvider';

/** Whether the signed-in user may call an API operation. */
export function useMay(): (operation: string) => boolean {
    const { permissions } = usePermissions<Permissions>();
    return (operation: string) => may(permissions, operation);
}
