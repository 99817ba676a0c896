// Uploads through the API's chunk protocol: POST /upload (data) and POST /upload/sample (a sample's reads), chunk by
// chunk, with GET /upload/{file_id} to learn which chunks the server has when an upload continues. The page shows a
// queue (components/uploader.js); this module does the work, so that it goes on while the person looks at another page.
//
// Each file: its md5 is computed first, in a Web Worker (the API takes it with the first chunk and checks the whole
// file against it), then its chunks are sent one after the other, several files at once. The browser remembers an
// unfinished upload in localStorage (what identifies the file, its file_id, chunk size and md5), so that after a
// reload or a lost connection the same file dropped again continues where the server stopped.
import { ApiError, get, postForm } from './api.js';
import { formatBytes } from './format.js';

/** Under the 10 MB the API recommends, and far under its default limit of 64 MiB a chunk. */
export const CHUNK_BYTES = 8 << 20;
/** New uploads' chunk size: lowered to the server's limit once a 413 tells it (details.max_chunk_bytes). */
let chunkBytes = CHUNK_BYTES;
const PARALLEL_FILES = 3;
/** A chunk that fails for a reason that may pass (no connection, a server error) is tried this often in all... */
const TRIES = 5;
/** ...waiting 1 s, then 2, 4, 8 s between tries. */
const FIRST_WAIT_MS = 1000;
const STORE_KEY = 'flow-unfinished-uploads';
/** Speeds are measured over the last few seconds: steady, yet following a change. */
const SPEED_WINDOW_MS = 8000;
const REDRAW_MS = 250;

// ---- what the browser remembers of unfinished uploads (one list for every user and target of this browser)

function stored() {
  try {
    const list = JSON.parse(localStorage.getItem(STORE_KEY) || '[]');
    return Array.isArray(list) ? list : [];
  } catch {
    return []; // unreadable (edited by hand): nothing to continue
  }
}

function store(list) {
  if (list.length) localStorage.setItem(STORE_KEY, JSON.stringify(list));
  else localStorage.removeItem(STORE_KEY);
}

function remember(entry) {
  store([...stored().filter((e) => e.file_id !== entry.file_id), entry]);
}

/** Forgets an unfinished upload here (the server discards it when it expires). */
export function forget(fileId) {
  store(stored().filter((e) => e.file_id !== fileId));
}

function sameFile(entry, file) {
  return entry.name === file.name && entry.size === file.size && entry.last_modified === file.lastModified;
}

// ---- reads

/** Read number and lane as sequencers name their files: sample_S1_L001_R1_001.fastq.gz is read 1 of lane 1. */
export function guessRead(name) {
  const read = /(?:^|[._-])R([12])(?=[._-]|$)/i.exec(name) || /_([12])\.(?:fq|fastq)(?:\.gz)?$/i.exec(name);
  const lane = /(?:^|[._-])L0*([1-9][0-9]*)(?=[._-]|$)/i.exec(name);
  return { number: read ? Number(read[1]) : 1, lane: lane ? lane[1] : '' };
}

// ---- helpers

/** A file_id the API accepts (letters, digits, '-'), random: crypto.randomUUID needs https, getRandomValues does not. */
function newFileId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'web-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Worth trying again: no answer, or an answer that says the server (not the request) had a problem. */
function passing(error) {
  return error instanceof ApiError && (error.status === 0 || error.status === 408 || error.status === 429
    || (error.status >= 500 && error.status !== 507));
}

/** The server's chunk limit when `error` refused a chunk of `entry` as too large; else null. */
function smallerChunks(error, entry) {
  const max = error instanceof ApiError && error.status === 413 ? error.details.max_chunk_bytes : undefined;
  return Number.isInteger(max) && max > 0 && max < entry.chunk_size ? max : null;
}

function aborted() {
  return new DOMException('the upload was stopped', 'AbortError');
}

function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); reject(aborted()); }, { once: true });
  });
}

/** Resolves once the browser believes it is online again (at once if it does). */
function online(signal) {
  if (navigator.onLine) return Promise.resolve();
  return new Promise((resolve, reject) => {
    window.addEventListener('online', resolve, { once: true });
    signal.addEventListener('abort', () => reject(aborted()), { once: true });
  });
}

/** The file's md5, computed in md5-worker.js; `onHashed(bytes)` as it goes. */
function md5Of(file, onHashed, signal) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./md5-worker.js', import.meta.url), { type: 'module' });
    const end = (settle) => { worker.terminate(); settle(); };
    signal.addEventListener('abort', () => end(() => reject(aborted())), { once: true });
    worker.onmessage = ({ data }) => {
      if (data.hashed !== undefined) onHashed(data.hashed);
      else if (data.md5) end(() => resolve(data.md5));
      else end(() => reject(new Error('its md5 could not be computed: ' + data.error)));
    };
    worker.onerror = (e) => end(() => reject(new Error('its md5 could not be computed: ' + (e.message || 'the worker did not start'))));
    worker.postMessage(file);
  });
}

/** Bytes a second over the last seconds, from samples of a growing count of bytes. */
class Rate {
  samples = [];

  add(bytes, now) {
    this.samples.push([now, bytes]);
    while (this.samples.length > 2 && now - this.samples[0][0] > SPEED_WINDOW_MS) this.samples.shift();
  }

  /** Null until there is a second of samples to tell. */
  perSecond() {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || last[0] - first[0] < 1000) return null;
    return ((last[1] - first[1]) * 1000) / (last[0] - first[0]);
  }

  reset() {
    this.samples = [];
  }
}

// ---- the queue

let lastItem = 0;

/**
 * The files of one target ({ kind: 'data' }, or { kind: 'reads', sampleId }) of one user, in the order they were
 * added. An item's `state`: ready (waits for the person to start it), waiting (for a free slot), starting (asking the
 * server how far an upload that continues got), hashing, sending, retrying, done, failed. Listeners hear of every change, a few times a second at most.
 */
export class UploadQueue {
  constructor(user, target) {
    this.user = user;
    this.target = target;
    this.key = target.kind === 'reads' ? 'sample:' + target.sampleId : 'data';
    this.items = [];
    this.notice = null;
    this.running = 0;
    this.total = new Rate();
    this.listeners = new Set();
    this.redraw = null;
    // a connection back: the files that failed for want of it go on
    window.addEventListener('online', () => this.items.filter((i) => i.state === 'failed' && i.retryable).forEach((i) => this.retry(i)));
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells the listeners: at once, or with `progress` (bytes hashed or sent) at most a few times a second. */
  changed(progress = false) {
    if (progress && this.redraw) return;
    clearTimeout(this.redraw);
    this.redraw = setTimeout(() => this.notify(), progress ? REDRAW_MS : 0);
  }

  notify() {
    this.redraw = null;
    const now = performance.now();
    for (const item of this.items) if (item.state === 'sending') item.rate.add(item.sent, now);
    this.total.add(this.items.reduce((sum, i) => sum + i.sent, 0), now);
    this.listeners.forEach((listener) => listener());
  }

  /** The uploads of this target that this browser left unfinished, other than those of files in the queue. */
  unfinished() {
    return stored().filter((e) => e.user === this.user && e.target === this.key
      && !this.items.some((i) => i.fileId === e.file_id || (i.resume?.file_id === e.file_id)));
  }

  forget(fileId) {
    forget(fileId);
    this.changed();
  }

  /** Adds files; one that an unfinished upload of this target was of is offered to continue it. */
  add(files) {
    const skipped = [];
    for (const file of files) {
      const busy = this.items.some((i) => sameFile({ name: i.name, size: i.size, last_modified: i.file.lastModified }, file) && i.state !== 'done' && i.state !== 'failed');
      if (busy) {
        skipped.push(file.name);
        continue;
      }
      const resume = stored().find((e) => e.user === this.user && e.target === this.key && sameFile(e, file)) || null;
      const read = resume ? { number: resume.read_number, lane: resume.lane ? String(resume.lane) : '' } : guessRead(file.name);
      this.items.push({ id: ++lastItem, file, name: file.name, size: file.size, state: 'ready', read, resume, useResume: Boolean(resume),
        hashed: 0, sent: 0, error: null, retryable: false, note: null, fileId: null, md5: null, data: null, control: null, rate: new Rate() });
    }
    this.notice = skipped.length ? `Already in the list: ${skipped.join(', ')}.` : null;
    this.changed();
  }

  /** Changes an item before it starts: { read } or { useResume }. */
  update(item, patch) {
    Object.assign(item, patch);
    item.error = null;
    this.changed();
  }

  /** Removes an item, stopping its upload; an unfinished one is forgotten (the person gave it up). */
  remove(item) {
    item.control?.abort();
    if (item.fileId && item.state !== 'done') forget(item.fileId);
    this.items = this.items.filter((i) => i !== item);
    this.changed();
  }

  /** Starts every ready file; `extra` are fields for all of them (project_id of a data upload). */
  start(extra = {}) {
    const ready = this.items.filter((i) => i.state === 'ready');
    if (this.target.kind === 'reads' && !this.readsAreDistinct(ready)) return this.changed();
    for (const item of ready) {
      item.extra = extra;
      item.state = 'waiting';
    }
    this.total.reset();
    this.pump();
    this.changed();
  }

  retry(item) {
    if (item.state !== 'failed') return;
    // what the browser still remembers of it continues; else (the server refused it) it starts again
    item.resume = stored().find((e) => e.file_id === item.fileId) || null;
    item.useResume = Boolean(item.resume);
    item.error = null;
    item.state = 'waiting';
    this.pump();
    this.changed();
  }

  /** Whether the work in progress would be lost by leaving the page. */
  busy() {
    return this.items.some((i) => ['waiting', 'starting', 'hashing', 'sending', 'retrying'].includes(i.state));
  }

  /** A sample holds one file per read number and lane: two files for the same are told before anything is sent. */
  readsAreDistinct(ready) {
    let distinct = true;
    const seen = new Map();
    for (const item of ready) {
      if (item.read.lane !== '' && !/^[1-9][0-9]*$/.test(item.read.lane)) {
        item.error = 'lane: a positive whole number, or empty when the lane is not known';
        distinct = false;
        continue;
      }
      const key = item.read.number + '/' + item.read.lane;
      if (seen.has(key)) {
        item.error = `read ${item.read.number}${item.read.lane ? ' of lane ' + item.read.lane : ''} is also chosen for ${seen.get(key).name}: change one of them`;
        distinct = false;
      } else seen.set(key, item);
    }
    return distinct;
  }

  pump() {
    while (this.running < PARALLEL_FILES) {
      const next = this.items.find((i) => i.state === 'waiting');
      if (!next) return;
      next.state = 'starting'; // taken, before run() first waits
      this.running++;
      this.run(next).finally(() => {
        this.running--;
        this.pump();
        this.changed();
      });
    }
  }

  async run(item) {
    const control = new AbortController();
    item.control = control;
    item.note = null;
    try {
      let plan = await this.prepare(item, control.signal);
      while (plan) {
        try {
          await this.send(item, plan, control.signal);
          plan = null;
        } catch (e) {
          const fits = smallerChunks(e, plan.entry);
          if (!fits) throw e;
          // nothing of a refused chunk is kept: the file starts again, same md5, smaller chunks
          chunkBytes = Math.min(chunkBytes, fits);
          forget(plan.entry.file_id);
          plan = this.begin(item, { ...plan.entry, chunk_size: fits });
          item.note = `Started again in chunks of ${formatBytes(fits)}, the most Flow takes.`;
        }
      }
    } catch (e) {
      if (e.name === 'AbortError') return;
      item.state = 'failed';
      item.error = e.message;
      item.retryable = passing(e);
      item.note = null;
      // refused by the server: nothing of it is kept, nor can be continued
      if (!item.retryable) {
        item.sent = 0;
        if (item.fileId) forget(item.fileId);
      }
    }
  }

  /** The upload to make or continue, and the chunks the server has; null when the server already has the whole file. */
  async prepare(item, signal) {
    if (item.resume && item.useResume) {
      const entry = item.resume;
      item.fileId = entry.file_id;
      try {
        const progress = await get('/upload/' + encodeURIComponent(entry.file_id));
        if (progress.status === 'complete') {
          this.finish(item, entry, { id: progress.data_id, md5: entry.md5 });
          return null;
        }
        return { entry, received: new Set(progress.received) };
      } catch (e) {
        if (e.status !== 404) throw e;
        forget(entry.file_id);
        item.note = 'The earlier upload had expired on the server: it starts again.';
      }
    }
    item.state = 'hashing';
    item.hashed = 0;
    this.changed();
    const md5 = await md5Of(item.file, (hashed) => { item.hashed = hashed; this.changed(true); }, signal);
    return this.begin(item, {
      user: this.user, target: this.key, name: item.name, size: item.size,
      last_modified: item.file.lastModified, chunk_size: chunkBytes, md5,
      ...(this.target.kind === 'reads'
        ? { read_number: item.read.number, lane: item.read.lane === '' ? null : Number(item.read.lane) }
        : { project_id: item.extra.project_id || null }),
    });
  }

  /** A new upload of the item's file: `fields` with a file_id, remembered. */
  begin(item, fields) {
    const entry = { ...fields, file_id: newFileId(), started: new Date().toISOString() };
    item.fileId = entry.file_id;
    try {
      remember(entry);
    } catch (e) {
      // storage full or refused (a private window): the upload goes on, only it cannot continue after a reload
      item.note = 'This browser cannot remember the upload (' + e.message + '): after a reload it starts again.';
    }
    return { entry, received: new Set() };
  }

  async send(item, { entry, received }, signal) {
    const total = Math.max(1, Math.ceil(item.size / entry.chunk_size));
    const chunkBytes = (chunk) => Math.min(entry.chunk_size, item.size - chunk * entry.chunk_size);
    const held = () => [...received].reduce((sum, chunk) => sum + chunkBytes(chunk), 0);
    item.md5 = entry.md5;
    item.state = 'sending';
    item.sent = held();
    item.rate.reset();
    this.changed();
    const missing = [...Array(total).keys()].filter((chunk) => !received.has(chunk));
    // Every chunk in but no record: a completion the server did not finish, which a chunk sent again resumes.
    if (missing.length === 0) missing.push(total - 1);
    for (const chunk of missing) {
      let answer;
      try {
        answer = await this.sendChunk(item, entry, chunk, total, (fraction) => {
          item.sent = held() + (received.has(chunk) ? 0 : fraction * chunkBytes(chunk));
          this.changed(true);
        }, signal);
      } finally {
        item.sent = held(); // a chunk not taken counts for nothing, even when all of its bytes went out
      }
      received.add(chunk);
      item.sent = held();
      if (answer.data) return this.finish(item, entry, answer.data);
    }
    // Every chunk sent, yet no record in the answers: another request (of another tab) is completing the file.
    for (let attempt = 0; attempt < TRIES; attempt++) {
      await pause(FIRST_WAIT_MS * 2 ** attempt, signal);
      const progress = await get('/upload/' + encodeURIComponent(entry.file_id));
      if (progress.status === 'complete') return this.finish(item, entry, { id: progress.data_id });
    }
    throw new ApiError(503, { code: 'NOT_COMPLETE', message: 'the server has every chunk but has not finished the file yet: try again in a minute' });
  }

  finish(item, entry, data) {
    item.state = 'done';
    item.sent = item.size;
    item.data = data;
    forget(entry.file_id);
    this.changed();
  }

  /** Sends one chunk, trying again (after a wait that doubles, and once online) while the failure may pass. */
  async sendChunk(item, entry, chunk, total, onProgress, signal) {
    const start = chunk * entry.chunk_size;
    for (let attempt = 1; ; attempt++) {
      const form = new FormData();
      form.append('file_id', entry.file_id);
      form.append('filename', entry.name);
      form.append('chunk', String(chunk));
      form.append('total_chunks', String(total));
      form.append('md5', entry.md5);
      if (this.target.kind === 'reads') {
        form.append('sample_id', String(this.target.sampleId));
        form.append('read_number', String(entry.read_number));
        if (entry.lane) form.append('lane', String(entry.lane));
      } else if (entry.project_id) {
        form.append('project_id', String(entry.project_id));
      }
      form.append('file', item.file.slice(start, start + entry.chunk_size), entry.name);
      try {
        return await postForm(this.target.kind === 'reads' ? '/upload/sample' : '/upload', form, { onProgress, signal });
      } catch (e) {
        if (e.name === 'AbortError' || !passing(e) || attempt >= TRIES) throw e;
        const wait = FIRST_WAIT_MS * 2 ** (attempt - 1);
        item.state = 'retrying';
        const reason = e.status === 0 ? 'no answer from Flow' : e.message;
        item.note = `Chunk ${chunk + 1} of ${total} did not go through (${reason}); trying again in ${wait / 1000} s, try ${attempt + 1} of ${TRIES}.`;
        this.changed();
        await pause(wait, signal);
        await online(signal);
        item.state = 'sending';
        item.note = null;
        item.rate.reset();
      }
    }
  }
}

const queues = new Map();

/** The queue of a user's uploads to a target: the same one for as long as the page is open. */
export function queueFor(user, target) {
  const key = user + '/' + (target.kind === 'reads' ? 'sample:' + target.sampleId : 'data');
  if (!queues.has(key)) queues.set(key, new UploadQueue(user, target));
  return queues.get(key);
}

// Leaving the page stops the uploads (they continue when the same files are dropped again): the browser asks first.
window.addEventListener('beforeunload', (event) => {
  if ([...queues.values()].some((q) => q.busy())) {
    event.preventDefault();
    event.returnValue = ''; // what older browsers wait for
  }
});
