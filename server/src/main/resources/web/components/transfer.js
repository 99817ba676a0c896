// Giving a thing away (POST /<kind>/{id}/transfer), alike for every kind: a <dialog> as the sharing one's.
import { h, useRef, useState } from '../core/html.js';
import { post } from '../core/api.js';
import { Field, FormError, useForm } from '../core/form.js';
import { navigate } from '../core/router.js';
import { useSuggestions } from '../core/suggestions.js';
import { searchHolders } from './sharing.js';

const WITH = { projects: ' The samples in it that they own go too.', executions: ' The outputs they own go too.' };

// after a transfer, app.js draws the page anew (its data loaded again) under a notice
export let transfers = 0;
let notice = null;
function leave(text, path) {
  transfers++;
  notice = { text, path };
  navigate(path, { replace: true });
}
export function Notice({ path }) {
  if (notice?.path !== path) notice = null;
  return notice && h('p', { class: 'card notice', role: 'status' }, notice.text);
}

function TransferForm({ kind, thing, name, close }) {
  const form = useForm({ user: '' });
  const suggestions = useSuggestions(form.values.user, searchHolders('users'));
  const send = async ({ user }) => {
    try {
      const answer = await post(`/${kind}/${thing.id}/transfer`, { user });
      close();
      leave(`${name} now belongs to ${answer.owner.username}.`, location.pathname);
    } catch (e) {
      if (e.status !== 404) throw e;
      close(); // gone, or no longer readable
      leave(`${name} is no longer there for you to see.`, '/app/' + kind);
    }
  };
  return h('form', { class: 'transfer-form', onSubmit: form.submit(send) },
    h('p', { class: 'notice-text', id: 'transfer-warning' }, `${thing.owner.username} will keep share level (read, change, share) but `
      + 'no longer own it: only the new owner (and administrators) may then delete it or give it away.' + (WITH[kind] || '')),
    h(FormError, { message: form.general }),
    h(Field, { label: 'New owner (username)', ...form.field('user'), list: 'transfer-users', autocomplete: 'off' }),
    h('datalist', { id: 'transfer-users' }, suggestions.map(([value, text]) => h('option', { value }, text))),
    h('div', { class: 'form-actions' },
      h('button', { class: 'button danger', disabled: form.busy }, 'Transfer'),
      h('button', { type: 'button', class: 'button secondary', onClick: close }, 'Cancel')));
}

// `thing`: its detail, whose can_delete says who may give it away
export function TransferButton({ thing, name = thing.name, kind }) {
  const dialog = useRef(null);
  const [open, setOpen] = useState(false);
  const show = () => {
    setOpen(true);
    dialog.current.showModal();
  };
  return thing.permissions.can_delete && [
    h('button', { type: 'button', class: 'button secondary', id: 'transfer-open', onClick: show }, 'Transfer'),
    h('dialog', { ref: dialog, class: 'dialog confirm', 'aria-labelledby': 'transfer-title', 'aria-describedby': 'transfer-warning',
      onClose: () => setOpen(false) },
      open && [h('h2', { id: 'transfer-title' }, `Transfer ${name}?`), h(TransferForm, { kind, thing, name, close: () => dialog.current.close() })]),
  ];
}
