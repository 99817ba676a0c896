// Personal API tokens (GET/POST /settings/tokens, POST /settings/tokens/{id}/revoke): for scripts and the flowbio
// client. A new token is shown once, here, and never again (Flow keeps only its hash).
import { h, useState } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { Field, FormError, SelectField, useForm } from '../../core/form.js';
import { formatDate, formatDateTime } from '../../core/format.js';
import { ErrorNotice, Loading, TableWrap, useLoad } from '../../components/page.js';
import { SettingsPage } from './tabs.js';

const LIFETIMES = [['30', '30 days'], ['90', '90 days'], ['365', 'A year'], ['', 'Never (until revoked)']];

function state(t) {
  if (t.revoked_at) return 'Revoked ' + formatDate(t.revoked_at);
  if (t.expires_at && new Date(t.expires_at) <= new Date()) return 'Expired ' + formatDate(t.expires_at);
  return t.expires_at ? 'Expires ' + formatDate(t.expires_at) : 'Never expires';
}

function NewToken({ onCreated }) {
  const form = useForm({ name: '', expires_in_days: '90' });
  const send = async ({ name, expires_in_days }) => {
    const created = await post('/settings/tokens', { name: name.trim(), expires_in_days: expires_in_days ? Number(expires_in_days) : null });
    form.setValues({ name: '', expires_in_days: '90' });
    onCreated(created);
  };
  return h('form', { class: 'card form wide', onSubmit: form.submit(send), novalidate: true, 'aria-labelledby': 'new-token-title' },
    h('h2', { id: 'new-token-title' }, 'New token'),
    h(FormError, { message: form.general }),
    h('div', { class: 'field-row' },
      h(Field, { label: 'Name', ...form.field('name'), required: true, maxLength: 100, hint: 'What it is for, e.g. "laptop flowbio"' }),
      h(SelectField, { label: 'Expires', ...form.field('expires_in_days'), options: LIFETIMES })),
    h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Creating…' : 'Create token'));
}

/** The token just made, with a button to copy it: the only time it can be read. */
function Created({ token, onDone }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied(true);
    } catch {
      document.getElementById('new-token-value')?.select(); // no clipboard access: selected, for the keyboard's copy
    }
  };
  return h('section', { class: 'card notice', role: 'status', 'aria-labelledby': 'created-title' },
    h('h2', { id: 'created-title' }, `Token "${token.name}" created`),
    h('p', null, 'Copy it now: Flow does not show it again. Use it as a Bearer token, or with flowbio --token.'),
    h('div', { class: 'field' },
      h('label', { for: 'new-token-value' }, 'Token'),
      h('input', { id: 'new-token-value', readOnly: true, value: token.token, class: 'mono', onFocus: (e) => e.currentTarget.select() })),
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'button', onClick: copy }, copied ? 'Copied' : 'Copy'),
      h('button', { type: 'button', class: 'button secondary', onClick: onDone }, 'Done')));
}

function TokenTable({ tokens, onRevoke, error }) {
  if (tokens.length === 0) return h('p', { class: 'empty' }, 'You have no API token.');
  return [
    error && h(ErrorNotice, { error }),
    h(TableWrap, null,
      h('table', { class: 'table' },
        h('thead', null, h('tr', null, ['Name', 'Starts with', 'Created', 'Last used', 'State', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, tokens.map((t) => h('tr', null,
          h('td', null, t.name), h('td', null, h('code', null, t.prefix + '…')), h('td', null, formatDate(t.created)),
          h('td', null, t.last_used ? formatDateTime(t.last_used) : 'Never'), h('td', null, state(t)),
          h('td', null, !t.revoked_at && !(t.expires_at && new Date(t.expires_at) <= new Date())
            && h('button', { type: 'button', class: 'button secondary small', 'aria-label': 'Revoke ' + t.name, onClick: () => onRevoke(t) },
              'Revoke')))))))];
}

export function TokenSettingsPage() {
  const [version, setVersion] = useState(0);
  const [created, setCreated] = useState(null);
  const [revokeError, setRevokeError] = useState(null);
  const { data, error } = useLoad(() => get('/settings/tokens'), [version]);
  const revoke = async (t) => {
    if (!confirm(`Revoke the token "${t.name}"? Scripts using it stop working at once.`)) return;
    setRevokeError(null);
    try {
      await post(`/settings/tokens/${t.id}/revoke`);
    } catch (e) {
      setRevokeError(e);
    }
    setVersion((v) => v + 1);
  };
  return h(SettingsPage, { title: 'API tokens', path: '/app/settings/tokens' },
    h('p', null, 'Personal API tokens let scripts and the flowbio client act as you. They cannot create tokens, nor change ',
      'your password or email.'),
    created ? h(Created, { token: created, onDone: () => setCreated(null) })
      : h(NewToken, { onCreated: (t) => { setCreated(t); setVersion((v) => v + 1); } }),
    h('section', { class: 'card', 'aria-labelledby': 'tokens-title' },
      h('h2', { id: 'tokens-title' }, 'Your tokens'),
      error ? h(ErrorNotice, { error }) : data ? h(TokenTable, { tokens: data.tokens, onRevoke: revoke, error: revokeError })
        : h(Loading, { what: 'your tokens' })));
}
