import { h } from '../../core/html.js';
import { Field, FormError, useForm } from '../../core/form.js';
import { Link, navigate } from '../../core/router.js';
import { signIn } from '../../core/session.js';
import { Page } from '../../components/page.js';
import { OidcButtons } from './oidc.js';

/** Where to go after signing in: the page that asked for it (only one of the app's own), else the dashboard. */
export function afterSignIn(query) {
  const next = query.get('next');
  return next && next.startsWith('/app/') && !next.startsWith('//') ? next : '/app/';
}

export function SignInPage({ query }) {
  const form = useForm({ username: '', password: '' });
  const send = async ({ username, password }) => {
    await signIn(username.trim(), password);
    navigate(afterSignIn(query), { replace: true });
  };
  return h(Page, { title: 'Sign in', narrow: true },
    h('form', { class: 'card form', onSubmit: form.submit(send), novalidate: true },
      h(FormError, { message: form.general }),
      h(Field, { label: 'Username', ...form.field('username'), autocomplete: 'username', required: true }),
      h(Field, { label: 'Password', type: 'password', ...form.field('password'), autocomplete: 'current-password', required: true }),
      h('button', { type: 'submit', class: 'button', disabled: form.busy }, form.busy ? 'Signing in…' : 'Sign in'),
      h('p', { class: 'form-foot' }, h(Link, { href: '/app/forgot' }, 'Forgotten password?')),
      h('p', { class: 'form-foot' }, 'No account yet? ', h(Link, { href: '/app/signup' }, 'Sign up'))),
    h(OidcButtons, { next: afterSignIn(query) }));
}
