// The caller's projects (GET /projects/owned), filtered by text and paged.
import { h, useState, useEffect } from '../../core/html.js';
import { get } from '../../core/api.js';
import { Link } from '../../core/router.js';
import { formatDate, formatCount } from '../../core/format.js';
import { ErrorNotice, Loading, Page, Pager, useLoad } from '../../components/page.js';

const LIMIT = 25;
const FILTER_DELAY_MS = 250;

export function ProjectsPage() {
  const [text, setText] = useState('');
  const [filter, setFilter] = useState('');
  const [offset, setOffset] = useState(0);
  // the listing follows the filter box once typing pauses
  useEffect(() => {
    const timer = setTimeout(() => { setFilter(text.trim()); setOffset(0); }, FILTER_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);
  const { data, error, loading } = useLoad(() => get('/projects/owned', { limit: LIMIT, offset, filter }), [offset, filter]);

  return h(Page, { title: 'Projects', actions: h(Link, { href: '/app/projects/new', class: 'button' }, 'New project') },
    h('div', { class: 'toolbar' },
      h('label', { for: 'project-filter', class: 'visually-hidden' }, 'Filter projects'),
      h('input', { id: 'project-filter', type: 'search', placeholder: 'Filter by name or description', value: text,
        onInput: (e) => setText(e.currentTarget.value) })),
    error && h(ErrorNotice, { error }),
    loading && !data && h(Loading, { what: 'your projects' }),
    data && (data.count === 0
      ? h('p', { class: 'empty' }, filter ? 'No project matches this filter.' : 'You have no project yet.')
      : [h('div', { class: 'table-wrap' },
          h('table', { class: 'table', 'aria-busy': loading ? 'true' : 'false' },
            h('caption', { class: 'visually-hidden' }, 'Your projects'),
            h('thead', null, h('tr', null,
              h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col', class: 'num' }, 'Samples'), h('th', { scope: 'col' }, 'Organism'),
              h('th', { scope: 'col' }, 'Visibility'), h('th', { scope: 'col' }, 'Created'))),
            h('tbody', null, data.projects.map((p) => h('tr', null,
              h('td', null, h(Link, { href: '/app/projects/' + p.id }, p.name)),
              h('td', { class: 'num' }, formatCount(p.sample_count)),
              h('td', null, p.organism || '—'),
              h('td', null, p.is_public ? 'Public' : 'Private'),
              h('td', null, formatDate(p.created))))))),
        h(Pager, { count: data.count, offset, limit: LIMIT, onOffset: setOffset, label: 'Projects' })]));
}
