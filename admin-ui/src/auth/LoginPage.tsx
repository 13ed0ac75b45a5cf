import { Login, LoginForm } from 'react-admin';
import { useLocation } from 'react-router-dom';

/** Where a sign-in lands when no page was asked for: the courier list, the first resource, which every role reads. */
export const LANDING = '/couriers';

/**
 * React-Admin's sign-in page, landing on the courier list itself rather than
 * on "/", which first waits for `me` to find the first resource the user may
 * list and then redirects there: a render pass and a wait less before the
 * list. A page asked for before signing in still wins.
 */
export function LoginPage() {
    const { state } = useLocation();
    const next = (state as { nextPathname?: string } | null)?.nextPathname;
    return (
        <Login>
            <LoginForm redirectTo={next && next !== '/' ? undefined : LANDING} />
        </Login>
    );
}
