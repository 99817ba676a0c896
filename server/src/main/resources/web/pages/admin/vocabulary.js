// One editor for every vocabulary an administrator keeps (organisms, sample types, sources, purification targets,
// data types, sample metadata attributes): the entries in a table, each with Edit and Delete, and one form above it
// that adds an entry or changes the one being edited. What differs between vocabularies is given by the page
// (vocabularies.js): the fields, the columns, and how values become the API's requests.
import { h, useState } from '../../core/html.js';
import { CheckField, Field, FormError, useForm } from '../../core/form.js';
import { ConfirmButton } from '../../components/confirm.js';
import { ErrorNotice, Loading, TableWrap, useLoad } from '../../components/page.js';

/** The non-blank lines of a text field, trimmed: the values of a 'lines' field. */
export function lines(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

function Input({ spec, form, editing }) {
  const props = { label: spec.label, ...form.field(spec.name), hint: spec.hint, maxLength: spec.maxLength };
  if (spec.type === 'check') return h(CheckField, props);
  if (editing && spec.createOnly) return null; // an identifier: it never changes, so it is in the table, not the form
  return h(Field, { ...props, required: spec.required, multiline: spec.type === 'lines' || spec.type === 'textarea',
    rows: spec.type === 'lines' ? 4 : 3 });
}

function EditorForm({ vocabulary, entry, onSaved, onCancel }) {
  const { noun, fields } = vocabulary;
  const initial = Object.fromEntries(fields.map((f) => [f.name, entry ? f.from(entry) : f.type === 'check' ? false : '']));
  const form = useForm(initial);
  const send = async (values) => {
    onSaved(entry ? await vocabulary.edit(entry, values) : await vocabulary.create(values));
    if (!entry) form.setValues(initial);
  };
  const title = entry ? `Edit ${noun} ${vocabulary.label(entry)}` : 'New ' + noun;
  return h('form', { class: 'card form wide vocabulary-form', onSubmit: form.submit(send), novalidate: true, 'aria-labelledby': 'vocabulary-form-title' },
    h('h2', { id: 'vocabulary-form-title' }, title),
    h(FormError, { message: form.general }),
    fields.map((spec) => h(Input, { spec, form, editing: !!entry })),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Saving…' : entry ? 'Save' : 'Add ' + noun),
      entry && h('button', { type: 'button', class: 'button secondary', onClick: onCancel }, 'Cancel')));
}

/**
 * `vocabulary`: { key, noun, list() → entries, id(entry), label(entry), columns: [[heading, entry → text]],
 * fields: [{ name, label, type: text | textarea | lines | check, from(entry) → value, createOnly, required, hint }],
 * create(values), edit(entry, values), remove(entry), fixed(entry) → why it cannot be changed, or null }.
 */
export function VocabularyEditor({ vocabulary }) {
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState(null);
  const { data, error } = useLoad(() => vocabulary.list(), [version]);
  const reload = () => setVersion((v) => v + 1);
  const saved = () => { setEditing(null); reload(); };
  const { noun, columns } = vocabulary;
  const fixed = vocabulary.fixed || (() => null);
  return [
    h(EditorForm, { key: editing ? 'edit:' + vocabulary.id(editing) : 'new', vocabulary, entry: editing,
      onSaved: saved, onCancel: () => setEditing(null) }),
    error ? h(ErrorNotice, { error }) : !data ? h(Loading, { what: 'the ' + vocabulary.title.toLowerCase() })
      : data.length === 0 ? h('p', { class: 'empty' }, `There is no ${noun} yet.`)
      : h(TableWrap, null,
        h('table', { class: 'table vocabulary' },
          h('caption', { class: 'visually-hidden' }, vocabulary.title),
          h('thead', null, h('tr', null, [...columns.map(([heading]) => heading), 'Change'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', null, data.map((entry, i) => h('tr', null,
            columns.map(([, text]) => h('td', null, text(entry))),
            h('td', { class: 'row-actions' }, fixed(entry) ? h('span', { class: 'muted' }, fixed(entry)) : [
              h('button', { type: 'button', class: 'button secondary small', 'aria-label': 'Edit ' + vocabulary.label(entry),
                onClick: () => { setEditing(entry); window.scrollTo(0, 0); } }, 'Edit'),
              h(ConfirmButton, { id: `delete-${vocabulary.key}-${i}`, label: 'Delete', ariaLabel: 'Delete ' + vocabulary.label(entry),
                title: `Delete the ${noun} ${vocabulary.label(entry)}?`, message: vocabulary.deleteMessage,
                confirmLabel: 'Delete', busyLabel: 'Deleting…',
                onConfirm: async () => { await vocabulary.remove(entry); if (editing && vocabulary.id(editing) === vocabulary.id(entry)) setEditing(null); reload(); } }),
            ]))))))];
}
