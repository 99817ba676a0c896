// Executions: the caller's own (GET /executions/owned), those shared with them (GET /executions/shared) and every one
// they may read (GET /executions/search, the only one that filters by name). Filtered by state and pipeline
// everywhere; paged, newest first (the API's only order). The caller's own finished ones can be deleted several at
// once (POST /executions/delete, all or none).
import { h, useState } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { Link } from '../../core/router.js';
import { formatDateTime } from '../../core/format.js';
import { ErrorNotice, Loading, Page, Pager, TableWrap, useLoad } from '../../components/page.js';
import { currentTab, FilterBox, FilterSelect, Tabs, useSettled } from '../../components/listing.js';
import { ConfirmButton } from '../../components/confirm.js';
import { FINISHED, STATUSES, StatusBadge } from './status.js';

const LIMIT = 25;
const TABS = [['owned', 'Mine'], ['shared', 'Shared with me'], ['all', 'All I can read']];
const EMPTY = { owned: 'You have not run a pipeline yet.', shared: 'No execution is shared with you.',
  all: 'There is no execution you may read.' };

function load(tab, query) {
  return get(tab === 'all' ? '/executions/search' : '/executions/' + tab, query);
}

function ExecutionsTable({ executions, caption, loading, selected, onSelected }) {
  const selecting = !!onSelected;
  // running ones cannot be deleted (the API refuses): they cannot be selected
  const deletable = executions.filter((e) => FINISHED.has(e.status));
  const toggle = (id) => (e) => {
    const next = new Set(selected);
    if (e.currentTarget.checked) next.add(id); else next.delete(id);
    onSelected(next);
  };
  const allChecked = selecting && deletable.length > 0 && deletable.every((e) => selected.has(e.id));
  const toggleAll = (e) => {
    const next = new Set(selected);
    for (const x of deletable) if (e.currentTarget.checked) next.add(x.id); else next.delete(x.id);
    onSelected(next);
  };
  return h(TableWrap, null,
    h('table', { class: 'table', 'aria-busy': loading ? 'true' : 'false' },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', null, h('tr', null,
        selecting && h('th', { scope: 'col', class: 'select' },
          h('input', { type: 'checkbox', checked: allChecked, onChange: toggleAll, disabled: deletable.length === 0,
            'aria-label': 'Select every finished execution on this page' })),
        ['Name', 'Pipeline', 'Status', 'Owner', 'Submitted'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, executions.map((e) => h('tr', null,
        selecting && h('td', { class: 'select' },
          h('input', { type: 'checkbox', checked: selected.has(e.id), onChange: toggle(e.id), disabled: !FINISHED.has(e.status),
            'aria-label': 'Select ' + e.name, title: FINISHED.has(e.status) ? undefined : 'Cancel it first to delete it' })),
        h('td', null, h(Link, { href: '/app/executions/' + e.id }, e.name)),
        h('td', null, [e.pipeline, e.pipeline_version].filter(Boolean).join(' ') || '—'),
        h('td', null, h(StatusBadge, { status: e.status }), e.status === 'running' && h('span', { class: 'muted' }, ` ${e.progress} %`)),
        h('td', null, e.owner.username),
        h('td', null, formatDateTime(e.created)))))));
}

function Listing({ tab, filters }) {
  const [offset, setOffset] = useState(0);
  const [version, setVersion] = useState(0);
  const [selected, setSelected] = useState(new Set());
  const { data, error, loading } = useLoad(() => load(tab, { limit: LIMIT, offset, ...filters }), [offset, version]);
  const filtered = Object.values(filters).some((v) => v);
  const remove = async () => {
    await post('/executions/delete', { ids: [...selected] });
    setSelected(new Set());
    setVersion((v) => v + 1);
  };
  const n = selected.size;
  const plural = `${n} execution${n > 1 ? 's' : ''}`;
  return [
    tab === 'owned' && h('div', { class: 'bulk', 'aria-live': 'polite' },
      h('span', null, n === 0 ? 'Select finished executions to delete several at once.' : `${n} selected`),
      n > 0 && h(ConfirmButton, { id: 'delete-executions', label: 'Delete ' + plural, title: `Delete ${plural}?`,
        message: 'Their logs and outputs are deleted with them; their inputs stay. This cannot be undone.',
        confirmLabel: 'Delete', busyLabel: 'Deleting…', onConfirm: remove })),
    error && h(ErrorNotice, { error }),
    loading && !data && h(Loading, { what: 'the executions' }),
    data && (data.count === 0
      ? h('p', { class: 'empty' }, filtered ? 'No execution matches these filters.' : EMPTY[tab])
      : [h(ExecutionsTable, { executions: data.executions, caption: TABS.find(([k]) => k === tab)[1], loading,
          selected, onSelected: tab === 'owned' ? setSelected : null }),
        h(Pager, { count: data.count, capped: data.count_capped, offset, limit: LIMIT, onOffset: setOffset, label: 'Executions' })]),
  ];
}

/** [id, name] of every pipeline in the catalogue (GET /pipelines), for the pipeline filter. */
function pipelineOptions(catalogue) {
  if (!catalogue.data) return [['', 'Loading…']];
  const pipelines = catalogue.data.categories.flatMap((c) => c.pipelines).sort((a, b) => a.name.localeCompare(b.name));
  return [['', 'Any pipeline'], ...pipelines.map((p) => [String(p.id), p.name])];
}

export function ExecutionsPage({ query }) {
  const tab = currentTab(query, TABS);
  const catalogue = useLoad(() => get('/pipelines'), []);
  const [text, setText] = useState('');
  const [status, setStatus] = useState('');
  const [pipeline, setPipeline] = useState('');
  const filter = useSettled(text.trim());
  const filters = { status, pipeline, ...(tab === 'all' ? { filter } : {}) };
  return h(Page, { title: 'Executions' },
    h(Tabs, { label: 'Whose executions', path: '/app/executions', tabs: TABS, current: tab }),
    h('div', { class: 'toolbar filters' },
      tab === 'all' && h(FilterBox, { id: 'execution-filter', label: 'Name', placeholder: 'Part of the name', value: text, onValue: setText }),
      h(FilterSelect, { id: 'execution-status', label: 'Status', value: status, onValue: setStatus,
        options: [['', 'Any status'], ...STATUSES] }),
      h(FilterSelect, { id: 'execution-pipeline', label: 'Pipeline', value: pipeline, onValue: setPipeline, options: pipelineOptions(catalogue) })),
    catalogue.error && h(ErrorNotice, { error: catalogue.error }),
    // a new tab or filter starts again at the first page, with nothing selected
    h(Listing, { key: JSON.stringify([tab, filters]), tab, filters }));
}
