import { h } from '../core/html.js';
import { Link } from '../core/router.js';
import { Page } from '../components/page.js';

export function NotFoundPage() {
  return h(Page, { title: 'Page not found' },
    h('p', null, 'There is no such page in Flow. ', h(Link, { href: '/app/' }, 'Go to the dashboard'), '.'));
}
