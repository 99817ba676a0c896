// Saving a file from the API. The access token lives in this page's memory only, so a plain link cannot carry it:
// the file is fetched with the token, then handed to the browser to save under its name. (Chromium keeps a large
// fetched file on disk rather than in memory until it is saved.)
import { request } from './api.js';

/** The API's path of a data file's bytes. */
export function dataPath(file) {
  return `/downloads/${file.id}/${encodeURIComponent(file.filename)}`;
}

/** Fetches `path` (an endpoint answering a file) and saves it as `filename`. */
export async function saveFile(path, filename) {
  const blob = await request('GET', path, undefined, { as: 'blob' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // the browser has started saving once click() returns; the URL is let go a little later all the same
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
