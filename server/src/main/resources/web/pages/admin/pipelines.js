// Pipelines (site administrators): the catalogue (GET /pipelines) with forms for a new category
// (POST /pipelines/categories/new) and a new pipeline (POST /pipelines/new); a pipeline's page to edit it
// (POST /pipelines/{id}/edit), register a version from a directory on the server or a git URL
// (POST /pipelines/{id}/versions/new), and make a version latest or retire it (POST /pipelines/versions/{id}/edit).
import { h, useState } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { CheckField, Field, FormError, SelectField, useForm } from '../../core/form.js';
import { formatDate } from '../../core/format.js';
import { Link, navigate } from '../../core/router.js';
import { ErrorNotice, Loading, TableWrap, useLoad } from '../../components/page.js';
import { NotFoundPage } from '../notfound.js';
import { AdminPage } from './frame.js';

const PATH = '/app/admin/pipelines';

function NewCategory({ onCreated }) {
  // not 'name': the new pipeline's form beside it has that field (the API's errors on the name show above this form)
  const form = useForm({ category_name: '' });
  const send = async ({ category_name }) => {
    onCreated(await post('/pipelines/categories/new', { name: category_name.trim() }));
    form.setValues({ category_name: '' });
  };
  return h('form', { class: 'card form wide', id: 'new-category', onSubmit: form.submit(send), novalidate: true, 'aria-labelledby': 'new-category-title' },
    h('h2', { id: 'new-category-title' }, 'New category'),
    h(FormError, { message: form.general }),
    h(Field, { label: 'Name', ...form.field('category_name'), required: true, maxLength: 200, hint: 'e.g. RNA Analysis' }),
    h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Adding…' : 'Add category'));
}

const categoryOptions = (categories) => categories.map((c) => [String(c.id), c.name]);

/** The fields a pipeline is made and edited with; `category` holds the category's id as text. */
function PipelineFields({ form, categories }) {
  return [
    h(Field, { label: 'Name', ...form.field('name'), required: true, maxLength: 200 }),
    h(Field, { label: 'Description', ...form.field('description'), multiline: true, rows: 3, maxLength: 5000 }),
    h(SelectField, { label: 'Category', ...form.field('category'), options: [['', 'Choose…'], ...categoryOptions(categories)] }),
  ];
}

const pipelineBody = (v) => ({ name: v.name.trim(), description: v.description, category: v.category ? Number(v.category) : null });

function NewPipeline({ categories }) {
  const form = useForm({ name: '', description: '', category: '' });
  const send = async (values) => {
    if (!values.category) return form.fail('category', 'choose a category (or add one first)');
    const pipeline = await post('/pipelines/new', pipelineBody(values));
    navigate(`${PATH}/${pipeline.id}`);
  };
  return h('form', { class: 'card form wide', id: 'new-pipeline', onSubmit: form.submit(send), novalidate: true, 'aria-labelledby': 'new-pipeline-title' },
    h('h2', { id: 'new-pipeline-title' }, 'New pipeline'),
    h('p', { class: 'form-intro' }, 'Then register its versions on its page.'),
    h(FormError, { message: form.general }),
    h(PipelineFields, { form, categories }),
    h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Adding…' : 'Add pipeline'));
}

export function AdminPipelinesPage() {
  const [version, setVersion] = useState(0);
  const { data, error } = useLoad(() => get('/pipelines'), [version]);
  const reload = () => setVersion((v) => v + 1);
  const categories = data?.categories || [];
  return h(AdminPage, { title: 'Pipelines', path: PATH },
    error && h(ErrorNotice, { error }),
    !data && !error && h(Loading, { what: 'the pipelines' }),
    data && (categories.length === 0 ? h('p', { class: 'empty' }, 'There is no category yet: add one, then its pipelines.')
      : h(TableWrap, null,
        h('table', { class: 'table' },
          h('caption', { class: 'visually-hidden' }, 'Pipelines by category'),
          h('thead', null, h('tr', null, ['Pipeline', 'Category', 'Latest version', 'Versions'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', null, categories.flatMap((c) => (c.pipelines.length === 0
            ? [h('tr', null, h('td', { class: 'muted' }, 'No pipeline yet'), h('td', null, c.name), h('td', null, '—'), h('td', null, '0'))]
            : c.pipelines.map((p) => h('tr', null,
              h('td', null, h(Link, { href: `${PATH}/${p.id}` }, p.name)), h('td', null, c.name),
              h('td', null, p.versions.find((v) => v.is_latest)?.version || '—'), h('td', null, p.versions.length))))))))),
    h('div', { class: 'admin-forms' },
      h(NewPipeline, { categories }),
      h(NewCategory, { onCreated: reload })));
}

function EditPipeline({ pipeline, categories, onSaved }) {
  const form = useForm({ name: pipeline.name, description: pipeline.description, category: String(pipeline.category_id) });
  const [saved, setSaved] = useState(false);
  const send = async (values) => {
    setSaved(false);
    onSaved(await post(`/pipelines/${pipeline.id}/edit`, pipelineBody(values)));
    setSaved(true);
  };
  return h('form', { class: 'card form wide', id: 'edit-pipeline', onSubmit: form.submit(send), novalidate: true, 'aria-labelledby': 'edit-pipeline-title' },
    h('h2', { id: 'edit-pipeline-title' }, 'Pipeline'),
    h(FormError, { message: form.general }),
    h(PipelineFields, { form, categories }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Saving…' : 'Save'),
      saved && h('p', { class: 'saved', role: 'status' }, 'Saved.')));
}

const STYLES = [['samplesheet', 'Samplesheet: an nf-core samplesheet CSV'], ['reads_glob', "Reads glob: each sample's reads in one folder"]];

function NewVersion({ pipeline, onAdded }) {
  const initial = { version: '', source: '', revision: '', main_script: '', style: 'samplesheet', param: '', outdir_param: '',
    profiles: '', config: '', is_latest: true };
  const form = useForm(initial);
  const send = async (v) => {
    const blank = (s) => s.trim() || null;
    onAdded(await post(`/pipelines/${pipeline.id}/versions/new`, {
      version: v.version.trim(), source: v.source.trim(), revision: blank(v.revision), main_script: blank(v.main_script),
      input: { style: v.style, param: blank(v.param) }, outdir_param: blank(v.outdir_param),
      profiles: v.profiles.split(/[\s,]+/).filter(Boolean), config: v.config || null, is_latest: v.is_latest }));
    form.setValues(initial);
  };
  return h('form', { class: 'card form wide', id: 'new-version', onSubmit: form.submit(send), novalidate: true, 'aria-labelledby': 'new-version-title' },
    h('h2', { id: 'new-version-title' }, 'Register a version'),
    h('p', { class: 'form-intro' }, 'Any Nextflow pipeline: its parameters are read from its nextflow_schema.json. ',
      'Registering a git URL clones it, which may take a while.'),
    // an error on input.style or input.param names no field of the form's own: it shows above
    h(FormError, { message: form.general }),
    h('div', { class: 'field-row' },
      h(Field, { label: 'Version', ...form.field('version'), required: true, maxLength: 100, hint: 'e.g. 3.14.0' }),
      h(Field, { label: 'Git revision', ...form.field('revision'), maxLength: 200, hint: 'Git only: a commit or tag (default branch if blank)' })),
    h(Field, { label: 'Source', ...form.field('source'), required: true, maxLength: 2000, class: 'mono',
      hint: 'An absolute directory on the server (used in place), or a git URL (https://, ssh://, file:// or user@host:path)' }),
    h('div', { class: 'field-row' },
      h(SelectField, { label: 'Samples reach it as', ...form.field('style'), options: STYLES }),
      h(Field, { label: 'Input parameter', ...form.field('param'), maxLength: 100, hint: 'Default: input (samplesheet) or reads (glob)' })),
    h('div', { class: 'field-row' },
      h(Field, { label: 'Main script', ...form.field('main_script'), maxLength: 500, hint: 'Default: main.nf' }),
      h(Field, { label: 'Results parameter', ...form.field('outdir_param'), maxLength: 100, hint: 'Default: outdir' })),
    h(Field, { label: 'Profiles', ...form.field('profiles'), hint: 'Nextflow profiles of every run, separated by spaces' }),
    h(Field, { label: 'Extra configuration', ...form.field('config'), multiline: true, rows: 3, class: 'mono',
      hint: 'Nextflow configuration (-c) for every run of this version' }),
    h(CheckField, { label: 'Make it the latest version', ...form.field('is_latest') }),
    h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Registering…' : 'Register version'));
}

function Versions({ pipeline, onChanged }) {
  const [error, setError] = useState(null);
  const change = (v, body) => async () => {
    setError(null);
    try {
      await post(`/pipelines/versions/${v.id}/edit`, body);
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  if (pipeline.versions.length === 0) return h('p', { class: 'empty' }, 'No version yet: register one below.');
  return [
    error && h(ErrorNotice, { error }),
    h(TableWrap, null,
      h('table', { class: 'table' },
        h('thead', null, h('tr', null, ['Version', 'State', 'Source', 'Parameters', 'Registered', 'Change'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, pipeline.versions.map((v) => h('tr', null,
          h('td', null, v.version),
          h('td', null, v.retired ? 'Retired' : v.is_latest ? 'Latest' : 'Available'),
          h('td', { class: 'source' }, h('code', null, v.source), v.revision && [' @ ', h('code', null, v.revision.slice(0, 12))]),
          h('td', { class: 'num' }, v.parameters.length),
          h('td', null, formatDate(v.created)),
          h('td', { class: 'row-actions' },
            !v.is_latest && !v.retired && h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Make ${v.version} the latest`,
              onClick: change(v, { is_latest: true }) }, 'Make latest'),
            h('button', { type: 'button', class: 'button secondary small', 'aria-label': (v.retired ? 'Bring back ' : 'Retire ') + v.version,
              onClick: change(v, { retired: !v.retired }) }, v.retired ? 'Bring back' : 'Retire'))))))),
  ];
}

export function AdminPipelinePage({ params }) {
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((n) => n + 1);
  const pipeline = useLoad(() => get('/pipelines/' + encodeURIComponent(params.id)), [params.id, version]);
  const listing = useLoad(() => get('/pipelines'), []);
  if (pipeline.error?.status === 404) return h(NotFoundPage);
  const p = pipeline.data;
  return h(AdminPage, { title: p ? p.name : 'Pipeline', path: PATH,
    actions: h(Link, { href: PATH, class: 'button secondary' }, 'All pipelines') },
    pipeline.error && h(ErrorNotice, { error: pipeline.error }),
    listing.error && h(ErrorNotice, { error: listing.error }),
    !p || !listing.data ? h(Loading, { what: 'the pipeline' }) : [
      h('section', { class: 'card', 'aria-labelledby': 'versions-title' },
        h('h2', { id: 'versions-title' }, 'Versions'),
        h(Versions, { pipeline: p, onChanged: reload })),
      h('div', { class: 'admin-forms' },
        h(NewVersion, { pipeline: p, onAdded: reload }),
        h(EditPipeline, { key: p.id, pipeline: p, categories: listing.data.categories, onSaved: reload })),
    ]);
}
