import { Session } from './dataProvider/graphqlClient';

/** The browser's one session: the access token in memory, the refresh token for this tab. */
export const session = new Session({ store: typeof sessionStorage !== 'undefined' ? sessionStorage : null });
