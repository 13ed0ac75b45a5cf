// The playground opens in its own tab and asks this tab for the signed-in
// user's access token (kept in memory only) by postMessage, same origin only.
import { session } from '../session';

export const TOKEN_REQUEST = 'mycourier:playground-token-request';
export const TOKEN_REPLY = 'mycourier:playground-token';

export function openPlayground(): void {
    window.open('/playground', '_blank');
}

export function answerPlaygroundRequests(): void {
    window.addEventListener('message', e => {
        if (e.origin !== window.location.origin || e.data?.type !== TOKEN_REQUEST || !e.source) return;
        (e.source as Window).postMessage({ type: TOKEN_REPLY, token: session.accessToken }, window.location.origin);
    });
}
