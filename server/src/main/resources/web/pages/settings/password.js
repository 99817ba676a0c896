// A new password (POST /settings/password): every other session of the account ends, this one goes on with the
// access token the answer gives. Personal API tokens keep working (they are revoked on their own page).
import { h, useState } from '../../core/html.js';
import { post } from '../../core/api.js';
import { Field, FormError, useForm } from '../../core/form.js';
import { continueWith } from '../../core/session.js';
import { SettingsPage } from './tabs.js';

const EMPTY = { current_password: '', new_password: '', confirm: '' };

export function PasswordSettingsPage() {
  const form = useForm(EMPTY);
  const [saved, setSaved] = useState(null);
  const send = async ({ current_password, new_password, confirm }) => {
    setSaved(null);
    if (new_password !== confirm) {
      form.fail('confirm', 'the two new passwords differ');
      return;
    }
    continueWith(await post('/settings/password', { current_password, new_password }));
    form.setValues(EMPTY);
    setSaved('Password changed. Your other sessions have ended; your API tokens still work.');
  };
  return h(SettingsPage, { title: 'Password', path: '/app/settings/password' },
    h('form', { class: 'card form wide', onSubmit: form.submit(send), novalidate: true },
      h(FormError, { message: form.general }),
      h(Field, { label: 'Current password', type: 'password', ...form.field('current_password'), autocomplete: 'current-password', required: true }),
      h(Field, { label: 'New password', type: 'password', ...form.field('new_password'), autocomplete: 'new-password', required: true,
        hint: 'At least 10 characters' }),
      h(Field, { label: 'New password again', type: 'password', ...form.field('confirm'), autocomplete: 'new-password', required: true }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Changing…' : 'Change password'),
        saved && h('p', { class: 'saved', role: 'status' }, saved))));
}
