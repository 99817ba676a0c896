// One group (GET /groups/{slug}): its members and their roles. Its admins (and site admins) invite, change roles and
// remove; a member leaves; an invited user accepts or declines. The API decides who may do what; the page only
// offers what the caller's role allows.
import { h, useEffect, useState } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { useSuggestions } from '../../core/suggestions.js';
import { Field, FormError, useForm } from '../../core/form.js';
import { formatDateTime } from '../../core/format.js';
import { navigate } from '../../core/router.js';
import { useSession } from '../../core/session.js';
import { ErrorNotice, Loading, Page, TableWrap, useLoad } from '../../components/page.js';
import { NotFoundPage } from '../notfound.js';
import { ADMIN, INVITED, MEMBER, roleName } from './roles.js';

function Invite({ slug, onChanged }) {
  const form = useForm({ username: '' });
  const users = useSuggestions(form.values.username, (q) => get('/users/search', { q, limit: 8 }).then((a) => a.users));
  const send = async ({ username }) => {
    onChanged(await post(`/groups/${slug}/invite`, { username: username.trim() }));
    form.setValues({ username: '' });
  };
  return h('form', { class: 'form wide invite', onSubmit: form.submit(send), novalidate: true },
    h(FormError, { message: form.general }),
    h(Field, { label: 'Invite a user', ...form.field('username'), list: 'invite-users', autocomplete: 'off', required: true,
      hint: 'Their username; they accept the invitation before they become a member' }),
    h('datalist', { id: 'invite-users' }, users.map((u) => h('option', { value: u.username }, u.name || u.username))),
    h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Inviting…' : 'Invite'));
}

function Members({ group, manage, me, onChanged }) {
  const [error, setError] = useState(null);
  const act = (username, verb, body) => async () => {
    setError(null);
    try {
      onChanged(await post(`/groups/${group.slug}/members/${encodeURIComponent(username)}/${verb}`, body));
    } catch (e) {
      setError(e);
    }
  };
  return [
    error && h(ErrorNotice, { error }),
    h(TableWrap, null,
      h('table', { class: 'table' },
        h('thead', null, h('tr', null, ['Username', 'Name', 'Role', manage ? 'Manage' : null].filter(Boolean).map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, group.members.map((m) => h('tr', null,
          h('td', null, m.username), h('td', null, [m.first_name, m.last_name].filter(Boolean).join(' ') || '—'),
          h('td', null, manage && m.role !== INVITED
            ? h('select', { 'aria-label': 'Role of ' + m.username, value: String(m.role),
              onChange: (e) => act(m.username, 'role', { role: Number(e.currentTarget.value) })() },
              h('option', { value: String(MEMBER) }, 'Member'), h('option', { value: String(ADMIN) }, 'Admin'))
            : roleName(m.role)),
          manage && h('td', null, m.username !== me && h('button', { type: 'button', class: 'button secondary small',
            'aria-label': (m.role === INVITED ? 'Withdraw the invitation of ' : 'Remove ') + m.username,
            onClick: () => confirm(`Remove ${m.username} from ${group.name}?`) && act(m.username, 'remove', {})() },
            m.role === INVITED ? 'Withdraw' : 'Remove')))))))];
}

export function GroupPage({ params }) {
  const session = useSession();
  const [group, setGroup] = useState(null);
  const [error, setError] = useState(null);
  const loaded = useLoad(() => get('/groups/' + encodeURIComponent(params.slug)), [params.slug]);
  useEffect(() => setGroup(loaded.data), [loaded.data]);
  const run = (verb, question, after) => async () => {
    if (question && !confirm(question)) return;
    setError(null);
    try {
      const answer = await post(`/groups/${group.slug}/${verb}`);
      after(answer);
    } catch (e) {
      setError(e);
    }
  };
  if (loaded.error?.status === 404) return h(NotFoundPage);
  if (loaded.error) return h(Page, { title: 'Group' }, h(ErrorNotice, { error: loaded.error }));
  if (!group) return h(Page, { title: 'Group' }, h(Loading, { what: 'the group' }));
  // a site admin outside the group sees it with no role of their own, and manages it
  const manage = group.role === ADMIN || group.role === null;
  const toList = () => navigate('/app/groups');
  return h(Page, { title: group.name, actions: [
    group.role === INVITED && h('button', { type: 'button', class: 'button', onClick: run('accept', null, setGroup) }, 'Accept invitation'),
    group.role === INVITED && h('button', { type: 'button', class: 'button secondary', onClick: run('decline', null, toList) }, 'Decline'),
    (group.role === MEMBER || group.role === ADMIN) && h('button', { type: 'button', class: 'button secondary',
      onClick: run('leave', `Leave ${group.name}? What is shared with it is no longer shared with you.`, toList) }, 'Leave group'),
    manage && h('button', { type: 'button', class: 'button danger',
      onClick: run('delete', `Delete ${group.name}? Its members lose what is shared with it. This cannot be undone.`, toList) }, 'Delete group'),
  ].filter(Boolean) },
    error && h(ErrorNotice, { error }),
    h('dl', { class: 'facts card' },
      h('div', null, h('dt', null, 'Slug'), h('dd', null, group.slug)),
      h('div', null, h('dt', null, 'Your role'), h('dd', null, group.role === null ? 'Site admin' : roleName(group.role))),
      h('div', null, h('dt', null, 'Members'), h('dd', null, group.member_count)),
      h('div', null, h('dt', null, 'Created'), h('dd', null, formatDateTime(group.created)))),
    group.description && h('p', { class: 'description' }, group.description),
    h('section', { class: 'card', 'aria-labelledby': 'members-title' },
      h('h2', { id: 'members-title' }, 'Members'),
      h(Members, { group, manage, me: session.user?.username, onChanged: setGroup }),
      manage && h(Invite, { slug: group.slug, onChanged: setGroup })));
}
