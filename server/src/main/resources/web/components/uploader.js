// The uploader: a drop zone for files or folders (also a button that opens the file picker), the list of files with
// their progress, speed, time left and errors, and the total. The work is core/uploads.js's; for reads, each file's
// read number and lane (guessed from its name) can be changed before it starts.
import { h, useState, useEffect, useRef } from '../core/html.js';
import { get } from '../core/api.js';
import { formatBytes, formatDateTime, formatDuration, sentence } from '../core/format.js';
import { queueFor } from '../core/uploads.js';

/** The files of a drop: folders walked through (their hidden files left out), or the files themselves. */
async function droppedFiles(transfer) {
  // the entries must be taken while the drop event is being handled: before the first await
  const entries = [...transfer.items].filter((i) => i.kind === 'file').map((i) => i.webkitGetAsEntry?.());
  if (entries.length === 0 || !entries.every(Boolean)) return [...transfer.files]; // no entries (a drop made by a script)
  const files = [];
  for (const entry of entries) await walk(entry, files);
  return files;
}

async function walk(entry, files) {
  if (entry.name.startsWith('.')) return;
  if (entry.isFile) {
    files.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    // a folder's entries come in batches, until an empty one
    for (let batch; (batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject))).length > 0;) {
      for (const child of batch) await walk(child, files);
    }
  }
}

function speedAndTimeLeft(done, size, perSecond) {
  if (!perSecond) return '';
  return ` · ${formatBytes(perSecond)}/s · ${formatDuration((size - done) / perSecond)} left`;
}

function statusOf(item) {
  switch (item.state) {
    case 'ready': return item.resume && item.useResume ? 'Ready to continue' : 'Ready';
    case 'waiting': return 'Waiting for another file to finish';
    case 'starting': return 'Starting';
    case 'hashing': return `Computing its md5: ${Math.floor((100 * item.hashed) / Math.max(item.size, 1))}%`;
    case 'sending': return `${formatBytes(item.sent)} of ${formatBytes(item.size)}${speedAndTimeLeft(item.sent, item.size, item.rate.perSecond())}`;
    case 'retrying': return item.note;
    case 'done': return 'Uploaded; md5 ' + item.md5 + ' checked by the server';
    default: return 'Not uploaded';
  }
}

/** For reads: the read number and lane, editable until the file starts (and not for an upload that continues: its are fixed). */
function ReadFields({ item, queue }) {
  const id = 'upload-' + item.id;
  const fixed = item.state !== 'ready' || (item.resume && item.useResume);
  if (fixed) return h('p', { class: 'upload-read' }, `Read ${item.read.number}${item.read.lane ? ' · lane ' + item.read.lane : ''}`);
  return h('div', { class: 'upload-read fields' },
    h('label', { for: id + '-read' }, 'Read'),
    h('select', { id: id + '-read', value: String(item.read.number),
      onChange: (e) => queue.update(item, { read: { ...item.read, number: Number(e.currentTarget.value) } }) },
      h('option', { value: '1' }, '1'), h('option', { value: '2' }, '2')),
    h('label', { for: id + '-lane' }, 'Lane'),
    h('input', { id: id + '-lane', class: 'lane', inputMode: 'numeric', value: item.read.lane, placeholder: '—',
      onInput: (e) => queue.update(item, { read: { ...item.read, lane: e.currentTarget.value.trim() } }) }));
}

function Row({ item, queue, reads }) {
  const id = 'upload-' + item.id;
  const running = ['waiting', 'starting', 'hashing', 'sending', 'retrying'].includes(item.state);
  return h('li', { class: 'upload-item state-' + item.state, id },
    h('div', { class: 'upload-head' },
      h('span', { class: 'upload-name', id: id + '-name' }, item.name),
      h('span', { class: 'upload-size' }, formatBytes(item.size))),
    reads && h(ReadFields, { item, queue }),
    item.resume && item.state === 'ready' && h('div', { class: 'field check upload-resume' },
      h('input', { type: 'checkbox', id: id + '-resume', checked: item.useResume,
        onChange: (e) => queue.update(item, { useResume: e.currentTarget.checked }) }),
      h('label', { for: id + '-resume' }, 'Continue the upload of this file started ' + formatDateTime(item.resume.started))),
    h('progress', { max: Math.max(item.size, 1), value: item.sent, 'aria-labelledby': id + '-name', 'aria-describedby': id + '-status' }),
    h('div', { class: 'upload-foot' },
      h('p', { class: 'upload-status', id: id + '-status' }, statusOf(item)),
      h('div', { class: 'upload-actions' },
        item.state === 'failed' && h('button', { type: 'button', class: 'button small', onClick: () => queue.retry(item) }, 'Try again'),
        h('button', { type: 'button', class: 'button secondary small', onClick: () => queue.remove(item),
          'aria-label': (running ? 'Stop ' : 'Remove ') + item.name }, running ? 'Stop' : 'Remove'))),
    item.note && item.state !== 'retrying' && h('p', { class: 'hint' }, item.note),
    item.error && h('p', { class: 'field-error', role: 'alert' }, sentence(item.error)));
}

function Total({ items, queue }) {
  const started = items.filter((i) => i.state !== 'ready');
  if (started.length === 0) return null;
  const size = started.reduce((sum, i) => sum + i.size, 0);
  const sent = started.reduce((sum, i) => sum + i.sent, 0);
  const done = started.filter((i) => i.state === 'done').length;
  const failed = started.filter((i) => i.state === 'failed').length;
  const running = queue.busy();
  return h('div', { class: 'upload-total' },
    h('div', { class: 'upload-head' },
      h('span', { id: 'upload-total-label', class: 'upload-name' }, 'All files'),
      h('span', { class: 'upload-size', 'aria-live': 'polite' },
        `${done} of ${started.length} uploaded${failed ? `, ${failed} failed` : ''}`)),
    h('progress', { max: Math.max(size, 1), value: sent, 'aria-labelledby': 'upload-total-label' }),
    h('p', { class: 'upload-status' },
      `${formatBytes(sent)} of ${formatBytes(size)}${running ? speedAndTimeLeft(sent, size, queue.total.perSecond()) : ''}`));
}

/** What this browser left unfinished here, with how far the server got: dropping the same file again continues it. */
function Unfinished({ queue }) {
  const entries = queue.unfinished();
  const [progress, setProgress] = useState({});
  const ids = entries.map((e) => e.file_id).join(' ');
  useEffect(() => {
    let current = true;
    for (const entry of entries) {
      get('/upload/' + encodeURIComponent(entry.file_id)).then(
        (p) => current && setProgress((all) => ({ ...all, [entry.file_id]: `${p.received.length} of ${p.total_chunks} chunks on the server` })),
        (e) => {
          if (!current) return;
          if (e.status === 404) queue.forget(entry.file_id); // expired or discarded on the server: nothing to continue
          else setProgress((all) => ({ ...all, [entry.file_id]: 'the server cannot tell how far it got: ' + e.message }));
        });
    }
    return () => { current = false; };
  }, [ids]);
  if (entries.length === 0) return null;
  return h('section', { class: 'upload-unfinished', 'aria-labelledby': 'unfinished-title' },
    h('h2', { id: 'unfinished-title' }, 'Unfinished uploads'),
    h('p', null, 'Drop or choose the same file again to continue where it stopped.'),
    h('ul', null, entries.map((e) => h('li', null,
      h('span', { class: 'upload-name' }, e.name),
      h('span', { class: 'upload-size' }, ` ${formatBytes(e.size)}${e.read_number ? ', read ' + e.read_number : ''} · ${progress[e.file_id] || 'started ' + formatDateTime(e.started)}`),
      h('button', { type: 'button', class: 'button secondary small', 'aria-label': 'Forget the upload of ' + e.name,
        onClick: () => queue.forget(e.file_id) }, 'Forget')))));
}

/**
 * The uploader of a target: { kind: 'data' } (the caller's data; `extra.project_id` to attach the files to a project)
 * or { kind: 'reads', sampleId }. `onDone` is told when a file completes.
 */
export function Uploader({ user, target, extra = {}, onDone }) {
  const queue = queueFor(user.id, target);
  const [, redraw] = useState(0);
  const [over, setOver] = useState(false);
  const files = useRef(null);
  const folder = useRef(null);
  const doneCount = useRef(queue.items.filter((i) => i.state === 'done').length);
  const tell = useRef(onDone);
  tell.current = onDone;
  useEffect(() => queue.subscribe(() => {
    redraw((n) => n + 1);
    const done = queue.items.filter((i) => i.state === 'done').length;
    if (done > doneCount.current) tell.current?.();
    doneCount.current = done;
  }), [queue]);

  const picked = (event) => {
    queue.add([...event.currentTarget.files]);
    event.currentTarget.value = ''; // the same file chosen again is a change again
  };
  const drop = (event) => {
    event.preventDefault();
    setOver(false);
    droppedFiles(event.dataTransfer).then((dropped) => queue.add(dropped),
      (e) => { queue.notice = 'The dropped files cannot be read: ' + e.message; queue.changed(); });
  };
  const dragOver = (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setOver(true);
  };
  const reads = target.kind === 'reads';
  const ready = queue.items.filter((i) => i.state === 'ready').length;
  return h('div', { class: 'uploader' },
    h(Unfinished, { queue }),
    h('button', { type: 'button', class: 'dropzone' + (over ? ' over' : ''), onClick: () => files.current.click(),
      onDragOver: dragOver, onDragEnter: dragOver, onDragLeave: () => setOver(false), onDrop: drop },
      h('span', { class: 'dropzone-title' }, reads ? 'Drop FASTQ files or a folder here' : 'Drop files or a folder here'),
      h('span', { class: 'dropzone-hint' }, 'or press to choose files')),
    // the pickers themselves are hidden: the drop zone and the folder button open them
    h('input', { type: 'file', multiple: true, ref: files, id: 'upload-files', class: 'visually-hidden', tabIndex: -1,
      'aria-label': 'Files to upload', onChange: picked }),
    h('input', { type: 'file', multiple: true, webkitdirectory: true, ref: folder, class: 'visually-hidden', tabIndex: -1,
      'aria-label': 'A folder to upload', onChange: picked }),
    h('div', { class: 'uploader-actions' },
      h('button', { type: 'button', class: 'button secondary', onClick: () => folder.current.click() }, 'Choose a folder'),
      h('button', { type: 'button', class: 'button start', disabled: ready === 0, onClick: () => queue.start(extra) },
        ready > 1 ? `Upload ${ready} files` : 'Upload')),
    queue.notice && h('p', { class: 'form-error', role: 'alert' }, queue.notice),
    h(Total, { items: queue.items, queue }),
    queue.items.length > 0 && h('ul', { class: 'upload-list', 'aria-label': 'Files' },
      queue.items.map((item) => h(Row, { key: item.id, item, queue, reads }))));
}
