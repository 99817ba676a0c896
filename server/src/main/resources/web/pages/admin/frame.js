// The admin pages share a heading, these tabs and one gate: for a user who is not a site administrator (GET /me) the
// page says so and shows nothing else. The API refuses them anyway (403); the gate spares them a page of refusals.
import { h } from '../../core/html.js';
import { Link } from '../../core/router.js';
import { ErrorNotice, Loading, Page } from '../../components/page.js';
import { useMe } from '../../components/me.js';

const TABS = [
  ['/app/admin', 'Users'],
  ['/app/admin/vocabularies', 'Vocabularies'],
  ['/app/admin/pipelines', 'Pipelines'],
  ['/app/admin/storage', 'Storage'],
];

export function AdminPage({ title, path, actions, children }) {
  const me = useMe();
  if (me.error) return h(Page, { title: 'Admin' }, h(ErrorNotice, { error: me.error }));
  if (!me.data) return h(Page, { title: 'Admin' }, h(Loading, { what: 'your account' }));
  if (!me.data.is_admin) {
    return h(Page, { title: 'Admin' },
      h('p', { class: 'form-error refusal', role: 'alert' }, 'Only site administrators may use the admin pages. ',
        'Ask one of them if you need a vocabulary entry, a pipeline or the right to run pipelines.'));
  }
  return h(Page, { title: 'Admin: ' + title, actions },
    h('nav', { class: 'tabs', 'aria-label': 'Admin' },
      h('ul', null, TABS.map(([href, text]) => h('li', null,
        h(Link, { href, 'aria-current': href === path ? 'page' : undefined }, text))))),
    children);
}
