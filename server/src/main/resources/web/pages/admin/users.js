// Users (site administrators): found through GET /users/search, whose answer to an admin carries each user's email
// and rights (the API has no listing of every account); rights changed with POST /admin/users/{username}; a user's
// personal API tokens listed (GET /admin/users/{username}/tokens) and revoked (POST /admin/tokens/{id}/revoke).
import { h, useState, useEffect } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { formatDate, formatDateTime } from '../../core/format.js';
import { FilterBox, useSettled } from '../../components/listing.js';
import { ErrorNotice, Loading, Pager, TableWrap, useLoad } from '../../components/page.js';
import { AdminPage } from './frame.js';

const SEARCH_LIMIT = 50;
const TOKENS_LIMIT = 20;

/** A right as a checkbox that changes it at once; the row takes the API's answer, or shows its refusal. */
function RightBox({ user, right, label, onChanged, onError }) {
  const [busy, setBusy] = useState(false);
  const change = async (e) => {
    const value = e.currentTarget.checked;
    setBusy(true);
    onError(null);
    try {
      onChanged(await post('/admin/users/' + encodeURIComponent(user.username), { [right]: value }));
    } catch (error) {
      onError(error);
      e.currentTarget.checked = user[right];
    } finally {
      setBusy(false);
    }
  };
  return h('input', { type: 'checkbox', checked: user[right], disabled: busy, onChange: change, 'aria-label': label + ': ' + user.username });
}

const expired = (t) => t.expires_at && new Date(t.expires_at) <= new Date();

function tokenState(t) {
  if (t.revoked_at) return 'Revoked ' + formatDate(t.revoked_at);
  if (expired(t)) return 'Expired ' + formatDate(t.expires_at);
  return t.expires_at ? 'Expires ' + formatDate(t.expires_at) : 'Never expires';
}

function Tokens({ username }) {
  const [offset, setOffset] = useState(0);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState(null);
  useEffect(() => setOffset(0), [username]);
  const { data, error: loadError } = useLoad(
    () => get(`/admin/users/${encodeURIComponent(username)}/tokens`, { limit: TOKENS_LIMIT, offset }), [username, offset, version]);
  const revoke = async (t) => {
    if (!confirm(`Revoke ${username}'s token "${t.name}"? Scripts using it stop working at once.`)) return;
    setError(null);
    try {
      await post(`/admin/tokens/${t.id}/revoke`);
    } catch (e) {
      setError(e);
    }
    setVersion((v) => v + 1);
  };
  let body;
  if (loadError) body = h(ErrorNotice, { error: loadError });
  else if (!data) body = h(Loading, { what: 'the tokens' });
  else if (data.count === 0) body = h('p', { class: 'empty' }, username + ' has no API token.');
  else {
    body = [
      error && h(ErrorNotice, { error }),
      h(TableWrap, null,
        h('table', { class: 'table' },
          h('thead', null, h('tr', null, ['Name', 'Starts with', 'Created', 'Last used', 'State', ''].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', null, data.tokens.map((t) => h('tr', null,
            h('td', null, t.name), h('td', null, h('code', null, t.prefix + '…')), h('td', null, formatDate(t.created)),
            h('td', null, t.last_used ? formatDateTime(t.last_used) : 'Never'), h('td', null, tokenState(t)),
            h('td', null, !t.revoked_at && !expired(t)
              ? h('button', { type: 'button', class: 'button secondary small', 'aria-label': 'Revoke ' + t.name, onClick: () => revoke(t) }, 'Revoke')
              : null)))))),
      h(Pager, { count: data.count, offset, limit: TOKENS_LIMIT, onOffset: setOffset, label: 'Tokens' })];
  }
  return h('section', { class: 'card admin-section', 'aria-labelledby': 'tokens-title' },
    h('h2', { id: 'tokens-title' }, `API tokens of ${username}`), body);
}

export function AdminUsersPage() {
  const [text, setText] = useState('');
  const q = useSettled(text.trim());
  const [users, setUsers] = useState([]);
  const [error, setError] = useState(null);
  const [tokensOf, setTokensOf] = useState(null);
  const found = useLoad(() => (q ? get('/users/search', { q, limit: SEARCH_LIMIT }) : Promise.resolve({ users: [] })), [q]);
  useEffect(() => {
    if (found.data) setUsers(found.data.users);
  }, [found.data]);
  const changed = (answer) => setUsers((list) => list.map((u) => (u.id === answer.id ? { ...u, ...answer } : u)));
  return h(AdminPage, { title: 'Users', path: '/app/admin' },
    h('p', { class: 'lead' }, 'Find users by username, name or whole email (Flow lists no one without a search). ',
      'Administrators manage the whole site; users without the right to run pipelines can still upload and share.'),
    h('div', { class: 'toolbar' },
      h(FilterBox, { id: 'user-search', label: 'Find users', placeholder: 'Username, name or email', value: text, onValue: setText })),
    found.error && h(ErrorNotice, { error: found.error }),
    error && h(ErrorNotice, { error }),
    q && found.data && (users.length === 0
      ? h('p', { class: 'empty' }, 'No user matches "' + q + '".')
      : h(TableWrap, null,
        h('table', { class: 'table', 'aria-busy': found.loading ? 'true' : 'false' },
          h('caption', { class: 'visually-hidden' }, 'Users found'),
          // the controls first: on a phone the table scrolls sideways, and they are what the page is for
          h('thead', null, h('tr', null, ['Username', 'Administrator', 'May run pipelines', 'API tokens', 'Name', 'Email']
            .map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', null, users.map((u) => h('tr', null,
            h('td', null, u.username),
            h('td', null, h(RightBox, { user: u, right: 'is_admin', label: 'Administrator', onChanged: changed, onError: setError })),
            h('td', null, h(RightBox, { user: u, right: 'can_run_pipelines', label: 'May run pipelines', onChanged: changed, onError: setError })),
            h('td', null, h('button', { type: 'button', class: 'button secondary small', 'aria-label': 'API tokens of ' + u.username,
              'aria-pressed': tokensOf === u.username ? 'true' : 'false', onClick: () => setTokensOf(u.username) }, 'Tokens')),
            h('td', null, u.name || '—'), h('td', null, u.email || '—'))))))),
    tokensOf && h(Tokens, { username: tokensOf }));
}
