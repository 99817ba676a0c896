// Samples: the caller's own (GET /samples/owned), those shared with them (GET /samples/shared), and the public ones
// (GET /samples/search asked as a visitor: the samples of public projects). Filtered by name and organism everywhere,
// by sample type where the API allows it (its search); paged, newest first (the API's only order). The caller's own
// can be deleted several at once (POST /samples/delete, all or none).
import { h, useState } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { Link } from '../../core/router.js';
import { ErrorNotice, Loading, Page, Pager, useLoad } from '../../components/page.js';
import { currentTab, FilterBox, FilterSelect, Tabs, useSettled } from '../../components/listing.js';
import { ConfirmButton } from '../../components/confirm.js';
import { SamplesTable } from '../../components/samples-table.js';
import { options, useVocabularies } from './vocabularies.js';

const LIMIT = 25;
const TABS = [['owned', 'Mine'], ['shared', 'Shared with me'], ['public', 'Public']];
const EMPTY = { owned: 'You have no sample yet.', shared: 'No sample is shared with you.', public: 'There is no public sample.' };

function load(tab, query) {
  if (tab === 'public') return get('/samples/search', query, { withToken: false });
  return get('/samples/' + tab, query);
}

function Listing({ tab, filters }) {
  const [offset, setOffset] = useState(0);
  const [version, setVersion] = useState(0);
  const [selected, setSelected] = useState(new Set());
  const { data, error, loading } = useLoad(() => load(tab, { limit: LIMIT, offset, ...filters }), [offset, version]);
  const filtered = Object.values(filters).some((v) => v);
  const remove = async () => {
    await post('/samples/delete', { ids: [...selected] });
    setSelected(new Set());
    setVersion((v) => v + 1);
  };
  const n = selected.size;
  return [
    tab === 'owned' && h('div', { class: 'bulk', 'aria-live': 'polite' },
      h('span', null, n === 0 ? 'Select samples to delete several at once.' : `${n} selected`),
      n > 0 && h(ConfirmButton, { id: 'delete-samples', label: `Delete ${n} sample${n > 1 ? 's' : ''}`,
        title: `Delete ${n} sample${n > 1 ? 's' : ''}?`,
        message: 'Their reads and other data files are deleted with them. Executions that used them stay. This cannot be undone.',
        confirmLabel: 'Delete', busyLabel: 'Deleting…', onConfirm: remove })),
    error && h(ErrorNotice, { error }),
    loading && !data && h(Loading, { what: 'the samples' }),
    data && (data.count === 0
      ? h('p', { class: 'empty' }, filtered ? 'No sample matches these filters.' : EMPTY[tab])
      : [h(SamplesTable, { samples: data.samples, caption: TABS.find(([k]) => k === tab)[1], loading,
          selected, onSelected: tab === 'owned' ? setSelected : null }),
        h(Pager, { count: data.count, capped: data.count_capped, offset, limit: LIMIT, onOffset: setOffset, label: 'Samples' })]),
  ];
}

export function SamplesPage({ query }) {
  const tab = currentTab(query, TABS);
  const vocabularies = useVocabularies();
  const [text, setText] = useState('');
  const [organism, setOrganism] = useState('');
  const [type, setType] = useState('');
  const filter = useSettled(text.trim());
  const filters = { filter, organism, ...(tab === 'public' ? { sample_type: type } : {}) };
  return h(Page, { title: 'Samples', actions: h(Link, { href: '/app/samples/new', class: 'button' }, 'New sample') },
    h(Tabs, { label: 'Whose samples', path: '/app/samples', tabs: TABS, current: tab }),
    h('div', { class: 'toolbar filters' },
      h(FilterBox, { id: 'sample-filter', label: 'Name', placeholder: 'Part of the name', value: text, onValue: setText }),
      h(FilterSelect, { id: 'sample-organism', label: 'Organism', value: organism, onValue: setOrganism,
        options: options(vocabularies, 'organism', 'Any organism') }),
      tab === 'public' && h(FilterSelect, { id: 'sample-type', label: 'Sample type', value: type, onValue: setType,
        options: options(vocabularies, 'sample_type', 'Any type') })),
    vocabularies.error && h(ErrorNotice, { error: vocabularies.error }),
    // a new tab or filter starts again at the first page, with nothing selected
    h(Listing, { key: JSON.stringify([tab, filters]), tab, filters }));
}
