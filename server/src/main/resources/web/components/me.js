// The signed-in user's own account (GET /me): the session knows only who signed in (id, username, email), not whether
// they are an administrator. Asked once per sign-in and shared by the navigation bar and the admin pages.
import { get } from '../core/api.js';
import { useSession } from '../core/session.js';
import { useLoad } from './page.js';

let asked = { userId: null, answer: null };

function me(userId) {
  if (asked.userId !== userId) {
    const answer = get('/me');
    asked = { userId, answer };
    // a failure is not kept: the next page asks again
    answer.catch(() => { if (asked.answer === answer) asked = { userId: null, answer: null }; });
  }
  return asked.answer;
}

/** { data: the account or null signed out, error, loading }, as useLoad. */
export function useMe() {
  const userId = useSession().user?.id ?? null;
  return useLoad(() => (userId === null ? Promise.resolve(null) : me(userId)), [userId]);
}
