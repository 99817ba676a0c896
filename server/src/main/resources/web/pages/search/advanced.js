// The advanced searches, /app/search/KIND: one page over GET /KIND/search for every kind, driven by its description
// below (filters, result columns). The filters are the API's parameters, named and valued as there, and live in the
// address with the offset: a search is a link, and a reload or going back shows it again. Newest first (the API's order).
import { h, useState, useEffect } from '../../core/html.js';
import { get } from '../../core/api.js';
import { Link, navigate } from '../../core/router.js';
import { formatBytes, formatCount, formatDate, formatDateTime, sentence } from '../../core/format.js';
import { ErrorNotice, Loading, Page, Pager, TableWrap, useLoad } from '../../components/page.js';
import { STATUSES, StatusBadge } from '../executions/status.js';
import { NotFoundPage } from '../notfound.js';

const LIMIT = 25;
const MB = 1e6;

// A filter: `name` is the API's parameter; with `options(GET /search/info)` a select (`any`: no filter), else an input
// of `type` ('megabytes': typed in MB, given to the API in bytes).
const text = (label) => ({ name: 'filter', label, type: 'search' });
const AFTER = { name: 'created_after', label: 'Created on or after', type: 'date' };
const BEFORE = { name: 'created_before', label: 'Created before', type: 'date' };
const ORGANISM = { name: 'organism', label: 'Organism', any: 'Any organism', options: (i) => i.organisms.map((o) => [o.id, o.name]) };
const yesNo = (name, label, yes, no) => ({ name, label, any: 'Either', options: () => [['true', yes], ['false', no]] });

const link = (href, text) => h(Link, { href }, text);
const owner = ['Owner', (x) => x.owner.username];

/** Each kind: title, the API's search and its results' key, filters, columns as [heading, cell(item), class]. */
export const KINDS = {
  projects: {
    title: 'Projects', endpoint: '/projects/search', items: 'projects',
    filters: [text('Name or description'), ORGANISM, yesNo('has_samples', 'Samples', 'With samples', 'Without samples'), AFTER, BEFORE],
    columns: [['Name', (p) => link('/app/projects/' + p.id, p.name)], ['Organism', (p) => p.organism || '—'],
      ['Samples', (p) => formatCount(p.sample_count), 'num'], ['Visibility', (p) => (p.is_public ? 'Public' : 'Private')],
      owner, ['Created', (p) => formatDate(p.created)]],
  },
  samples: {
    title: 'Samples', endpoint: '/samples/search', items: 'samples',
    filters: [text('Name'), ORGANISM,
      { name: 'sample_type', label: 'Sample type', any: 'Any type', options: (i) => i.sample_types.map((t) => [t, t]) }, AFTER, BEFORE],
    columns: [['Name', (s) => link('/app/samples/' + s.id, s.name)],
      ['Project', (s) => (s.project ? link('/app/projects/' + s.project.id, s.project.name) : '—')],
      ['Type', (s) => s.sample_type || '—'], ['Organism', (s) => s.organism || '—'], owner, ['Created', (s) => formatDate(s.created)]],
  },
  data: {
    title: 'Data', endpoint: '/data/search', items: 'data',
    filters: [text('Filename'), { name: 'pattern', label: 'Filename pattern (* and ?)', type: 'text', placeholder: '*_R1*.fastq.gz' },
      { name: 'data_type', label: 'Data type', any: 'Any type', options: (i) => i.data_types.map((t) => [t, t]) },
      { name: 'size_min', label: 'At least (MB)', type: 'megabytes' }, { name: 'size_max', label: 'At most (MB)', type: 'megabytes' },
      AFTER, BEFORE],
    columns: [['File', (d) => link('/app/data/' + d.id, d.filename)], ['Type', (d) => d.data_type || '—'],
      ['Size', (d) => formatBytes(d.size), 'num'], ['Sample', (d) => (d.sample ? link('/app/samples/' + d.sample.id, d.sample.name) : '—')],
      ['Created', (d) => formatDate(d.created)]],
  },
  executions: {
    title: 'Executions', endpoint: '/executions/search', items: 'executions',
    filters: [text('Name'), { name: 'status', label: 'Status', any: 'Any status', options: () => STATUSES },
      { name: 'pipeline', label: 'Pipeline', any: 'Any pipeline', options: (i) => i.pipelines.map((p) => [String(p.id), p.name]) },
      AFTER, BEFORE],
    columns: [['Name', (e) => link('/app/executions/' + e.id, e.name)],
      ['Pipeline', (e) => [e.pipeline, e.pipeline_version].filter(Boolean).join(' ') || '—'],
      ['Status', (e) => h(StatusBadge, { status: e.status })], owner, ['Submitted', (e) => formatDateTime(e.created)]],
  },
  filesets: {
    title: 'Filesets', endpoint: '/filesets/search', items: 'filesets',
    filters: [text('Name'), yesNo('has_data', 'Files', 'With files', 'Without files')],
    columns: [['Name', (f) => f.name], ['Sample', (f) => link('/app/samples/' + f.sample.id, f.sample.name)],
      ['Files', (f) => formatCount(f.data_count), 'num'], ['Created', (f) => formatDate(f.created)]],
  },
};

/** The search pages' tabs: the quick search, then each kind's; the text carried along. */
export function SearchTabs({ current, text = '' }) {
  const tabs = [['all', 'Everything', '/app/search' + (text ? '?q=' + encodeURIComponent(text) : '')],
    ...Object.entries(KINDS).map(([key, kind]) => [key, kind.title, '/app/search/' + key + (text ? '?filter=' + encodeURIComponent(text) : '')])];
  return h('nav', { class: 'tabs', 'aria-label': 'What to search' },
    h('ul', null, tabs.map(([key, title, href]) => h('li', null,
      h(Link, { href, 'aria-current': key === current ? 'page' : undefined }, title)))));
}

// A filter's value in its field and in the address (the API's): they differ for sizes only.
function shown(filter, value) {
  return filter.type === 'megabytes' && /^\d+$/.test(value) ? String(Number(value) / MB) : value;
}

function given(filter, value) {
  const v = value.trim();
  return filter.type === 'megabytes' && v !== '' && Number.isFinite(Number(v)) ? String(Math.round(Number(v) * MB)) : v;
}

function address(key, values, offset = 0) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== '') query.set(name, value);
  if (offset > 0) query.set('offset', offset);
  const qs = query.toString();
  return '/app/search/' + key + (qs ? '?' + qs : '');
}

/** The filters' form, following the address; a select searches at once, typed fields when sent (not half-typed). */
function FilterForm({ kindKey, kind, values, info, error }) {
  const [draft, setDraft] = useState(values);
  useEffect(() => setDraft(values), [JSON.stringify(values)]);
  const search = (next) => navigate(address(kindKey, Object.fromEntries(kind.filters.map((f) => [f.name, given(f, next[f.name])]))));
  const set = (name, value, now) => {
    const next = { ...draft, [name]: value };
    setDraft(next);
    if (now) search(next);
  };
  const field = (f) => {
    const id = 'search-' + f.name;
    // the API's refusal of this filter, beside it
    const wrong = error?.field === f.name;
    const aria = { 'aria-invalid': wrong ? 'true' : undefined, 'aria-describedby': wrong ? id + '-error' : undefined };
    const control = f.options
      ? h('select', { id, ...aria, value: draft[f.name], onChange: (e) => set(f.name, e.currentTarget.value, true) },
        h('option', { value: '' }, info.data ? f.any : 'Loading…'),
        (info.data ? f.options(info.data) : []).map(([v, t]) => h('option', { value: v }, t)))
      : h('input', { id, ...aria, type: f.type === 'megabytes' ? 'number' : f.type, min: f.type === 'megabytes' ? 0 : undefined,
        step: f.type === 'megabytes' ? 'any' : undefined, placeholder: f.placeholder, maxLength: f.type === 'date' ? undefined : 200,
        value: draft[f.name], onInput: (e) => set(f.name, e.currentTarget.value, false) });
    return h('div', { class: wrong ? 'filter has-error' : 'filter' }, h('label', { for: id }, f.label), control,
      wrong && h('p', { class: 'field-error', id: id + '-error' }, sentence(error.fieldMessage)));
  };
  const filtered = Object.values(values).some((v) => v !== '');
  return h('form', { class: 'toolbar filters', role: 'search', 'aria-label': 'Search ' + kind.title.toLowerCase(),
    onSubmit: (e) => { e.preventDefault(); search(draft); } },
    kind.filters.map(field),
    h('div', { class: 'search-actions' },
      h('button', { type: 'submit', class: 'button' }, 'Search'),
      filtered && h(Link, { href: '/app/search/' + kindKey, class: 'button secondary' }, 'Clear')));
}

function Results({ kindKey, kind, values, offset, answer: { data, error, loading } }) {
  if (error) return kind.filters.some((f) => f.name === error.field) ? null : h(ErrorNotice, { error });
  // until the answer comes, or while the previous kind's is still the last one
  const items = data?.[kind.items];
  if (!items) return h(Loading, { what: 'the ' + kind.title.toLowerCase() });
  const filtered = Object.values(values).some((v) => v !== '');
  return [
    h('p', { role: 'status', class: 'search-count' }, data.count === 0
      ? (filtered ? 'Nothing you may read matches these filters.' : `There are no ${kind.title.toLowerCase()} you may read.`)
      : `${formatCount(data.count)}${data.count_capped ? '+' : ''} found, newest first.`),
    items.length > 0 && h(TableWrap, null,
      h('table', { class: 'table', 'aria-busy': loading ? 'true' : 'false' },
        h('caption', { class: 'visually-hidden' }, kind.title + ' found'),
        h('thead', null, h('tr', null, kind.columns.map(([heading, , cls]) => h('th', { scope: 'col', class: cls }, heading)))),
        h('tbody', null, items.map((item) => h('tr', null, kind.columns.map(([, cell, cls]) => h('td', { class: cls }, cell(item)))))))),
    h(Pager, { count: data.count, capped: data.count_capped, offset, limit: LIMIT, label: kind.title,
      onOffset: (o) => navigate(address(kindKey, values, o)) }),
  ];
}

export function AdvancedSearchPage({ params, query }) {
  const kindKey = params.kind;
  const kind = Object.hasOwn(KINDS, kindKey) ? KINDS[kindKey] : null;
  const filters = kind ? kind.filters : [];
  const values = Object.fromEntries(filters.map((f) => [f.name, query.get(f.name) || '']));
  const offset = Math.max(0, parseInt(query.get('offset'), 10) || 0);
  const info = useLoad(() => get('/search/info'), []);
  const answer = useLoad(() => (kind ? get(kind.endpoint, { ...values, limit: LIMIT, offset }) : Promise.resolve(null)),
    [kindKey, JSON.stringify(values), offset]);
  if (!kind) return h(NotFoundPage);
  const shownValues = Object.fromEntries(filters.map((f) => [f.name, shown(f, values[f.name])]));
  return h(Page, { title: 'Search ' + kind.title.toLowerCase() },
    h(SearchTabs, { current: kindKey, text: values.filter }),
    // another kind has other fields and answers
    h(FilterForm, { key: kindKey, kindKey, kind, values: shownValues, info, error: answer.error }),
    info.error && h(ErrorNotice, { error: info.error }),
    h(Results, { kindKey, kind, values, offset, answer }));
}
