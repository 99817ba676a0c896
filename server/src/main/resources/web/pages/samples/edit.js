// A new sample (POST /samples/new) and a sample's changes (POST /samples/{id}/edit), in one form: the project and the
// vocabularies as selects, and the metadata as rows of key and value. A new sample may be asked for from a project's
// page (?project=ID), which chooses that project.
import { h, useRef } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { Field, FormError, SelectField, useForm } from '../../core/form.js';
import { navigate } from '../../core/router.js';
import { sentence } from '../../core/format.js';
import { ErrorNotice, Loading, Page, useLoad } from '../../components/page.js';
import { NotFoundPage } from '../notfound.js';
import { options, useVocabularies } from './vocabularies.js';

const VOCABULARIES = [['organism', 'Organism', 'None'], ['sample_type', 'Sample type', 'None'], ['source', 'Source', 'None'],
  ['purification_target', 'Purification target', 'None']];
// the caller's own projects fill the project select: the first page of them, the most the API gives at once
const PROJECTS = 100;

/** The projects a sample may be put in, as select options, with `current` ([id, name]) among them when it is not. */
function useProjects(current) {
  return useLoad(async () => {
    const owned = (await get('/projects/owned', { limit: PROJECTS })).projects.map((p) => [String(p.id), p.name]);
    return current && !owned.some(([id]) => id === current[0]) ? [current, ...owned] : owned;
  }, []);
}

function MetadataRows({ rows, onRows, error }) {
  const next = useRef(rows.length);
  const change = (i, part) => (e) => {
    const value = e.currentTarget.value;
    onRows(rows.map((r, j) => (j === i ? { ...r, [part]: value } : r)));
  };
  const add = () => onRows([...rows, { id: next.current++, key: '', value: '' }]);
  return h('fieldset', { class: 'field metadata' + (error ? ' has-error' : ''), id: 'field-metadata', tabIndex: -1,
    'aria-describedby': error ? 'field-metadata-error' : undefined },
    h('legend', null, 'Metadata'),
    rows.length === 0 && h('p', { class: 'hint' }, 'No metadata yet.'),
    rows.map((r, i) => h('div', { class: 'metadata-row', key: r.id },
      h('input', { 'aria-label': `Key ${i + 1}`, placeholder: 'Key', value: r.key, onInput: change(i, 'key'), maxLength: 100 }),
      h('input', { 'aria-label': `Value ${i + 1}`, placeholder: 'Value', value: r.value, onInput: change(i, 'value') }),
      h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Remove row ${i + 1}`,
        onClick: () => onRows(rows.filter((_, j) => j !== i)) }, 'Remove'))),
    h('button', { type: 'button', class: 'button secondary small', id: 'metadata-add', onClick: add }, 'Add a metadata row'),
    error && h('p', { class: 'field-error', id: 'field-metadata-error' }, sentence(error)));
}

function rowsOf(metadata) {
  return Object.keys(metadata).sort().map((key, id) => ({ id, key, value: metadata[key] }));
}

/** The rows as the API's metadata: each key set to its value; with `before`, the keys no longer there removed (null). */
function metadataOf(rows, before = {}) {
  const metadata = {};
  for (const key of Object.keys(before)) metadata[key] = null;
  for (const r of rows) if (r.key.trim()) metadata[r.key.trim()] = r.value;
  return metadata;
}

/** The form, from its `initial` values; `canMove` false leaves the project out (only the owner level moves a sample). */
function SampleForm({ initial, projects, canMove = true, submitLabel, busyLabel, send }) {
  const form = useForm(initial);
  const vocabularies = useVocabularies();
  const loadError = vocabularies.error || projects.error;
  return h('form', { class: 'card form wide', onSubmit: form.submit(send), novalidate: true },
    h(FormError, { message: form.general || (loadError && 'The choices cannot be loaded: ' + loadError.message) }),
    h(Field, { label: 'Name', ...form.field('name'), required: true, maxLength: 200 }),
    canMove && h(SelectField, { label: 'Project', ...form.field('project'),
      options: [['', projects.data ? 'No project' : 'Loading…'], ...(projects.data || [])] }),
    h('div', { class: 'field-row' }, VOCABULARIES.map(([name, label, blank]) =>
      h(SelectField, { label, ...form.field(name), options: options(vocabularies, name, blank) }))),
    h('div', { class: 'field-row' },
      h(Field, { label: 'Condition', ...form.field('condition'), maxLength: 200 }),
      h(Field, { label: 'Replicate group', ...form.field('replicate_group'), maxLength: 200 })),
    h(MetadataRows, { rows: form.values.metadata, onRows: (rows) => form.setValues((v) => ({ ...v, metadata: rows })), error: form.errors.metadata }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? busyLabel : submitLabel),
      h('button', { type: 'button', class: 'button secondary', onClick: () => history.back() }, 'Cancel')));
}

const FIELDS = ['name', 'organism', 'sample_type', 'source', 'purification_target', 'condition', 'replicate_group'];

function NewSampleForm({ project }) {
  const projects = useProjects(project && [String(project.id), project.name]);
  const send = async (values) => {
    const body = Object.fromEntries(FIELDS.map((f) => [f, values[f]]));
    const sample = await post('/samples/new', { ...body, project: values.project ? Number(values.project) : null,
      metadata: metadataOf(values.metadata) });
    navigate('/app/samples/' + sample.id, { replace: true });
  };
  const initial = { ...Object.fromEntries(FIELDS.map((f) => [f, ''])), project: project ? String(project.id) : '', metadata: [] };
  return h(SampleForm, { initial, projects, submitLabel: 'Create sample', busyLabel: 'Creating…', send });
}

export function NewSamplePage({ query }) {
  const project = query.get('project') || '';
  // the project asked for may be one shared with the caller: its name comes from its page
  const named = useLoad(() => (project ? get('/projects/' + project) : Promise.resolve(null)), [project]);
  if (named.loading) return h(Page, { title: 'New sample' }, h(Loading, { what: 'the project' }));
  return h(Page, { title: 'New sample' },
    named.error && h(ErrorNotice, { error: named.error }),
    h(NewSampleForm, { project: named.data }));
}

function EditForm({ sample }) {
  const projects = useProjects(sample.project && [String(sample.project.id), sample.project.name]);
  const before = sample.project ? String(sample.project.id) : '';
  const initial = { ...Object.fromEntries(FIELDS.map((f) => [f, sample[f] || ''])), project: before, metadata: rowsOf(sample.metadata) };
  const send = async (values) => {
    const body = Object.fromEntries(FIELDS.map((f) => [f, values[f]]));
    // only a move is sent as a project: the API lets only the owner level move a sample (0: out of its project)
    if (values.project !== before) body.project = values.project ? Number(values.project) : 0;
    await post(`/samples/${sample.id}/edit`, { ...body, metadata: metadataOf(values.metadata, sample.metadata) });
    navigate('/app/samples/' + sample.id, { replace: true });
  };
  return h(SampleForm, { initial, projects, canMove: sample.permissions.can_delete,
    submitLabel: 'Save changes', busyLabel: 'Saving…', send });
}

export function EditSamplePage({ params }) {
  const { data: sample, error } = useLoad(() => get('/samples/' + params.id), [params.id]);
  if (error?.status === 404) return h(NotFoundPage);
  if (error) return h(Page, { title: 'Edit sample' }, h(ErrorNotice, { error }));
  if (!sample) return h(Page, { title: 'Edit sample' }, h(Loading, { what: 'the sample' }));
  if (!sample.permissions.can_edit) return h(Page, { title: 'Edit ' + sample.name }, h('p', null, 'You may read this sample but not change it.'));
  return h(Page, { title: 'Edit ' + sample.name }, h(EditForm, { sample }));
}
