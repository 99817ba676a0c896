import { h } from '../../core/html.js';
import { Field, FormError, useForm } from '../../core/form.js';
import { Link, navigate } from '../../core/router.js';
import { signUp } from '../../core/session.js';
import { Page } from '../../components/page.js';

export function SignUpPage() {
  const form = useForm({ username: '', email: '', password: '', first_name: '', last_name: '' });
  const send = async (values) => {
    await signUp({ ...values, username: values.username.trim(), email: values.email.trim() });
    navigate('/app/', { replace: true });
  };
  return h(Page, { title: 'Create your account', narrow: true },
    h('form', { class: 'card form', onSubmit: form.submit(send), novalidate: true },
      h(FormError, { message: form.general }),
      h(Field, { label: 'Username', ...form.field('username'), autocomplete: 'username', required: true,
        hint: '3 to 40 letters, digits, _, - or .' }),
      h(Field, { label: 'Email', type: 'email', ...form.field('email'), autocomplete: 'email', required: true }),
      h(Field, { label: 'Password', type: 'password', ...form.field('password'), autocomplete: 'new-password', required: true,
        hint: 'At least 10 characters, not your username.' }),
      h('div', { class: 'field-row' },
        h(Field, { label: 'First name', ...form.field('first_name'), autocomplete: 'given-name' }),
        h(Field, { label: 'Last name', ...form.field('last_name'), autocomplete: 'family-name' })),
      h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Creating…' : 'Create account'),
      h('p', { class: 'form-foot' }, 'Already have an account? ', h(Link, { href: '/app/signin' }, 'Sign in'))));
}
