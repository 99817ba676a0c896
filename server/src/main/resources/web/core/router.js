// Client-side routes under /app/: the server answers the same page for every one of them, so a deep link or a reload
// lands here, and the path picks the page. Links and navigate() change the path without a reload.
import { h, useState, useEffect } from './html.js';

const listeners = new Set();

function here() {
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

function changed() {
  const location = here();
  listeners.forEach((listener) => listener(location));
}

window.addEventListener('popstate', changed);

// a page with unsaved changes asks before the app leaves it: a function giving its question, or null
let leaveGuard = null;
export function setLeaveGuard(ask) {
  leaveGuard = ask;
}

export function navigate(to, { replace = false } = {}) {
  if (leaveGuard && !window.confirm(leaveGuard())) return;
  leaveGuard = null;
  history[replace ? 'replaceState' : 'pushState'](null, '', to);
  window.scrollTo(0, 0);
  changed();
}

export function useLocation() {
  const [location, setLocation] = useState(here);
  useEffect(() => {
    listeners.add(setLocation);
    return () => listeners.delete(setLocation);
  }, []);
  return location;
}

/**
 * The route whose pattern (such as /app/projects/:id) matches the path, with its parameters; the last route is the
 * one for paths no other matches.
 */
export function match(routes, path) {
  const parts = path.replace(/\/+$/, '').split('/');
  for (const route of routes) {
    const pattern = route.path.replace(/\/+$/, '').split('/');
    if (pattern.length !== parts.length) continue;
    const params = {};
    const fits = (p, i) => (p.startsWith(':') ? (params[p.slice(1)] = decodeURIComponent(parts[i])) !== '' : p === parts[i]);
    try {
      if (pattern.every(fits)) return { route, params };
    } catch {
      break; // a malformed escape (%zz) in the path: no page has it
    }
  }
  return { route: routes[routes.length - 1], params: {} };
}

/** A link within the app: followed without a reload, unless the user asks for a new tab or window. */
export function Link({ href, children, ...props }) {
  const follow = (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return h('a', { href, onClick: follow, ...props }, children);
}
