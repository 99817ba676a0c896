// A new password from a reset mail's link: /app/reset#token=<token>. The token travels in the fragment, which the
// browser never sends to a server (no access log, no Referer holds it), and leaves the address bar as soon as it is
// read. Someone who has the token but not the link may paste it.
import { h, useState } from '../../core/html.js';
import { post } from '../../core/api.js';
import { Field, FormError, useForm } from '../../core/form.js';
import { Link } from '../../core/router.js';
import { Page } from '../../components/page.js';

/** The token of the link that opened the page, taken out of the address (and so out of the history) once read. */
function tokenFromLink() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  return token;
}

export function ResetPasswordPage() {
  const [linked] = useState(tokenFromLink);
  // the token is a field of the form only when no link brought it (an error about it then shows beside it)
  const form = useForm(linked ? { password: '', confirm: '' } : { token: '', password: '', confirm: '' });
  const [done, setDone] = useState(false);
  const send = async ({ token, password, confirm }) => {
    if (password !== confirm) {
      form.fail('confirm', 'the two passwords differ');
      return;
    }
    await post('/password-reset', { token: (linked || token).trim(), password });
    setDone(true);
  };
  if (done) {
    return h(Page, { title: 'Password changed', narrow: true },
      h('div', { class: 'card', role: 'status' },
        h('p', null, 'Your password is changed, and every session of your account has ended: sign in with the new one.'),
        h(Link, { href: '/app/signin', class: 'button' }, 'Sign in')));
  }
  return h(Page, { title: 'Choose a new password', narrow: true },
    h('form', { class: 'card form', onSubmit: form.submit(send), novalidate: true },
      h(FormError, { message: form.general }),
      linked ? null : h(Field, { label: 'Reset token', hint: 'From the reset mail', ...form.field('token'), autocomplete: 'off', required: true }),
      h(Field, { label: 'New password', type: 'password', ...form.field('password'), autocomplete: 'new-password', required: true,
        hint: 'At least 10 characters' }),
      h(Field, { label: 'New password again', type: 'password', ...form.field('confirm'), autocomplete: 'new-password', required: true }),
      h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Saving…' : 'Set the password'),
      h('p', { class: 'form-foot' }, h(Link, { href: '/app/forgot' }, 'Ask for a new link'))));
}
