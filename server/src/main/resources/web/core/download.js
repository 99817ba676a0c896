// Saving a file from the API. The access token lives in this page's memory only, so a plain link cannot carry it:
// the file is fetched with the token, counted as it comes, then handed to the browser to save under its name.
// `If-Match: *` (true of any file) makes it conditional, which Flow never redirects to presigned S3 (openapi.yaml):
// the page may fetch from Flow alone (connect-src 'self').
import { request } from './api.js';

/** The API's path of a data file's bytes. */
export function dataPath(file) {
  return `/downloads/${file.id}/${encodeURIComponent(file.filename)}`;
}

/** Fetches `path` and saves it as `filename`; `onProgress(received, total or null)` as bytes come; `signal` stops it. */
export async function saveFile(path, filename, { onProgress = () => {}, signal } = {}) {
  const res = await request('GET', path, undefined, { as: 'response', headers: { 'If-Match': '*' }, signal });
  // bytes compressed on the way (by a proxy) would not add up to Content-Length
  const total = res.headers.get('Content-Encoding') ? null : Number(res.headers.get('Content-Length')) || null;
  let received = 0;
  const counted = res.body.pipeThrough(new TransformStream({
    transform(chunk, stream) {
      received += chunk.byteLength;
      onProgress(received, total);
      stream.enqueue(chunk);
    },
  }));
  const blob = await new Response(counted).blob();
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
