// The app's frame: the navigation bar and the page of the current path, once the session is known.
import { h, useEffect } from './core/html.js';
import { match, navigate, useLocation } from './core/router.js';
import { useSession } from './core/session.js';
import { NavBar } from './components/nav.js';
import { Notice, transfers } from './components/transfer.js';
import { afterSignIn } from './pages/auth/signin.js';
import { ROUTES } from './routes.js';

/** Where a page that the session may not see sends it instead, or null. */
function redirect(route, session, location) {
  if (route.signedIn && !session.user) {
    const query = location.query.toString();
    return '/app/signin?next=' + encodeURIComponent(location.path + (query ? '?' + query : ''));
  }
  if (route.signedOut && session.user) return afterSignIn(location.query);
  return null;
}

export function App() {
  const session = useSession();
  const location = useLocation();
  const { route, params } = match(ROUTES, location.path);
  const elsewhere = session.known ? redirect(route, session, location) : null;
  useEffect(() => {
    // only from the path it was decided for: a navigation since then (such as after a sign-in) has the last word
    if (elsewhere && window.location.pathname === location.path) navigate(elsewhere, { replace: true });
  }, [elsewhere]);
  return [
    h(NavBar, { session, path: location.path }),
    h('main', { id: 'main', class: 'main' },
      session.known && !elsewhere && [h(Notice, { path: location.path }), h(route.page, { key: transfers, params, query: location.query })]),
  ];
}
