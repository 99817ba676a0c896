// Name and email (POST /settings/user). A new email needs the current password: whoever holds an unattended
// session must not be able to take the account over through its reset mails.
import { h, useState } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { Field, FormError, useForm } from '../../core/form.js';
import { ErrorNotice, Loading, useLoad } from '../../components/page.js';
import { SettingsPage } from './tabs.js';

function ProfileForm({ me }) {
  const form = useForm({ first_name: me.first_name, last_name: me.last_name, email: me.email || '', current_password: '' });
  const [saved, setSaved] = useState(null);
  const emailChanged = form.values.email.trim() !== (me.email || '');
  const send = async (values) => {
    setSaved(null);
    const body = { first_name: values.first_name.trim(), last_name: values.last_name.trim() };
    if (emailChanged) Object.assign(body, { email: values.email.trim(), current_password: values.current_password });
    const updated = await post('/settings/user', body);
    form.setValues({ first_name: updated.first_name, last_name: updated.last_name, email: updated.email || '', current_password: '' });
    Object.assign(me, updated);
    setSaved('Saved.');
  };
  return h('form', { class: 'card form wide', onSubmit: form.submit(send), novalidate: true },
    h(FormError, { message: form.general }),
    h('p', null, 'Username: ', h('strong', null, me.username), ' (it cannot change: links and shares name it).'),
    h('div', { class: 'field-row' },
      h(Field, { label: 'First name', ...form.field('first_name'), autocomplete: 'given-name', maxLength: 150 }),
      h(Field, { label: 'Last name', ...form.field('last_name'), autocomplete: 'family-name', maxLength: 150 })),
    h(Field, { label: 'Email', type: 'email', ...form.field('email'), autocomplete: 'email',
      hint: 'Where password reset links are sent' }),
    emailChanged && h(Field, { label: 'Current password', type: 'password', ...form.field('current_password'),
      autocomplete: 'current-password', required: true, hint: 'Needed to change the email' }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Saving…' : 'Save'),
      saved && h('p', { class: 'saved', role: 'status' }, saved)));
}

export function ProfileSettingsPage() {
  const { data: me, error } = useLoad(() => get('/me'), []);
  return h(SettingsPage, { title: 'Profile', path: '/app/settings' },
    error ? h(ErrorNotice, { error }) : me ? h(ProfileForm, { me }) : h(Loading, { what: 'your profile' }));
}
