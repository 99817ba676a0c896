// What the app's lists share: tabs for whose things are listed (owned, shared, public), kept in the address so that
// a tab can be linked to and reloaded, and a filter box whose text is used once typing pauses.
import { h, useState, useEffect } from '../core/html.js';
import { Link } from '../core/router.js';

const FILTER_DELAY_MS = 250;

/** The tabs as links to `path?tab=KEY`; `tabs` are [key, text] pairs, the first one the default. */
export function Tabs({ label, path, tabs, current }) {
  return h('nav', { class: 'tabs', 'aria-label': label },
    h('ul', null, tabs.map(([key, text], i) => h('li', null,
      h(Link, { href: i === 0 ? path : path + '?tab=' + key, 'aria-current': key === current ? 'page' : undefined }, text)))));
}

/** The tab named by the address's `tab`, or the first one when it names none of them. */
export function currentTab(query, tabs) {
  const asked = query.get('tab');
  return tabs.some(([key]) => key === asked) ? asked : tabs[0][0];
}

/** `value`, once it has stayed the same for a moment (the text of a filter box while someone types). */
export function useSettled(value) {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), FILTER_DELAY_MS);
    return () => clearTimeout(timer);
  }, [value]);
  return settled;
}

/** A labelled search box. */
export function FilterBox({ id, label, placeholder, value, onValue }) {
  return h('div', { class: 'filter' },
    h('label', { for: id }, label),
    h('input', { id, type: 'search', placeholder, value, onInput: (e) => onValue(e.currentTarget.value) }));
}

/** A labelled select for narrowing a list; `options` are [value, text] pairs, '' for "any". */
export function FilterSelect({ id, label, value, onValue, options }) {
  return h('div', { class: 'filter' },
    h('label', { for: id }, label),
    h('select', { id, value, onChange: (e) => onValue(e.currentTarget.value) },
      options.map(([v, text]) => h('option', { value: v }, text))));
}
