// A pipeline version's parameters (GET /pipelines/versions/{id}: read from its nextflow_schema.json) as a form: a
// field of the parameter's type for each (text, a whole number, a number, a checkbox, a select of its choices), its
// default filled in, its description and bounds below it, required ones marked. Hidden parameters (which a run may
// not set) are listed, folded away. A data parameter is chosen among the caller's data files. Which values are
// right is the API's to say, at the run: its errors show beside the parameter they name.
import { h, useState } from '../../core/html.js';
import { get } from '../../core/api.js';
import { formatBytes, sentence } from '../../core/format.js';
import { useLoad } from '../../components/page.js';
import { useSettled } from '../../components/listing.js';

/** The id of a parameter's control: what an error focuses, and what labels point at. */
export function paramId(name) {
  return 'param-' + name;
}

/** What a parameter's control starts with: its default (as text, as inputs hold it), or nothing. */
function initial(p) {
  if (p.type === 'boolean') return p.default === true;
  return p.default === undefined || p.default === null ? '' : String(p.default);
}

/** The form's first values: each settable parameter at its default; data parameters at no file ({id, filename}). */
export function initialValues(parameters) {
  const values = {};
  for (const p of parameters) if (!p.hidden) values[p.name] = p.data ? null : initial(p);
  return values;
}

/**
 * The run's `parameters` and `data_params` from the form's values. Only what differs from the default is sent (the
 * pipeline applies its own defaults); an emptied field is left out. Numbers that do not read as numbers are sent as
 * typed, for the API to refuse beside the field.
 */
export function runValues(parameters, values) {
  const params = {};
  const data = {};
  for (const p of parameters) {
    if (p.hidden) continue;
    const value = values[p.name];
    if (p.data) {
      if (value) data[p.name] = value.id;
      continue;
    }
    if (value === initial(p) || value === '') continue;
    if (p.type === 'integer' && /^\s*[+-]?\d+\s*$/.test(value)) params[p.name] = Number(value);
    else if (p.type === 'number' && value.trim() !== '' && Number.isFinite(Number(value))) params[p.name] = Number(value);
    else params[p.name] = value;
  }
  return { parameters: params, data_params: data };
}

/** A parameter's value as the check step shows it, or null when it is left at its default. */
export function shownValue(p, values) {
  const value = values[p.name];
  if (p.data) return value ? value.filename : null;
  if (value === initial(p) || value === '') return null;
  return p.type === 'boolean' ? (value ? 'yes' : 'no') : value;
}

/** Whether a run must set the parameter: required, with no default to fall back on. */
function mustSet(p) {
  return p.required && (p.default === undefined || p.default === null);
}

function Label({ p, id }) {
  return h('label', { for: id }, h('code', null, p.name),
    mustSet(p) && [h('span', { class: 'required', 'aria-hidden': 'true' }, ' *'), h('span', { class: 'visually-hidden' }, ' (required)')]);
}

/** What is known about a parameter besides its value: description, default, bounds, pattern. */
function hintOf(p) {
  const parts = [p.description && sentence(p.description)];
  if (p.default !== undefined && p.default !== null && p.default !== '') parts.push('Default: ' + String(p.default) + '.');
  if (p.minimum !== undefined && p.maximum !== undefined) parts.push(`From ${p.minimum} to ${p.maximum}.`);
  else if (p.minimum !== undefined) parts.push(`At least ${p.minimum}.`);
  else if (p.maximum !== undefined) parts.push(`At most ${p.maximum}.`);
  if (p.pattern && !p.data) parts.push('Must match ' + p.pattern);
  return parts.filter(Boolean).join(' ');
}

/** A parameter's label, control, hint and error, laid out as core/form.js lays out its fields. */
function ParamField({ p, error, check = false, children }) {
  const id = paramId(p.name);
  const hint = hintOf(p);
  const described = [hint && id + '-hint', error && id + '-error'].filter(Boolean).join(' ') || undefined;
  const control = children({ id, 'aria-describedby': described, 'aria-invalid': error ? 'true' : undefined, 'aria-required': mustSet(p) ? 'true' : undefined });
  return h('div', { class: 'field param' + (check ? ' check' : '') + (error ? ' has-error' : '') },
    check ? [control, h(Label, { p, id })] : [h(Label, { p, id }), control],
    hint && h('p', { class: 'hint', id: id + '-hint' }, hint),
    error && h('p', { class: 'field-error', id: id + '-error' }, sentence(error)));
}

const SOURCES = [['owned', 'My files'], ['shared', 'Shared with me'], ['search', 'All I can read']];
const FILES = 100;

/** The parameter's schema pattern as a test of filenames, or null (none, or one JavaScript cannot read). */
function filenameTest(pattern) {
  if (!pattern) return null;
  try {
    const re = new RegExp(pattern);
    return (name) => re.test(name);
  } catch {
    return null; // a Java-only construct: every file is offered, and the pipeline judges
  }
}

/**
 * A data parameter: the caller's files (their own, those shared with them, or every one they may read), narrowed by
 * filename as they type and, where the schema gives a pattern, to the names that match it; one is chosen.
 */
function DataParam({ p, value, onValue, error }) {
  const [source, setSource] = useState('owned');
  const [text, setText] = useState('');
  const filter = useSettled(text.trim());
  const found = useLoad(() => get(source === 'search' ? '/data/search' : '/data/' + source, { limit: FILES, filter }), [source, filter]);
  const fits = filenameTest(p.pattern);
  const files = (found.data?.data || []).filter((d) => !fits || fits(d.filename));
  // the chosen file stays among the options whatever the search shows now
  const options = value && !files.some((d) => d.id === value.id) ? [value, ...files] : files;
  const id = paramId(p.name);
  return h(ParamField, { p, error }, (control) => [
    h('div', { class: 'data-search' },
      h('div', { class: 'filter' }, h('label', { for: id + '-source' }, 'Files'),
        h('select', { id: id + '-source', value: source, onChange: (e) => setSource(e.currentTarget.value) },
          SOURCES.map(([v, t]) => h('option', { value: v }, t)))),
      h('div', { class: 'filter' }, h('label', { for: id + '-filter' }, 'Filename'),
        h('input', { id: id + '-filter', type: 'search', placeholder: 'Part of the name', value: text,
          onInput: (e) => setText(e.currentTarget.value) }))),
    h('select', { ...control, value: value ? String(value.id) : '',
      onChange: (e) => onValue(options.find((d) => String(d.id) === e.currentTarget.value) || null) },
      h('option', { value: '' }, found.loading ? 'Loading…' : found.error ? 'The files cannot be listed: ' + found.error.message
        : options.length === 0 ? 'No file fits' : 'No file'),
      options.map((d) => h('option', { value: String(d.id) },
        `${d.filename} (${[d.data_type, formatBytes(d.size), d.sample?.name].filter(Boolean).join(', ')})`))),
    fits && h('p', { class: 'hint' }, 'Only files whose name matches ', h('code', null, p.pattern), ' are offered.'),
  ]);
}

/** One settable parameter's field, by its type. */
function Param({ p, value, onValue, error }) {
  if (p.data) return h(DataParam, { p, value, onValue, error });
  const text = (extra) => (control) => h('input', { ...control, ...extra, value, onInput: (e) => onValue(e.currentTarget.value) });
  switch (p.type) {
    case 'boolean':
      return h(ParamField, { p, error, check: true }, (control) =>
        h('input', { ...control, type: 'checkbox', checked: value, onChange: (e) => onValue(e.currentTarget.checked) }));
    case 'choice':
      return h(ParamField, { p, error }, (control) => h('select', { ...control, value, onChange: (e) => onValue(e.currentTarget.value) },
        // without a default, nothing chosen leaves it to the pipeline (or, when required, is refused by the API)
        (p.default === undefined || p.default === null) && h('option', { value: '' }, mustSet(p) ? 'Choose…' : 'Not set'),
        p.choices.map((c) => h('option', { value: c }, c))));
    case 'integer':
      return h(ParamField, { p, error }, text({ type: 'text', inputMode: 'numeric', autocomplete: 'off' }));
    case 'number':
      return h(ParamField, { p, error }, text({ type: 'text', inputMode: 'decimal', autocomplete: 'off' }));
    default:
      return h(ParamField, { p, error }, text({ type: 'text', autocomplete: 'off' }));
  }
}

/** The hidden parameters: what they are and their defaults, folded away (a run may not set them). */
function HiddenParams({ parameters }) {
  if (parameters.length === 0) return null;
  return h('details', { class: 'hidden-params' },
    h('summary', null, `Hidden parameters (${parameters.length})`),
    h('p', { class: 'hint' }, 'The pipeline hides these: they are set by Flow or left at their defaults, never by a run.'),
    h('dl', null, parameters.map((p) => [
      h('dt', null, h('code', null, p.name), p.default !== undefined && h('span', { class: 'muted' }, ' = ' + String(p.default))),
      h('dd', null, p.description ? sentence(p.description) : '—')])));
}

/** Every parameter of the version: the settable ones as fields, then the hidden ones; `errors` by parameter name. */
export function ParameterFields({ parameters, values, onValues, errors }) {
  const settable = parameters.filter((p) => !p.hidden);
  const set = (name) => (value) => onValues((v) => ({ ...v, [name]: value }));
  return [
    settable.length === 0 ? h('p', { class: 'empty' }, 'This version has no parameter to set.')
      : h('p', { class: 'hint' }, 'Fields marked * must be set. The others start at the pipeline\'s defaults.'),
    settable.map((p) => h(Param, { key: p.name, p, value: values[p.name], onValue: set(p.name), error: errors[p.name] })),
    h(HiddenParams, { parameters: parameters.filter((p) => p.hidden) }),
  ];
}
