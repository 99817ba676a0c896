// Forms: labelled fields, and the API's errors shown beside the field they name (details.field), or above the form
// when they name none of its fields.
import { h, useState } from './html.js';
import { ApiError } from './api.js';
import { sentence } from './format.js';

/**
 * A form's values, its errors by field, its general error and whether it is being sent. `submit(send)` makes the
 * submit handler: it sends the values with `send` and sorts the error, if any, into the right place.
 */
export function useForm(initial) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState({});
  const [general, setGeneral] = useState(null);
  const [busy, setBusy] = useState(false);

  const change = (name) => (event) => {
    const input = event.currentTarget;
    setValues((v) => ({ ...v, [name]: input.type === 'checkbox' ? input.checked : input.value }));
  };

  const submit = (send) => async (event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors({});
    setGeneral(null);
    try {
      await send(values);
    } catch (e) {
      if (e instanceof ApiError && e.field && e.field in initial) {
        setErrors({ [e.field]: e.fieldMessage });
        // to the field to correct, once it shows its error (its description then reads the error out)
        setTimeout(() => document.getElementById('field-' + e.field)?.focus());
      } else setGeneral(e instanceof ApiError ? e.message : 'Something went wrong: ' + e.message);
    } finally {
      setBusy(false);
    }
  };

  /** An error found before sending (two passwords that differ, say), shown like the API's. */
  const fail = (name, message) => {
    setErrors({ [name]: message });
    setTimeout(() => document.getElementById('field-' + name)?.focus());
  };

  const field = (name) => ({ name, value: values[name], onInput: change(name), error: errors[name] });
  return { values, setValues, field, change, errors, general, busy, submit, fail };
}

/** A text input (or textarea, with `multiline`) with its label, an optional hint, and its error. */
export function Field({ label, name, value, onInput, error, hint, multiline = false, ...input }) {
  const id = 'field-' + name;
  const described = [hint && id + '-hint', error && id + '-error'].filter(Boolean).join(' ') || undefined;
  return h('div', { class: 'field' + (error ? ' has-error' : '') },
    h('label', { for: id }, label),
    h(multiline ? 'textarea' : 'input', { id, name, value, onInput, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': described, ...input }),
    hint && h('p', { class: 'hint', id: id + '-hint' }, hint),
    error && h('p', { class: 'field-error', id: id + '-error' }, sentence(error)));
}

/** A select with its label and error; `options` are [value, text] pairs. */
export function SelectField({ label, name, value, onInput, error, options, ...select }) {
  const id = 'field-' + name;
  return h('div', { class: 'field' + (error ? ' has-error' : '') },
    h('label', { for: id }, label),
    h('select', { id, name, value, onChange: onInput, 'aria-invalid': error ? 'true' : undefined,
      'aria-describedby': error ? id + '-error' : undefined, ...select },
      options.map(([v, text]) => h('option', { value: v }, text))),
    error && h('p', { class: 'field-error', id: id + '-error' }, sentence(error)));
}

/** A checkbox with its label and error. */
export function CheckField({ label, name, value, onInput, error }) {
  const id = 'field-' + name;
  return h('div', { class: 'field check' + (error ? ' has-error' : '') },
    h('input', { type: 'checkbox', id, name, checked: value, onChange: onInput }),
    h('label', { for: id }, label),
    error && h('p', { class: 'field-error', id: id + '-error' }, sentence(error)));
}

/** The form's error that names none of its fields; announced to screen readers. */
export function FormError({ message }) {
  return message ? h('p', { class: 'form-error', role: 'alert' }, sentence(message)) : null;
}
