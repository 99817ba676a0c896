// A stored multiplexed sheet (GET /upload/multiplexed/{id}): the reads it waits for, sent here in the offset protocol of
// POST /upload/multiplexed (read 1, then read 2 naming read 1's record), then its status, polled every 2 s while the
// server demultiplexes, and the samples it made.
import { h, useState, useEffect } from '../../core/html.js';
import { get } from '../../core/api.js';
import { sendInPieces } from '../../core/pieces.js';
import { Link } from '../../core/router.js';
import { formatCount, sentence } from '../../core/format.js';
import { ErrorNotice, Loading, Page, TableWrap } from '../../components/page.js';
import { FormError } from '../../core/form.js';
import { NotFoundPage } from '../notfound.js';

const PIECE_BYTES = 8 << 20;
const POLL_MS = 2000;

/** Sends a reads file in pieces; `reads1`: read 1's record, for a read 2. The file's record id. */
async function sendReads(file, reads1, onProgress) {
  const fields = reads1 ? { reads1: String(reads1) } : {};
  return (await sendInPieces('/upload/multiplexed', file, { pieceBytes: PIECE_BYTES, fields, onProgress })).data_id;
}

/** The files the sheet still waits for, in the order they must go: each read 1 before its read 2. */
function missing(sheet) {
  return sheet.inputs.flatMap((i) => [
    ...(i.reads1_data_id ? [] : [{ name: i.reads1, input: i }]),
    ...(i.reads2 && !i.reads2_data_id ? [{ name: i.reads2, input: i, read2: true }] : [])]);
}

function ReadsForm({ sheet, onSent, onFailed }) {
  const [files, setFiles] = useState([]);
  const [progress, setProgress] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const wanted = missing(sheet);
  const upload = async (event) => {
    event.preventDefault();
    const byName = new Map(files.map((f) => [f.name, f]));
    const absent = wanted.filter((w) => !byName.has(w.name)).map((w) => w.name);
    if (absent.length) return setError('choose ' + absent.join(', ') + ' too: the sheet names ' + (absent.length === 1 ? 'it' : 'them'));
    setBusy(true);
    setError(null);
    try {
      const ids = {};
      for (const w of wanted) {
        const reads1 = w.read2 ? w.input.reads1_data_id || ids[w.input.reads1] : null;
        ids[w.name] = await sendReads(byName.get(w.name), reads1, (p) => setProgress((s) => ({ ...s, [w.name]: p })));
      }
      onSent();
    } catch (e) {
      setError(e.message);
      onFailed(); // what did arrive is no longer asked for
    } finally {
      setBusy(false);
    }
  };
  return h('form', { class: 'card reads-form', onSubmit: upload },
    h('h2', null, 'Upload the reads'),
    h('p', { class: 'muted' }, 'The sheet waits for these files, under these names:'),
    h('ul', { class: 'plain' }, wanted.map((w) => h('li', null, h('code', null, w.name),
      progress[w.name] !== undefined && h('progress', { max: 1, value: progress[w.name], 'aria-label': 'Sent of ' + w.name })))),
    h('div', { class: 'field' },
      h('label', { for: 'field-reads' }, 'Reads files'),
      h('input', { id: 'field-reads', type: 'file', multiple: true, accept: '.fastq,.fq,.gz', onChange: (e) => setFiles([...e.currentTarget.files]) })),
    h(FormError, { message: error }),
    h('button', { type: 'submit', class: 'button', disabled: busy }, busy ? 'Uploading…' : 'Upload'));
}

const STATUS = {
  waiting: 'Waiting for its reads', demultiplexing: 'Splitting the reads by barcode…', done: 'Done', failed: 'Failed',
};

export function MultiplexedSheetPage({ params }) {
  const [sheet, setSheet] = useState(null);
  const [error, setError] = useState(null);
  const [sent, setSent] = useState(false);
  const load = () => get('/upload/multiplexed/' + params.id).then(setSheet, setError);
  useEffect(() => {
    setSheet(null);
    setError(null);
    load();
  }, [params.id]);
  // polled while the server has all the reads and is yet to finish (at most every 2 s, as the issue asks)
  const working = sheet && (sheet.status === 'demultiplexing' || (sheet.status === 'waiting' && sent));
  useEffect(() => {
    if (!working) return undefined;
    const timer = setTimeout(load, POLL_MS);
    return () => clearTimeout(timer);
  }, [sheet, working]);

  if (error?.status === 404) return h(NotFoundPage);
  const title = 'Multiplexed sheet' + (sheet ? ' ' + sheet.filename : '');
  if (error) return h(Page, { title }, h(ErrorNotice, { error }));
  if (!sheet) return h(Page, { title }, h(Loading, { what: 'the sheet' }));
  return h(Page, { title },
    h('p', { class: 'sheet-status status-' + sheet.status, role: 'status' }, STATUS[sheet.status],
      sheet.message && ': ' + sentence(sheet.message)),
    sheet.status === 'waiting' && !sent && missing(sheet).length > 0 && h(ReadsForm, { sheet, onSent: () => { setSent(true); load(); }, onFailed: load }),
    sheet.warnings.length > 0 && h('div', { class: 'card' },
      h('h2', null, 'Warnings'),
      h('ul', { class: 'plain' }, sheet.warnings.map((w) => h('li', null, `Row ${w.row}: ${sentence(w.message)}`)))),
    h(TableWrap, null, h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden' }, 'Samples of the sheet'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Sample'), h('th', { scope: 'col' }, 'Barcode'), h('th', { scope: 'col' }, 'Reads 1 file'),
        h('th', { scope: 'col', class: 'num' }, 'Reads'))),
      h('tbody', null, sheet.rows.map((r) => h('tr', null,
        h('td', null, r.sample_id ? h(Link, { href: '/app/samples/' + r.sample_id }, r.sample_name) : r.sample_name),
        h('td', { class: 'mono' }, r.barcode + (r.position === 'inline' ? ' (inline)' : '')), h('td', null, r.reads1),
        h('td', { class: 'num' }, r.reads === null ? '—' : formatCount(r.reads))))))),
    h('p', null, h(Link, { href: '/app/annotation' }, 'Back to annotation')));
}
