// The project's samples by metadata key: the lab's attributes (GET /samples/metadata) that apply, then the keys the
// samples have. Editors change cells in place and save the changed ones in one POST /projects/{id}/metadata, whose
// refusal names the cell (samples.<i>.metadata.<key>); readers see the values.
import { h, useState, useEffect } from '../../core/html.js';
import { ApiError, get, post } from '../../core/api.js';
import { sentence } from '../../core/format.js';
import { setLeaveGuard } from '../../core/router.js';
import { ErrorNotice, Loading, Pager, TableWrap, useLoad } from '../../components/page.js';

const LIMIT = 25;
const plural = (n, what) => `${n} ${what}${n === 1 ? '' : 's'}`;

// the project's sample listing has no metadata: each sample of the page is read
async function loadPage(id, offset) {
  const [listed, defined] = await Promise.all([get(`/projects/${id}/samples`, { limit: LIMIT, offset }), get('/samples/metadata')]);
  const samples = await Promise.all(listed.samples.map((s) => get('/samples/' + s.id)));
  const types = new Set(samples.map((s) => s.sample_type));
  const used = new Set(samples.flatMap((s) => Object.keys(s.metadata)));
  // an attribute applies when it is for every type, linked to a type these samples have, or used
  const attributes = defined.attributes.filter((a) => !a.built_in && (a.required || a.sample_type_links.length === 0
    || a.sample_type_links.some((l) => types.has(l.sample_type_identifier)) || used.has(a.identifier)));
  attributes.forEach((a) => used.delete(a.identifier));
  return { count: listed.count, samples, columns: [...attributes.map((a) => ({ key: a.identifier, name: a.name, options: a.options })),
    ...[...used].sort().map((key) => ({ key, name: key, options: [] }))] };
}

function Cell({ sample, column, value, changed, error, onValue }) {
  const id = `cell-${sample.id}-${column.key}`;
  const props = { id, value, 'aria-label': `${column.name} of ${sample.name}`, 'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': error ? id + '-error' : undefined };
  // a value the options no longer offer stays as it is
  const choices = column.options.length > 0 && [...new Set(['', value, ...column.options])];
  return h('td', { class: 'cell' + (changed ? ' changed' : '') + (error ? ' has-error' : '') },
    choices ? h('select', { ...props, onChange: (e) => onValue(e.currentTarget.value) }, choices.map((o) => h('option', { value: o }, o || '—')))
      : h('input', { ...props, onInput: (e) => onValue(e.currentTarget.value) }),
    error && h('p', { class: 'field-error', id: id + '-error' }, sentence(error)));
}

export function MetadataTable({ project, version }) {
  const editable = project.permissions.can_edit;
  const [offset, setOffset] = useState(0);
  const [saved, setSaved] = useState(0);
  const [edits, setEdits] = useState({}); // unsaved values by sample id and key
  const [error, setError] = useState(null); // the last save's: { message, sample, key }
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const page = useLoad(() => loadPage(project.id, offset), [project.id, offset, saved, version]);
  const changes = Object.values(edits).reduce((n, e) => n + Object.keys(e).length, 0);

  useEffect(() => {
    if (!changes) return undefined;
    const warn = (e) => e.preventDefault();
    addEventListener('beforeunload', warn);
    setLeaveGuard(() => `Leave without saving ${plural(changes, 'metadata change')}?`);
    return () => {
      removeEventListener('beforeunload', warn);
      setLeaveGuard(null);
    };
  }, [changes]);

  const { data } = page;
  if (page.error) return h(ErrorNotice, { error: page.error });
  if (!data) return h(Loading, { what: 'the metadata' });
  const stored = (s, key) => s.metadata[key] ?? '';
  const change = (s, key) => (value) => {
    setStatus('');
    setEdits((all) => {
      const mine = { ...all[s.id], [key]: value };
      if (value === stored(s, key)) delete mine[key];
      return { ...all, [s.id]: mine };
    });
  };

  const save = async (event) => {
    event.preventDefault();
    // a blank value removes the key (null)
    const sent = Object.entries(edits).filter(([, e]) => Object.keys(e).length)
      .map(([id, e]) => ({ id: Number(id), metadata: Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v.trim() || null])) }));
    setBusy(true);
    setError(null);
    try {
      const answer = await post(`/projects/${project.id}/metadata`, { samples: sent });
      setEdits({});
      setStatus(`Saved the metadata of ${plural(answer.updated, 'sample')}.`);
      setSaved((n) => n + 1);
    } catch (e) {
      const named = e instanceof ApiError && /^samples\.(\d+)\.metadata\.(.+)$/.exec(e.field || '');
      const sample = named && data.samples.find((s) => s.id === sent[named[1]]?.id);
      if (sample) {
        setError({ message: 'Nothing was saved: correct the marked value.', sample: sample.id, key: named[2], cell: e.message.slice(e.field.length + 2) });
        setTimeout(() => document.getElementById(`cell-${sample.id}-${named[2]}`)?.focus());
      } else setError({ message: e.message });
    } finally {
      setBusy(false);
    }
  };

  const table = h(TableWrap, null,
    h('table', { class: 'table metadata-table', 'aria-busy': page.loading ? 'true' : 'false' },
      h('caption', { class: 'visually-hidden' }, 'Metadata of the samples'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Sample'), data.columns.map((c) => h('th', { scope: 'col' }, c.name)))),
      h('tbody', null, data.samples.map((s) => h('tr', null, h('th', { scope: 'row' }, s.name), data.columns.map((c) => {
        const edited = c.key in (edits[s.id] || {});
        return editable ? h(Cell, { sample: s, column: c, value: edited ? edits[s.id][c.key] : stored(s, c.key), changed: edited,
          error: error?.sample === s.id && error.key === c.key && error.cell, onValue: change(s, c.key) })
          : h('td', { class: 'wrap' }, stored(s, c.key) || '—');
      }))))));
  const pager = h(Pager, { count: data.count, offset, limit: LIMIT, onOffset: setOffset, label: 'Metadata' });
  if (!data.columns.length) return h('p', { class: 'empty' }, 'These samples have no metadata, and no attribute of the lab applies to them.');
  if (!editable) return [table, pager];
  return h('form', { class: 'metadata-form', onSubmit: save },
    error && h('p', { class: 'form-error', role: 'alert' }, sentence(error.message)),
    table, pager,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button', disabled: busy || !changes }, busy ? 'Saving…' : 'Save changes'),
      h('span', { class: 'metadata-status', role: 'status' }, changes ? plural(changes, 'unsaved change') : status)));
}
