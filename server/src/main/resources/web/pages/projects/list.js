// Projects: the caller's own (GET /projects/owned), those shared with them (GET /projects/shared) and the public ones
// (GET /projects/public), each filtered by text and paged, newest first (the API's only order).
import { h, useState } from '../../core/html.js';
import { get } from '../../core/api.js';
import { Link } from '../../core/router.js';
import { formatDate, formatCount } from '../../core/format.js';
import { ErrorNotice, Loading, Page, Pager, TableWrap, useLoad } from '../../components/page.js';
import { currentTab, FilterBox, Tabs, useSettled } from '../../components/listing.js';

const LIMIT = 25;
const TABS = [['owned', 'Mine'], ['shared', 'Shared with me'], ['public', 'Public']];
const EMPTY = { owned: 'You have no project yet.', shared: 'No project is shared with you.', public: 'There is no public project.' };
const CAPTION = { owned: 'Your projects', shared: 'Projects shared with you', public: 'Public projects' };

/** One tab's projects for one filter (a new tab or filter is a new listing, from its first page). */
function Listing({ tab, filter }) {
  const [offset, setOffset] = useState(0);
  const { data, error, loading } = useLoad(() => get('/projects/' + tab, { limit: LIMIT, offset, filter }), [offset]);
  const others = tab !== 'owned';
  if (error) return h(ErrorNotice, { error });
  if (!data) return h(Loading, { what: 'the projects' });
  if (data.count === 0) return h('p', { class: 'empty' }, filter ? 'No project matches this filter.' : EMPTY[tab]);
  return [
    h(TableWrap, null,
      h('table', { class: 'table', 'aria-busy': loading ? 'true' : 'false' },
        h('caption', { class: 'visually-hidden' }, CAPTION[tab]),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col', class: 'num' }, 'Samples'), h('th', { scope: 'col' }, 'Organism'),
          others && h('th', { scope: 'col' }, 'Owner'),
          h('th', { scope: 'col' }, 'Visibility'), h('th', { scope: 'col' }, 'Created'))),
        h('tbody', null, data.projects.map((p) => h('tr', null,
          h('td', null, h(Link, { href: '/app/projects/' + p.id }, p.name)),
          h('td', { class: 'num' }, formatCount(p.sample_count)),
          h('td', null, p.organism || '—'),
          others && h('td', null, p.owner.username),
          h('td', null, p.is_public ? 'Public' : 'Private'),
          h('td', null, formatDate(p.created))))))),
    h(Pager, { count: data.count, offset, limit: LIMIT, onOffset: setOffset, label: 'Projects' })];
}

export function ProjectsPage({ query }) {
  const tab = currentTab(query, TABS);
  const [text, setText] = useState('');
  const filter = useSettled(text.trim());
  return h(Page, { title: 'Projects', actions: h(Link, { href: '/app/projects/new', class: 'button' }, 'New project') },
    h(Tabs, { label: 'Whose projects', path: '/app/projects', tabs: TABS, current: tab }),
    h('div', { class: 'toolbar filters' },
      h(FilterBox, { id: 'project-filter', label: 'Name or description', placeholder: 'Part of the name or description',
        value: text, onValue: setText })),
    h(Listing, { key: tab + '\n' + filter, tab, filter }));
}
