// The sharing dialog, the same for every kind of thing (GET and POST /<kind>/{id}/share): who holds a grant and at
// which level, a level changed or a grant removed in place, a user or group added with suggestions as you type
// (GET /users/search, /groups/search), and, for what can be public, the public switch. A native modal <dialog>:
// the browser keeps the focus inside it and Escape closes it.
import { h, useRef, useState } from '../core/html.js';
import { get, post } from '../core/api.js';
import { useSuggestions } from '../core/suggestions.js';
import { ErrorNotice, TableWrap } from './page.js';

const LEVELS = [[1, 'Read'], [2, 'Edit'], [3, 'Share']];
const LEVEL_HINT = 'Read: see it. Edit: change it. Share: also share it with others.';

/** Usernames or group slugs matching what is typed: [value, text] pairs. */
export function searchHolders(holder) {
  return (q) => (holder === 'users'
    ? get('/users/search', { q, limit: 8 }).then((a) => a.users.map((u) => [u.username, u.name || u.username]))
    : get('/groups/search', { q, limit: 8 }).then((a) => a.groups.map((g) => [g.slug, g.name])));
}

function LevelSelect({ value, onChange, label, id }) {
  return h('select', { id, 'aria-label': id ? undefined : label, value: String(value), onChange: (e) => onChange(Number(e.currentTarget.value)) },
    LEVELS.map(([v, text]) => h('option', { value: String(v) }, text)));
}

function AddHolder({ onShare, busy }) {
  const [holder, setHolder] = useState('users');
  const [name, setName] = useState('');
  const [level, setLevel] = useState(1);
  const suggestions = useSuggestions(name, searchHolders(holder), [holder]);
  const submit = async (event) => {
    event.preventDefault();
    if (!name.trim()) return;
    if (await onShare(holder, name.trim(), level)) setName('');
  };
  return h('form', { class: 'share-add', onSubmit: submit, novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'share-holder' }, 'Share with'),
      h('select', { id: 'share-holder', value: holder, onChange: (e) => setHolder(e.currentTarget.value) },
        h('option', { value: 'users' }, 'a user'), h('option', { value: 'groups' }, 'a group'))),
    h('div', { class: 'field' },
      h('label', { for: 'share-name' }, holder === 'users' ? 'Username' : 'Group slug'),
      h('input', { id: 'share-name', value: name, onInput: (e) => setName(e.currentTarget.value), list: 'share-suggestions', autocomplete: 'off' }),
      h('datalist', { id: 'share-suggestions' }, suggestions.map(([value, text]) => h('option', { value }, text)))),
    h('div', { class: 'field' },
      h('label', { for: 'share-level' }, 'Level'),
      h(LevelSelect, { id: 'share-level', value: level, onChange: setLevel })),
    h('button', { type: 'submit', class: 'button', disabled: busy }, 'Share'));
}

function GrantRows({ grants, onShare }) {
  const rows = [
    ...grants.users.map((u) => ({ holder: 'users', key: u.username, label: u.username, kind: 'User', permission: u.permission })),
    ...grants.groups.map((g) => ({ holder: 'groups', key: g.slug, label: g.name ? `${g.name} (${g.slug})` : g.slug, kind: 'Group', permission: g.permission })),
  ];
  if (rows.length === 0) return h('p', { class: 'empty' }, 'Shared with no one yet.');
  return h(TableWrap, null,
    h('table', { class: 'table' },
      h('thead', null, h('tr', null, ['Who', '', 'Level', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, rows.map((r) => h('tr', null,
        h('td', null, r.label), h('td', null, r.kind),
        h('td', null, h(LevelSelect, { label: 'Level of ' + r.key, value: r.permission, onChange: (p) => onShare(r.holder, r.key, p) })),
        h('td', null, h('button', { type: 'button', class: 'button secondary small', 'aria-label': 'Stop sharing with ' + r.key,
          onClick: () => onShare(r.holder, r.key, 0) }, 'Remove')))))));
}

/**
 * A "Share" button opening the dialog for `/<kind>/<id>`; `publicSwitch` ({ value, set(bool) }) adds the public
 * switch for kinds that have one.
 */
export function ShareButton({ kind, id, name, publicSwitch }) {
  const dialog = useRef(null);
  const [open, setOpen] = useState(false);
  const [grants, setGrants] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const path = `/${kind}/${id}/share`;
  const show = async () => {
    setOpen(true);
    setError(null);
    dialog.current.showModal();
    try {
      setGrants(await get(path));
    } catch (e) {
      setError(e);
    }
  };
  const act = async (work) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const share = (holder, key, permission) => act(async () => setGrants(await post(path, { [holder]: [key], permission })));
  return [
    h('button', { type: 'button', class: 'button secondary', onClick: show }, 'Share'),
    h('dialog', { ref: dialog, class: 'dialog', 'aria-labelledby': 'share-title', onClose: () => setOpen(false) },
      open && [
        h('div', { class: 'dialog-head' },
          h('h2', { id: 'share-title' }, 'Share ' + name),
          h('button', { type: 'button', class: 'button secondary small', onClick: () => dialog.current.close() }, 'Close')),
        error && h(ErrorNotice, { error }),
        publicSwitch && h('div', { class: 'field check' },
          h('input', { type: 'checkbox', id: 'share-public', checked: publicSwitch.value, disabled: busy,
            onChange: (e) => { const v = e.currentTarget.checked; act(() => publicSwitch.set(v)); } }),
          h('label', { for: 'share-public' }, 'Public: everyone, signed in or not, may read it')),
        grants ? h(GrantRows, { grants, onShare: share }) : !error && h('p', { class: 'loading', role: 'status' }, 'Loading the grants…'),
        h('p', { class: 'hint' }, LEVEL_HINT),
        h(AddHolder, { onShare: share, busy })]),
  ];
}
