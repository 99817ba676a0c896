// What every page is made of: a heading that takes the focus when the page opens (so that keyboard and screen
// reader users start there after a navigation), data loaded from the API with its loading and error states, and pagers.
import { h, useState, useEffect, useRef } from '../core/html.js';
import { sentence } from '../core/format.js';

/** A page: its title (the h1 and the window's), actions beside the title, and its content; `narrow` for a single form. */
export function Page({ title, actions, narrow = false, children }) {
  const heading = useRef(null);
  useEffect(() => {
    document.title = title + ' · Flow';
    heading.current?.focus({ preventScroll: true });
  }, [title]);
  return h('div', { class: narrow ? 'page narrow' : 'page' },
    h('div', { class: 'page-head' },
      h('h1', { ref: heading, tabIndex: -1 }, title),
      actions && h('div', { class: 'page-actions' }, actions)),
    children);
}

/**
 * The answer of `load()`, run again whenever one of `deps` changes: { data, error, loading }. An answer that
 * arrives after a newer request started is dropped.
 */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error) => current && setState({ data: null, error, loading: false }));
    return () => { current = false; };
  }, deps);
  return state;
}

/** A fact of a detail page's <dl>, '—' when missing. */
export function Fact({ label, wide = false, children }) {
  return h('div', { class: wide ? 'wide' : undefined }, h('dt', null, label), h('dd', null, children || '—'));
}

export function Loading({ what }) {
  return h('p', { class: 'loading', role: 'status' }, 'Loading ' + what + '…');
}

/**
 * The box a table scrolls sideways in when it is wider than the screen. It can take the focus, so that a keyboard
 * scrolls it too (axe: scrollable-region-focusable).
 */
export function TableWrap({ children }) {
  return h('div', { class: 'table-wrap', tabIndex: 0 }, children);
}

export function ErrorNotice({ error }) {
  return h('p', { class: 'form-error', role: 'alert' }, sentence(error.message));
}

/**
 * Previous and next pages of a listing of `count` items, `limit` a page; `capped` when the API counted only so far
 * (its searches: `count_capped`), so that there are more than `count`.
 */
export function Pager({ count, offset, limit, onOffset, label, capped = false }) {
  if (count <= limit) return null;
  const last = Math.min(offset + limit, count);
  return h('nav', { class: 'pager', 'aria-label': label + ' pages' },
    h('button', { type: 'button', class: 'button secondary', disabled: offset === 0, onClick: () => onOffset(Math.max(0, offset - limit)) }, 'Previous'),
    h('span', { 'aria-live': 'polite' }, `${offset + 1}–${last} of ${count}${capped ? '+' : ''}`),
    h('button', { type: 'button', class: 'button secondary', disabled: last >= count, onClick: () => onOffset(offset + limit) }, 'Next'));
}
