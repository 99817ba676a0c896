// "Sign in with <issuer>": OpenID Connect's authorization code flow with PKCE, done by the browser itself (Flow is a
// public client: GET /oidc-issuers lists the issuers and Flow's client id at each, no secret). The issuer's endpoints
// come from its discovery document; state, nonce and the code verifier wait in sessionStorage (this tab only) while the
// browser is at the issuer; back at /app/oidc/callback the code is exchanged at the token endpoint (WebApp's CSP lets
// the page connect to the issuers' origins) and the id_token is given to POST /oidc-login.
import { h, useState, useEffect } from '../../core/html.js';
import { get } from '../../core/api.js';
import { Link, navigate } from '../../core/router.js';
import { signInWithIdToken } from '../../core/session.js';
import { FormError } from '../../core/form.js';
import { Page, Loading } from '../../components/page.js';
import { afterSignIn } from './signin.js';

const KEY = 'flow-oidc-sign-in';
const CALLBACK = '/app/oidc/callback';

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function random() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The issuer as people know it: its host and path (https://login.example.org/realms/lab: login.example.org/realms/lab). */
export function issuerName(issuer) {
  const url = new URL(issuer);
  return url.host + url.pathname.replace(/\/$/, '');
}

/** Fetches from the issuer, saying which step failed rather than the browser's bare "Failed to fetch". */
async function fromIssuer(url, what, init) {
  let res;
  try {
    res = await fetch(url, init);
  } catch {
    throw new Error(`the sign-in service cannot be reached (${what})`);
  }
  const json = await res.json().catch(() => null);
  if (!res.ok || !json) throw new Error(`the sign-in service refused ${what}` + (json?.error ? ': ' + (json.error_description || json.error) : ''));
  return json;
}

/** Goes to the issuer's sign-in page; `next` is where the app goes once back and signed in. */
async function start({ issuer, client_id }, next) {
  if (!crypto.subtle) throw new Error('signing in with another service needs this page to be opened over https');
  const config = await fromIssuer(issuer.replace(/\/$/, '') + '/.well-known/openid-configuration', 'its configuration');
  const verifier = random();
  const state = random();
  const nonce = random();
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(KEY, JSON.stringify({ client_id, state, nonce, verifier, next, token_endpoint: config.token_endpoint }));
  const url = new URL(config.authorization_endpoint);
  Object.entries({
    response_type: 'code', client_id, redirect_uri: location.origin + CALLBACK, scope: 'openid profile email', state, nonce,
    code_challenge: challenge, code_challenge_method: 'S256',
  }).forEach(([k, v]) => url.searchParams.set(k, v));
  location.assign(url.href);
}

/** The "Sign in with ..." buttons of the configured issuers (none when there are none). */
export function OidcButtons({ next }) {
  const [issuers, setIssuers] = useState([]);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(null);
  useEffect(() => {
    get('/oidc-issuers', {}, { withToken: false }).then((r) => setIssuers(r.issuers), (e) => setError(e.message));
  }, []);
  const go = async (issuer) => {
    setBusy(issuer.issuer);
    setError(null);
    try {
      await start(issuer, next);
    } catch (e) {
      setError(e.message);
      setBusy(null);
    }
  };
  if (issuers.length === 0 && !error) return null;
  return h('div', { class: 'oidc' },
    h('p', { class: 'oidc-or' }, 'or'),
    h(FormError, { message: error }),
    issuers.map((i) => h('button', { type: 'button', class: 'button secondary oidc-button', disabled: busy !== null, onClick: () => go(i) },
      busy === i.issuer ? 'Going to ' + issuerName(i.issuer) + '…' : 'Sign in with ' + issuerName(i.issuer))));
}

/** Where the issuer sends the browser back: the code exchanged for an id_token, then the sign-in with it. */
async function finish(query) {
  const stored = JSON.parse(sessionStorage.getItem(KEY) || 'null');
  sessionStorage.removeItem(KEY); // one use, whatever happens
  if (query.get('error')) throw new Error('the sign-in service said: ' + (query.get('error_description') || query.get('error')));
  // a callback that this tab did not start (a forged or replayed link) is refused
  if (!stored || !query.get('state') || query.get('state') !== stored.state) throw new Error('this sign-in was not started here: start it again');
  const answer = await fromIssuer(stored.token_endpoint, 'the sign-in code', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: query.get('code') || '', redirect_uri: location.origin + CALLBACK,
      client_id: stored.client_id, code_verifier: stored.verifier,
    }),
  });
  if (!answer.id_token) throw new Error('the sign-in service answered no id_token');
  // the id_token must be the one this sign-in asked for (Flow checks its signature, issuer and audience)
  const claims = JSON.parse(atob(answer.id_token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  if (claims.nonce !== stored.nonce) throw new Error('the sign-in service answered an id_token of another sign-in: start it again');
  await signInWithIdToken(answer.id_token);
  return stored.next;
}

export function OidcCallbackPage({ query }) {
  const [error, setError] = useState(null);
  useEffect(() => {
    finish(query).then((next) => navigate(afterSignIn(new URLSearchParams({ next: next || '' })), { replace: true }),
      (e) => setError(e.message));
  }, []);
  return h(Page, { title: 'Signing in', narrow: true },
    error
      ? h('div', { class: 'card form' }, h(FormError, { message: error }), h(Link, { href: '/app/signin', class: 'button' }, 'Back to sign in'))
      : h(Loading, { what: 'your account' }));
}
