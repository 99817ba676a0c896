// Saving a data file from the API. The access token lives in this page's memory only, so a plain link cannot carry
// it: the file is fetched with the token, then handed to the browser to save under its name. (Chromium keeps a large
// fetched file on disk rather than in memory until it is saved.)
import { request } from './api.js';

export async function downloadData(file) {
  await saveFrom(`/downloads/${file.id}/${encodeURIComponent(file.filename)}`, file.filename);
}

/** Fetches what the API answers at `path` (a file) with the token, and has the browser save it as `filename`. */
export async function saveFrom(path, filename) {
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
