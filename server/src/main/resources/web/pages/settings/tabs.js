// The settings pages share a heading and these tabs: one page per thing to change, so that each form stands alone.
import { h } from '../../core/html.js';
import { Link } from '../../core/router.js';
import { Page } from '../../components/page.js';

const TABS = [
  ['/app/settings', 'Profile'],
  ['/app/settings/password', 'Password'],
  ['/app/settings/ssh-key', 'SSH key'],
  ['/app/settings/tokens', 'API tokens'],
];

export function SettingsPage({ title, path, children }) {
  return h(Page, { title: 'Settings: ' + title },
    h('nav', { class: 'tabs', 'aria-label': 'Settings' },
      h('ul', null, TABS.map(([href, text]) => h('li', null,
        h(Link, { href, 'aria-current': href === path ? 'page' : undefined }, text))))),
    children);
}
