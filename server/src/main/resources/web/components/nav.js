// The navigation bar: the app's sections, and the account (or sign in / sign up) at its end.
import { h } from '../core/html.js';
import { useState } from '../core/html.js';
import { Link, navigate } from '../core/router.js';
import { signOut } from '../core/session.js';
import { useMe } from './me.js';

// the icon is one of this build's files, beside this module's folder
const ICON = new URL('../icon.svg', import.meta.url).pathname;

const SECTIONS = [
  ['/app/', 'Dashboard'],
  ['/app/projects', 'Projects'],
  ['/app/samples', 'Samples'],
  ['/app/data', 'Data'],
  ['/app/upload', 'Upload'],
  ['/app/groups', 'Groups'],
  ['/app/pipelines', 'Pipelines'],
  ['/app/executions', 'Executions'],
  ['/app/annotation', 'Annotation'],
];

function current(path, href) {
  return href === '/app/' ? path === '/app/' : path === href || path.startsWith(href + '/');
}

/** The search box: the query goes to the search page's address; there it is searched. */
function SearchBox({ path }) {
  const [text, setText] = useState(() => (path === '/app/search' ? new URLSearchParams(location.search).get('q') || '' : ''));
  const submit = (event) => {
    event.preventDefault();
    if (text.trim()) navigate('/app/search?q=' + encodeURIComponent(text.trim()));
  };
  return h('form', { class: 'nav-search', role: 'search', onSubmit: submit },
    h('label', { for: 'nav-search', class: 'visually-hidden' }, 'Search'),
    h('input', { id: 'nav-search', type: 'search', placeholder: 'Search…', value: text, maxLength: 200,
      onInput: (e) => setText(e.currentTarget.value) }));
}

// administrators only (GET /me: is_admin); the admin pages refuse others all the same
const ADMIN_SECTION = ['/app/admin', 'Admin'];

export function NavBar({ session, path }) {
  const me = useMe().data;
  const sections = me?.is_admin ? [...SECTIONS, ADMIN_SECTION] : SECTIONS;
  // signed out, the app sends the page to the sign-in form (see app.js), as in every other tab
  const out = () => signOut();
  return h('header', { class: 'topbar' },
    h('a', { class: 'skip-link', href: '#main' }, 'Skip to content'),
    h('nav', { class: 'nav', 'aria-label': 'Main' },
      h(Link, { href: '/app/', class: 'brand' }, h('img', { src: ICON, alt: '', width: 24, height: 24 }), 'Flow'),
      session.user && h('ul', { class: 'nav-links' },
        sections.map(([href, text]) => h('li', null,
          h(Link, { href, 'aria-current': current(path, href) ? 'page' : undefined }, text)))),
      h(SearchBox, { path }),
      h('div', { class: 'nav-account' },
        session.user
          ? [h(Link, { href: '/app/settings', class: 'nav-user', title: 'Settings', 'aria-current': current(path, '/app/settings') ? 'page' : undefined },
              session.user.username),
             h('button', { type: 'button', class: 'button secondary small', onClick: out }, 'Sign out')]
          : [h(Link, { href: '/app/signin' }, 'Sign in'), h(Link, { href: '/app/signup', class: 'button small' }, 'Sign up')])));
}
