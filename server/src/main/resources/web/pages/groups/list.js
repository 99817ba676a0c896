// The caller's groups (GET /groups, paged), with the invitations to accept or decline first.
import { h, useState } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { formatDate, formatCount } from '../../core/format.js';
import { Link } from '../../core/router.js';
import { ErrorNotice, Loading, Page, Pager, TableWrap, useLoad } from '../../components/page.js';
import { INVITED, roleName } from './roles.js';

const LIMIT = 25;

function Invitations({ groups, onAnswered }) {
  const [error, setError] = useState(null);
  const answer = (g, verb) => async () => {
    setError(null);
    try {
      await post(`/groups/${g.slug}/${verb}`);
      onAnswered();
    } catch (e) {
      setError(e);
    }
  };
  return h('section', { class: 'card', 'aria-labelledby': 'invitations-title' },
    h('h2', { id: 'invitations-title' }, 'Invitations'),
    error && h(ErrorNotice, { error }),
    h('ul', { class: 'invitations' }, groups.map((g) => h('li', null,
      h('span', null, 'You are invited to ', h(Link, { href: '/app/groups/' + g.slug }, g.name)),
      h('span', { class: 'form-actions' },
        h('button', { type: 'button', class: 'button small', onClick: answer(g, 'accept'), 'aria-label': 'Accept the invitation to ' + g.name }, 'Accept'),
        h('button', { type: 'button', class: 'button secondary small', onClick: answer(g, 'decline'),
          'aria-label': 'Decline the invitation to ' + g.name }, 'Decline'))))));
}

export function GroupsPage() {
  const [offset, setOffset] = useState(0);
  const [version, setVersion] = useState(0);
  const { data, error, loading } = useLoad(() => get('/groups', { limit: LIMIT, offset }), [offset, version]);
  const invitations = data ? data.groups.filter((g) => g.role === INVITED) : [];
  const groups = data ? data.groups.filter((g) => g.role !== INVITED) : [];
  return h(Page, { title: 'Groups', actions: h(Link, { href: '/app/groups/new', class: 'button' }, 'New group') },
    error ? h(ErrorNotice, { error }) : !data ? h(Loading, { what: 'your groups' }) : [
      invitations.length > 0 && h(Invitations, { groups: invitations, onAnswered: () => setVersion((v) => v + 1) }),
      groups.length === 0 && invitations.length === 0 ? h('p', { class: 'empty' }, 'You are in no group yet.')
        : groups.length > 0 && h(TableWrap, null,
          h('table', { class: 'table', 'aria-busy': loading ? 'true' : 'false' },
            h('thead', null, h('tr', null, ['Name', 'Slug', 'Your role', 'Members', 'Created'].map((c, i) =>
              h('th', { scope: 'col', class: i === 3 ? 'num' : undefined }, c)))),
            h('tbody', null, groups.map((g) => h('tr', null,
              h('td', null, h(Link, { href: '/app/groups/' + g.slug }, g.name)), h('td', null, g.slug), h('td', null, roleName(g.role)),
              h('td', { class: 'num' }, formatCount(g.member_count)), h('td', null, formatDate(g.created))))))),
      h(Pager, { count: data.count, offset, limit: LIMIT, onOffset: setOffset, label: 'Groups' })]);
}
