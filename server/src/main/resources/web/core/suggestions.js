// Suggestions for what is being typed, from a search of the API once typing pauses (2 characters or more). Quiet on
// failure: the people searches are throttled, and a suggestion is a help, not an answer.
import { useEffect, useState } from './html.js';

const PAUSE_MS = 250;

/** The items `search(query)` resolves to for `text`, searched again when `text` or one of `deps` changes. */
export function useSuggestions(text, search, deps = []) {
  const [items, setItems] = useState([]);
  useEffect(() => {
    const q = text.trim();
    if (q.length < 2) {
      setItems([]);
      return undefined;
    }
    let current = true;
    const timer = setTimeout(() => search(q).then((found) => current && setItems(found), () => {}), PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, ...deps]);
  return items;
}
