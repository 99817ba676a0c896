// Data files: the caller's own (GET /data/owned), those shared with them (GET /data/shared), the public ones (GET
// /data/search asked as a visitor: the files of public projects) and every one they may read (GET /data/search).
// Filtered by filename everywhere and by data type where the API allows it (its search); paged, newest first.
import { h, useState } from '../../core/html.js';
import { get } from '../../core/api.js';
import { Link } from '../../core/router.js';
import { formatBytes, formatDate } from '../../core/format.js';
import { ErrorNotice, Loading, Page, Pager, TableWrap, useLoad } from '../../components/page.js';
import { currentTab, FilterBox, FilterSelect, Tabs, useSettled } from '../../components/listing.js';

const LIMIT = 25;
const TABS = [['owned', 'Mine'], ['shared', 'Shared with me'], ['public', 'Public'], ['all', 'All I can read']];
const EMPTY = { owned: 'You have no data files yet.', shared: 'No data file is shared with you.',
  public: 'There is no public data file.', all: 'There is no data file you may read.' };
const SEARCHED = new Set(['public', 'all']);

function load(tab, query) {
  if (tab === 'public') return get('/data/search', query, { withToken: false });
  return get(tab === 'all' ? '/data/search' : '/data/' + tab, query);
}

function Listing({ tab, filters }) {
  const [offset, setOffset] = useState(0);
  const { data, error, loading } = useLoad(() => load(tab, { limit: LIMIT, offset, ...filters }), [offset]);
  const filtered = Object.values(filters).some((v) => v);
  if (error) return h(ErrorNotice, { error });
  if (!data) return h(Loading, { what: 'the data files' });
  if (data.count === 0) return h('p', { class: 'empty' }, filtered ? 'No data file matches these filters.' : EMPTY[tab]);
  return [
    h(TableWrap, null,
      h('table', { class: 'table', 'aria-busy': loading ? 'true' : 'false' },
        h('caption', { class: 'visually-hidden' }, TABS.find(([k]) => k === tab)[1]),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'File'), h('th', { scope: 'col' }, 'Type'),
          h('th', { scope: 'col', class: 'num' }, 'Size'), h('th', { scope: 'col' }, 'Sample'), h('th', { scope: 'col' }, 'Created'))),
        h('tbody', null, data.data.map((d) => h('tr', null,
          h('td', null, h(Link, { href: '/app/data/' + d.id }, d.filename)),
          h('td', null, d.data_type || '—'),
          h('td', { class: 'num' }, formatBytes(d.size)),
          h('td', null, d.sample ? h(Link, { href: '/app/samples/' + d.sample.id }, d.sample.name) : '—'),
          h('td', null, formatDate(d.created))))))),
    h(Pager, { count: data.count, capped: data.count_capped, offset, limit: LIMIT, onOffset: setOffset, label: 'Data files' }),
  ];
}

export function DataPage({ query }) {
  const tab = currentTab(query, TABS);
  const types = useLoad(() => get('/data/types/available'), []);
  const [text, setText] = useState('');
  const [type, setType] = useState('');
  const filter = useSettled(text.trim());
  const filters = { filter, ...(SEARCHED.has(tab) ? { data_type: type } : {}) };
  const typeOptions = [['', types.data ? 'Any type' : 'Loading…'],
    ...(types.data?.data_types || []).map((t) => [t.identifier, t.name])];
  return h(Page, { title: 'Data' },
    h(Tabs, { label: 'Whose data files', path: '/app/data', tabs: TABS, current: tab }),
    h('div', { class: 'toolbar filters' },
      h(FilterBox, { id: 'data-filter', label: 'Filename', placeholder: 'Part of the filename', value: text, onValue: setText }),
      SEARCHED.has(tab) && h(FilterSelect, { id: 'data-type', label: 'Data type', value: type, onValue: setType, options: typeOptions })),
    types.error && h(ErrorNotice, { error: types.error }),
    // a new tab or filter starts again at the first page
    h(Listing, { key: JSON.stringify([tab, filters]), tab, filters }));
}
