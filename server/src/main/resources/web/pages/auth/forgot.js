// A forgotten password: POST /password-reset/request mails a reset link to the account's address. The answer is the
// same whether or not an account has that address (the API tells nobody which addresses it knows), and so is the page.
import { h, useState } from '../../core/html.js';
import { post } from '../../core/api.js';
import { Field, FormError, useForm } from '../../core/form.js';
import { Link } from '../../core/router.js';
import { Page } from '../../components/page.js';

export function ForgotPasswordPage() {
  const form = useForm({ email: '' });
  const [sent, setSent] = useState(null);
  const send = async ({ email }) => {
    await post('/password-reset/request', { email: email.trim() });
    setSent(email.trim());
  };
  if (sent) {
    return h(Page, { title: 'Check your mail', narrow: true },
      h('div', { class: 'card', role: 'status' },
        h('p', null, 'If an account has the address ', h('strong', null, sent),
          ', a mail with a link to choose a new password is on its way. The link works once, within an hour.'),
        h('p', { class: 'form-foot' }, h(Link, { href: '/app/signin' }, 'Back to sign in'))));
  }
  return h(Page, { title: 'Forgotten password', narrow: true },
    h('form', { class: 'card form', onSubmit: form.submit(send), novalidate: true },
      h('p', null, 'Enter the email address of your account: Flow mails you a link to choose a new password.'),
      h(FormError, { message: form.general }),
      h(Field, { label: 'Email', type: 'email', ...form.field('email'), autocomplete: 'email', required: true }),
      h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Sending…' : 'Send the link'),
      h('p', { class: 'form-foot' }, h(Link, { href: '/app/signin' }, 'Back to sign in'))));
}
