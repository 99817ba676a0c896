// What a run reads: samples (the caller's own, those shared with them, or every one they may read; filtered by name
// and organism, paged) and filesets (a sample's reads limited to one set of files: GET /filesets/search, only those
// holding files), picked with checkboxes. What is picked stays picked across pages and filters: a Map of id to name.
import { h, useState } from '../../core/html.js';
import { get } from '../../core/api.js';
import { formatDate, sentence } from '../../core/format.js';
import { Link } from '../../core/router.js';
import { ErrorNotice, Loading, Pager, TableWrap, useLoad } from '../../components/page.js';
import { FilterBox, FilterSelect, useSettled } from '../../components/listing.js';
import { SamplesTable } from '../../components/samples-table.js';

const LIMIT = 10;
const SOURCES = [['owned', 'Mine'], ['shared', 'Shared with me'], ['search', 'All I can read']];
const NONE = { owned: 'You have no sample yet.', shared: 'No sample is shared with you.', search: 'There is no sample you may read.' };

/** `picked` with the rows of `rows` checked in `ids` and the others of `rows` unchecked; named by `name(row)`. */
function repick(picked, rows, ids, name) {
  const next = new Map(picked);
  for (const row of rows) if (ids.has(row.id)) next.set(row.id, name(row)); else next.delete(row.id);
  return next;
}

function SampleRows({ source, filters, picked, onPicked }) {
  const [offset, setOffset] = useState(0);
  const { data, error, loading } = useLoad(() => get('/samples/' + source, { limit: LIMIT, offset, ...filters }), [offset]);
  if (error) return h(ErrorNotice, { error });
  if (!data) return h(Loading, { what: 'the samples' });
  if (data.count === 0) return h('p', { class: 'empty' }, Object.values(filters).some((v) => v) ? 'No sample matches these filters.' : NONE[source]);
  return [
    h(SamplesTable, { samples: data.samples, caption: 'Samples to run on', loading, selected: new Set(picked.keys()),
      onSelected: (ids) => onPicked(repick(picked, data.samples, ids, (s) => s.name)) }),
    h(Pager, { count: data.count, capped: data.count_capped, offset, limit: LIMIT, onOffset: setOffset, label: 'Samples' }),
  ];
}

function SamplePicker({ picked, onPicked }) {
  const organisms = useLoad(() => get('/organisms'), []);
  const [source, setSource] = useState('owned');
  const [text, setText] = useState('');
  const [organism, setOrganism] = useState('');
  const filters = { filter: useSettled(text.trim()), organism };
  return [
    h('div', { class: 'toolbar filters' },
      h(FilterSelect, { id: 'run-sample-source', label: 'Samples', value: source, onValue: setSource, options: SOURCES }),
      h(FilterBox, { id: 'run-sample-filter', label: 'Name', placeholder: 'Part of the name', value: text, onValue: setText }),
      h(FilterSelect, { id: 'run-sample-organism', label: 'Organism', value: organism, onValue: setOrganism,
        options: [['', organisms.data ? 'Any organism' : 'Loading…'], ...(organisms.data?.organisms || []).map((o) => [o.id, o.name])] })),
    organisms.error && h(ErrorNotice, { error: organisms.error }),
    // a new source or filter starts again at the first page; what is picked stays
    h(SampleRows, { key: JSON.stringify([source, filters]), source, filters, picked, onPicked }),
  ];
}

function FilesetPicker({ picked, onPicked }) {
  const [offset, setOffset] = useState(0);
  const { data, error, loading } = useLoad(() => get('/filesets/search', { limit: LIMIT, offset, has_data: 'true' }), [offset]);
  if (error) return h(ErrorNotice, { error });
  if (!data) return h(Loading, { what: 'the filesets' });
  if (data.count === 0) return h('p', { class: 'empty' }, 'There is no fileset with files that you may read.');
  const name = (f) => f.sample.name + ': ' + f.name;
  const toggle = (f) => (e) => {
    const next = new Map(picked);
    if (e.currentTarget.checked) next.set(f.id, name(f)); else next.delete(f.id);
    onPicked(next);
  };
  return [
    h(TableWrap, null, h('table', { class: 'table', 'aria-busy': loading ? 'true' : 'false' },
      h('caption', { class: 'visually-hidden' }, 'Filesets to run on'),
      h('thead', null, h('tr', null, h('th', { scope: 'col', class: 'select' }, h('span', { class: 'visually-hidden' }, 'Selected')),
        h('th', { scope: 'col' }, 'Sample'), h('th', { scope: 'col' }, 'Fileset'),
        h('th', { scope: 'col', class: 'num' }, 'Files'), h('th', { scope: 'col' }, 'Created'))),
      h('tbody', null, data.filesets.map((f) => h('tr', null,
        h('td', { class: 'select' }, h('input', { type: 'checkbox', checked: picked.has(f.id), onChange: toggle(f), 'aria-label': 'Select ' + name(f) })),
        h('td', null, h(Link, { href: '/app/samples/' + f.sample.id }, f.sample.name)),
        h('td', null, f.name), h('td', { class: 'num' }, f.data_count), h('td', null, formatDate(f.created))))))),
    h(Pager, { count: data.count, capped: data.count_capped, offset, limit: LIMIT, onOffset: setOffset, label: 'Filesets' }),
  ];
}

/** The first step of a run: samples and filesets picked (`inputs`: { samples, filesets }, Maps of id to name). */
export function InputsStep({ inputs, onInputs, error }) {
  const set = (kind) => (picked) => onInputs((i) => ({ ...i, [kind]: picked }));
  const n = inputs.samples.size;
  const m = inputs.filesets.size;
  // open at first when filesets are picked (back from a later step); then as the user leaves it
  const [filesetsOpen] = useState(m > 0);
  return [
    h('p', { class: 'lead' }, 'Pick the samples whose reads the run takes, or filesets (a sample\'s reads limited to one set of files).'),
    h('p', { class: 'picked' + (error ? ' field-error' : ''), id: 'run-inputs', tabIndex: -1, 'aria-live': 'polite' },
      error ? sentence(error) : `${n} sample${n === 1 ? '' : 's'} and ${m} fileset${m === 1 ? '' : 's'} picked.`),
    h(SamplePicker, { picked: inputs.samples, onPicked: set('samples') }),
    h('details', { class: 'filesets', open: filesetsOpen },
      h('summary', null, 'Filesets'),
      h(FilesetPicker, { picked: inputs.filesets, onPicked: set('filesets') })),
  ];
}
