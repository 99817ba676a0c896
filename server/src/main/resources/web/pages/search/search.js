// The quick search (GET /search): what the caller may read whose name matches, grouped by kind, best matches first.
// The query is in the address (/app/search?q=liver), so a search can be bookmarked, shared and gone back to. Each
// group leads to the advanced search of its kind (advanced.js) with the query as its text filter.
import { h } from '../../core/html.js';
import { get } from '../../core/api.js';
import { formatCount } from '../../core/format.js';
import { Link } from '../../core/router.js';
import { ErrorNotice, Loading, Page, useLoad } from '../../components/page.js';
import { SearchTabs } from './advanced.js';

const LIMIT = 10;

/** The kinds in the order shown, with the app page of a result. */
const KINDS = [
  ['projects', 'Projects', (r) => '/app/projects/' + r.id],
  ['samples', 'Samples', (r) => '/app/samples/' + r.id],
  ['data', 'Data', (r) => '/app/data/' + r.id],
  ['executions', 'Executions', (r) => '/app/executions/' + r.id],
];

function Group({ kind, title, results, count, capped, link, q }) {
  const total = capped && count >= LIMIT * 10 ? formatCount(count) + '+' : formatCount(count);
  return h('section', { class: 'card', 'aria-labelledby': 'results-' + title },
    h('h2', { id: 'results-' + title }, `${title} (${total})`),
    results.length === 0 ? h('p', { class: 'empty' }, 'None.')
      : h('ul', { class: 'results' }, results.map((r) => h('li', null, h(Link, { href: link(r) }, r.name)))),
    count > results.length && h('p', { class: 'hint' }, `The best ${results.length} of them.`),
    count > 0 && h('p', { class: 'more' }, h(Link, { href: `/app/search/${kind}?filter=${encodeURIComponent(q)}` },
      count > results.length ? `More ${title.toLowerCase()}, with filters…` : `Search ${title.toLowerCase()} with filters…`)));
}

export function SearchPage({ query }) {
  const q = (query.get('q') || '').trim();
  const { data, error } = useLoad(() => (q ? get('/search', { q, limit: LIMIT }) : Promise.resolve(null)), [q]);
  const title = q ? `Search: ${q}` : 'Search';
  const tabs = h(SearchTabs, { current: 'all', text: q });
  if (!q) return h(Page, { title }, tabs, h('p', { class: 'empty' }, 'Type what you are looking for in the search box above.'));
  if (error) return h(Page, { title }, tabs, h(ErrorNotice, { error }));
  if (!data) return h(Page, { title }, tabs, h(Loading, { what: 'the results' }));
  return h(Page, { title }, tabs,
    h('p', { role: 'status' }, data.total_count === 0 ? 'Nothing you may read matches.'
      : `${formatCount(data.total_count)}${data.count_capped ? '+' : ''} matches.`),
    data.total_count > 0 && h('div', { class: 'result-groups' }, KINDS.map(([key, title, link]) =>
      h(Group, { kind: key, title, results: data.results[key], count: data.counts[key], capped: data.count_capped, link, q }))));
}
