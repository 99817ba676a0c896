// Flow's public API, as the app speaks it: JSON in and out, the access token as a bearer token, and errors as
// ApiError with the API's code, message and the field they name. The app has no other way to the server.

/** An answer of the API that is not a success (or no answer at all: status 0). */
export class ApiError extends Error {
  constructor(status, error) {
    super(error.message);
    this.status = status;
    this.code = error.code;
    this.details = error.details || {};
    /** The request field the error is about, when the API names one (details.field). */
    this.field = this.details.field || null;
  }

  /** The message without its "field: " prefix, for showing beside that field. */
  get fieldMessage() {
    const prefix = this.field + ': ';
    return this.field && this.message.startsWith(prefix) ? this.message.slice(prefix.length) : this.message;
  }
}

// The session (session.js) tells the API client how to get and renew the access token; set once at start.
let auth = { token: () => null, renew: async () => false };
export function setAuth(provider) {
  auth = provider;
}

function unreachable() {
  return new ApiError(0, { code: 'NETWORK_ERROR', message: 'Flow cannot be reached: check the connection and try again.' });
}

/**
 * Sends one request. A 401 on a request that carried a token means it ran out: the token is renewed once and the
 * request sent again. `withToken: false` for the session's own requests (sign-in, GET /token, sign-out) and for
 * asking as a visitor would (what is public). The answer is read as JSON, `as: 'text'`, or `as: 'response'` (body
 * unread) for a file (errors are JSON all the same); `headers` adds request headers (a Range); `signal` aborts it.
 */
export async function request(method, path, body, { withToken = true, retried = false, as = 'json', headers: extra = {}, signal } = {}) {
  const headers = { Accept: 'application/json', ...extra };
  const token = withToken ? auth.token() : null;
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    // a file's redirect to its storage (presigned S3) is not followed but told: CSP's connect-src 'self' blocks it
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', signal,
      redirect: as === 'response' ? 'manual' : 'follow' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw unreachable();
  }
  if (res.type === 'opaqueredirect') {
    throw new ApiError(0, { code: 'REDIRECTED', message: 'Flow sent the file to its storage, which this page may not reach' });
  }
  if (res.status === 401 && token && !retried && (await auth.renew())) {
    return request(method, path, body, { withToken, retried: true, as, headers: extra, signal });
  }
  if (res.ok && as === 'text') return res.text();
  if (res.ok && as === 'response') return res;
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    throw new ApiError(res.status, json?.error || { code: 'HTTP_' + res.status, message: `the server answered ${res.status}` });
  }
  return json;
}

/** The path with a query string made of the defined, non-empty values of `query`. */
function withQuery(path, query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, v);
  const qs = params.toString();
  return qs ? path + '?' + qs : path;
}

/** GET with a query string; `options` as for request() (`withToken: false` asks as a visitor). */
export function get(path, query = {}, options = {}) {
  return request('GET', withQuery(path, query), undefined, options);
}

/** GET of an endpoint that answers plain text (such as a file's preview). */
export function getText(path, query = {}) {
  return request('GET', withQuery(path, query), undefined, { as: 'text' });
}

export function post(path, body = {}) {
  return request('POST', path, body);
}

/**
 * POSTs a multipart form (an upload's chunk) through XMLHttpRequest, which, unlike fetch, tells how much of the body
 * is sent: `onProgress(fraction)`. `signal` aborts it (an AbortError). Tokens and errors as request().
 */
export async function postForm(path, form, { onProgress, signal } = {}, retried = false) {
  const token = auth.token();
  const { status, json } = await new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Accept', 'application/json');
    if (token) xhr.setRequestHeader('Authorization', 'Bearer ' + token);
    if (onProgress) xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let json = null;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        // not JSON (a proxy's error page): the status tells
      }
      resolve({ status: xhr.status, json });
    };
    xhr.onerror = () => resolve({ status: 0 });
    xhr.onabort = () => reject(new DOMException('the upload was stopped', 'AbortError'));
    if (signal?.aborted) return xhr.onabort();
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
  if (status === 0) throw unreachable();
  if (status === 401 && token && !retried && (await auth.renew())) return postForm(path, form, { onProgress, signal }, true);
  if (status < 200 || status >= 300) {
    throw new ApiError(status, json?.error || { code: 'HTTP_' + status, message: `the server answered ${status}` });
  }
  return json;
}
