// The vocabularies (site administrators), one tab each, all through the one editor of vocabulary.js: organisms
// (/organisms), sample types (/samples/types), sources (/samples/sources), purification targets
// (/samples/purification_targets), data types (/data/types) and the metadata attributes of samples (/samples/metadata).
import { h } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { formatCount } from '../../core/format.js';
import { Tabs, currentTab } from '../../components/listing.js';
import { AdminPage } from './frame.js';
import { VocabularyEditor, lines } from './vocabulary.js';

const text = (name, label, more = {}) => ({ name, label, type: 'text', from: (e) => e[name] ?? '', ...more });
const NAME = text('name', 'Name', { required: true, maxLength: 100 });
const DESCRIPTION = text('description', 'Description', { type: 'textarea', maxLength: 2000 });
const yesNo = (b) => (b ? 'Yes' : 'No');

/** A vocabulary whose entries have a numeric id and a name (and maybe a description), under `path`. */
function named(key, title, noun, path, answerKey, withDescription) {
  const fields = withDescription ? [NAME, DESCRIPTION] : [NAME];
  const body = (v) => (withDescription ? { name: v.name.trim(), description: v.description } : { name: v.name.trim() });
  return {
    key, title, noun, fields,
    list: () => get(path).then((a) => a[answerKey]),
    id: (e) => e.id,
    label: (e) => e.name,
    columns: withDescription ? [['Name', (e) => e.name], ['Description', (e) => e.description || '—']] : [['Name', (e) => e.name]],
    create: (v) => post(path + '/create', body(v)),
    edit: (e, v) => post(`${path}/${e.id}/edit`, body(v)),
    remove: (e) => post(`${path}/${e.id}/delete`),
    deleteMessage: `Flow refuses while samples use it. This cannot be undone.`,
  };
}

const ORGANISMS = {
  key: 'organisms', title: 'Organisms', noun: 'organism',
  fields: [text('id', 'Id', { createOnly: true, required: true, maxLength: 50,
    hint: 'What projects and samples refer to, e.g. "human": lowercase letters, digits, _ and -. It cannot change.' }),
  { ...NAME, hint: 'e.g. Homo sapiens' }],
  list: () => get('/organisms').then((a) => a.organisms),
  id: (e) => e.id,
  label: (e) => e.name,
  columns: [['Id', (e) => h('code', null, e.id)], ['Name', (e) => e.name]],
  create: (v) => post('/organisms/create', { id: v.id.trim(), name: v.name.trim() }),
  edit: (e, v) => post(`/organisms/${encodeURIComponent(e.id)}/edit`, { name: v.name.trim() }),
  remove: (e) => post(`/organisms/${encodeURIComponent(e.id)}/delete`),
  deleteMessage: 'Flow refuses while projects or samples use it. This cannot be undone.',
};

const DATA_TYPES = {
  key: 'data-types', title: 'Data types', noun: 'data type',
  fields: [text('identifier', 'Identifier', { createOnly: true, required: true, maxLength: 32,
    hint: 'What data records refer to, e.g. "BIGWIG": uppercase letters, digits, _ and -. It cannot change.' }),
  NAME, DESCRIPTION,
  { name: 'extensions', label: 'Extensions', type: 'lines', from: (e) => e.extensions.join('\n'),
    hint: 'One a line, e.g. ".bw": uploads with them get this type (without .gz: compression is seen apart)' }],
  list: () => get('/data/types').then((a) => a.data_types),
  id: (e) => e.identifier,
  label: (e) => e.identifier,
  columns: [['Identifier', (e) => h('code', null, e.identifier)], ['Name', (e) => e.name], ['Extensions', (e) => e.extensions.join(' ') || '—'],
    ['Built in', (e) => yesNo(e.built_in)], ['Data', (e) => formatCount(e.data_count)]],
  create: (v) => post('/data/types/create', { identifier: v.identifier.trim(), name: v.name.trim(), description: v.description, extensions: lines(v.extensions) }),
  edit: (e, v) => post(`/data/types/${encodeURIComponent(e.identifier)}/edit`, { name: v.name.trim(), description: v.description, extensions: lines(v.extensions) }),
  remove: (e) => post(`/data/types/${encodeURIComponent(e.identifier)}/delete`),
  deleteMessage: 'Flow refuses for a built-in type and while data records have it. This cannot be undone.',
};

/** The attribute's sample-type links, as two lists of names: linked only, and linked and required there. */
const linked = (e, required) => e.sample_type_links.filter((l) => l.required === required).map((l) => l.sample_type_identifier).join('\n');
const links = (v) => [...lines(v.linked).map((name) => ({ sample_type_identifier: name, required: false })),
  ...lines(v.required_for).map((name) => ({ sample_type_identifier: name, required: true }))];
const flags = (v) => ({ name: v.name.trim(), description: v.description, required: v.required, allow_user_terms: v.allow_user_terms, allow_annotation: v.allow_annotation });
const check = (name, label) => ({ name, label, type: 'check', from: (e) => e[name] });

const METADATA = {
  key: 'metadata', title: 'Sample metadata', noun: 'attribute',
  fields: [text('identifier', 'Identifier', { createOnly: true, required: true, maxLength: 63,
    hint: 'The key samples keep the value under, e.g. "cell_line": lowercase letters, digits and _. It cannot change.' }),
  NAME, DESCRIPTION,
  check('required', 'Required for every sample'),
  check('allow_user_terms', 'Any text is a value, even with options'),
  check('allow_annotation', 'A note may go with the value'),
  { name: 'options', label: 'Options', type: 'lines', from: (e) => e.options.join('\n'), hint: 'One a line; none: any value' },
  { name: 'linked', label: 'Sample types it is linked to', type: 'lines', from: (e) => linked(e, false), hint: 'Sample type names, one a line' },
  { name: 'required_for', label: 'Sample types that require it', type: 'lines', from: (e) => linked(e, true), hint: 'Sample type names, one a line' }],
  list: () => get('/samples/metadata').then((a) => a.attributes),
  id: (e) => e.identifier,
  label: (e) => e.name,
  fixed: (e) => (e.built_in ? 'Built in' : null),
  columns: [['Identifier', (e) => h('code', null, e.identifier)], ['Name', (e) => e.name], ['Required', (e) => yesNo(e.required)],
    ['Options', (e) => (e.options.length ? e.options.length + (e.allow_user_terms ? ', or any text' : '') : 'Any text')],
    ['Sample types', (e) => e.sample_type_links.map((l) => l.sample_type_identifier + (l.required ? ' (required)' : '')).join(', ') || '—']],
  create: (v) => post('/samples/metadata/create', { identifier: v.identifier.trim(), ...flags(v),
    options: lines(v.options), sample_type_links: links(v) }),
  // options and links have their own routes
  edit: async (e, v) => {
    const path = '/samples/metadata/' + encodeURIComponent(e.identifier);
    await post(path + '/edit', flags(v));
    await post(path + '/options', { options: lines(v.options) });
    return post(path + '/sample_types', { sample_type_links: links(v) });
  },
  remove: (e) => post(`/samples/metadata/${encodeURIComponent(e.identifier)}/delete`),
  deleteMessage: 'Samples keep their values under its identifier, as free-form metadata.',
};

const VOCABULARIES = [
  ORGANISMS,
  named('sample-types', 'Sample types', 'sample type', '/samples/types', 'sample_types', true),
  named('sources', 'Sources', 'source', '/samples/sources', 'sources', false),
  named('purification-targets', 'Purification targets', 'purification target', '/samples/purification_targets', 'targets', false),
  DATA_TYPES,
  METADATA,
];
const TABS = VOCABULARIES.map((v) => [v.key, v.title]);

export function AdminVocabulariesPage({ query }) {
  const key = currentTab(query, TABS);
  const vocabulary = VOCABULARIES.find((v) => v.key === key);
  return h(AdminPage, { title: 'Vocabularies', path: '/app/admin/vocabularies' },
    h(Tabs, { label: 'Vocabularies', path: '/app/admin/vocabularies', tabs: TABS, current: key }),
    // one editor per vocabulary: the rows of one are never shown with the columns of another while a tab loads
    h(VocabularyEditor, { key: vocabulary.key, vocabulary }));
}
