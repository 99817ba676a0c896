// Who is signed in. The access token lives in this module's memory only (never in storage a script could read
// later); the refresh token is the HttpOnly cookie that the API sets at sign-in, which GET /token exchanges for a new
// access token (and the next cookie). So a reload, or a second tab, signs in again silently from the cookie.
import { request, setAuth } from './api.js';
import { useState, useEffect } from './html.js';

const RENEW_BEFORE_EXPIRY_MS = 60_000;

let state = { user: null, token: null, known: false };
let renewTimer = null;
const listeners = new Set();
// Tells the other tabs of this browser about sign-in and sign-out.
const tabs = 'BroadcastChannel' in window ? new BroadcastChannel('flow-session') : null;

function update(next) {
  state = next;
  listeners.forEach((listener) => listener(state));
}

/** A sign-in's or GET /token's answer: keep the token, renew it a minute before it runs out. */
function accept(answer) {
  clearTimeout(renewTimer);
  renewTimer = setTimeout(renew, Math.max(answer.expires_in * 1000 - RENEW_BEFORE_EXPIRY_MS, 10_000));
  update({ user: answer.user, token: answer.access_token, known: true });
}

function forget() {
  clearTimeout(renewTimer);
  update({ user: null, token: null, known: true });
}

/**
 * A new access token from the refresh cookie. Tabs take turns (Web Locks): each then presents the cookie the one
 * before it was given. Where the browser has no Web Locks (a page not served over https or from localhost), tabs
 * refreshing at once rely on the server's grace for a token just retired (see RefreshTokens). False when there is
 * no valid sign-in (then signed out) or the server cannot be reached (then the state stays as it was).
 */
export function renew() {
  const exchange = async () => {
    try {
      accept(await request('GET', '/token', undefined, { withToken: false }));
      return true;
    } catch (e) {
      if (e.status === 401) forget();
      else if (!state.known) update({ ...state, known: true });
      return false;
    }
  };
  return navigator.locks ? navigator.locks.request('flow-token', exchange) : exchange();
}

setAuth({ token: () => state.token, renew });

export async function signIn(username, password) {
  accept(await request('POST', '/login', { username, password }, { withToken: false }));
  tabs?.postMessage('signed-in');
}

/** Signs in with an OpenID Connect provider's id_token (see pages/auth/oidc.js). */
export async function signInWithIdToken(idToken) {
  accept(await request('POST', '/oidc-login', { id_token: idToken }, { withToken: false }));
  tabs?.postMessage('signed-in');
}

export async function signUp(account) {
  accept(await request('POST', '/signup', account, { withToken: false }));
  tabs?.postMessage('signed-in');
}

/**
 * Goes on with the session an answer starts in place of this one (a password change ends every other session and
 * answers this one's new access token, as sign-in does).
 */
export function continueWith(answer) {
  accept(answer);
}

/**
 * Revokes this browser's sign-in on the server (its refresh-token family), then forgets it here and in the other tabs.
 * When the server cannot be reached the sign-in is forgotten all the same (the person asked to leave).
 */
export async function signOut() {
  try {
    await request('POST', '/logout', {}, { withToken: false });
  } catch (e) {
    console.warn('sign-out could not reach the server: ' + e.message);
  }
  forget();
  tabs?.postMessage('signed-out');
}

if (tabs) {
  tabs.onmessage = (event) => {
    if (event.data === 'signed-out') forget();
    else if (event.data === 'signed-in' && !state.user) renew();
  };
}

/** At start: signed in again from the cookie, when there is a valid one. */
export const restore = renew;

/** The session, in a component: re-rendered at sign-in and sign-out. */
export function useSession() {
  const [session, setSession] = useState(state);
  useEffect(() => {
    listeners.add(setSession);
    setSession(state);
    return () => listeners.delete(setSession);
  }, []);
  return session;
}
