// Annotation sheets: download a template (GET /annotation/{type}), send a filled one (POST /upload/annotation, in pieces)
// to be checked first (dry_run), read its report row by row (problems, or warnings to accept), then import it and see
// what it made. A multiplexed sheet, once stored, waits for its reads: its own page takes them (multiplexed.js).
import { h, useState } from '../../core/html.js';
import { ApiError } from '../../core/api.js';
import { sendInPieces } from '../../core/pieces.js';
import { DownloadButton } from '../../components/download-button.js';
import { Link, navigate } from '../../core/router.js';
import { sentence } from '../../core/format.js';
import { Page, TableWrap } from '../../components/page.js';
import { FormError } from '../../core/form.js';

const TEMPLATES = [
  ['sample', 'Samples', 'New samples (or changes to yours) with their project, organism, type and metadata, and which of your uploaded reads are theirs.'],
  ['data', 'Data files', 'The data type and sample of files you have uploaded.'],
  ['multiplexed', 'Multiplexed reads', 'A sample per barcode of multiplexed reads that you upload next; Flow splits them. Also accepted saved as .csv.'],
];

/** A sheet is at most 10 MiB; pieces of 1 MiB keep each request small. */
const PIECE_BYTES = 1 << 20;

/** Sends the sheet, with `fields` on every piece; the last piece's result. */
async function sendSheet(file, fields) {
  return (await sendInPieces('/upload/annotation', file, { pieceBytes: PIECE_BYTES, fields })).result;
}

function Templates() {
  return h('section', { class: 'card', 'aria-labelledby': 'templates-title' },
    h('h2', { id: 'templates-title' }, '1. Download a template'),
    h('p', { class: 'muted' }, 'Excel workbooks made for you: drop-down lists hold the current vocabularies and your projects, '
      + 'and the Instructions sheet describes each column with an example.'),
    h('ul', { class: 'templates' }, TEMPLATES.map(([type, name, what]) => h('li', null,
      h('div', null, h(DownloadButton, { path: '/annotation/' + type, filename: `flow-${type}-annotation.xlsx`, label: name + ' (.xlsx)',
        secondary: true, 'data-template': type, 'aria-describedby': 'template-' + type })),
      h('span', { id: 'template-' + type, class: 'muted' }, what)))));
}

/** The table of a sheet's problems or warnings: row, column and what is wrong. */
function Notes({ title, notes, count }) {
  return h('div', { class: 'report' },
    h('h3', null, title),
    count > notes.length && h('p', { class: 'muted' }, `The first ${notes.length} of ${count}.`),
    h(TableWrap, null,
      h('table', { class: 'table' },
        h('caption', { class: 'visually-hidden' }, title),
        h('thead', null, h('tr', null, h('th', { scope: 'col', class: 'num' }, 'Row'), h('th', { scope: 'col' }, 'Column'),
          h('th', { scope: 'col' }, 'Message'))),
        h('tbody', null, notes.map((n) => h('tr', null, h('td', { class: 'num' }, n.row), h('td', null, n.column || '—'),
          h('td', { class: 'wrap' }, sentence(n.message))))))));
}

/** A problem of a workbook (details.problems) or of a multiplexed sheet (details.validation, its message prefixed with its column). */
function note(p) {
  const column = p.header || p.column || null;
  const prefix = column + ': ';
  const message = column && p.message.startsWith(prefix) ? p.message.slice(prefix.length) : p.message;
  return { row: p.row, column: p.header ? `${p.header}${p.column ? ' (' + p.column + ')' : ''}` : column, message };
}

function count(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/** What a sample or data sheet did (or, in a dry run, would do). */
function Outcome({ result }) {
  const dry = result.dry_run;
  if (result.samples) {
    const created = result.samples.filter((s) => s.created).length;
    return h('div', { class: 'report' },
      h('p', { role: 'status' }, `${dry ? 'Would create' : 'Created'} ${count(created, 'sample', 'samples')}, ${dry ? 'would update' : 'updated'} `
        + `${result.samples.length - created} and ${dry ? 'would link' : 'linked'} ${count(result.reads.length, 'read', 'reads')}.`),
      h(TableWrap, null, h('table', { class: 'table' },
        h('caption', { class: 'visually-hidden' }, 'Samples'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Sample'), h('th', { scope: 'col' }, 'Row'), h('th', { scope: 'col' }, 'Change'),
          h('th', { scope: 'col' }, 'Reads'))),
        h('tbody', null, result.samples.map((s) => h('tr', null,
          h('td', null, s.id ? h(Link, { href: '/app/samples/' + s.id }, s.name) : s.name),
          h('td', null, s.row), h('td', null, s.created ? 'new' : 'updated'),
          h('td', { class: 'wrap' }, result.reads.filter((r) => r.sample === s.name).map((r) => r.filename).join(', ') || '—')))))));
  }
  if (result.data) {
    return h('div', { class: 'report' },
      h('p', { role: 'status' }, `${dry ? 'Would describe' : 'Described'} ${count(result.data.length, 'file', 'files')}.`),
      h(TableWrap, null, h('table', { class: 'table' },
        h('caption', { class: 'visually-hidden' }, 'Files'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'File'), h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col' }, 'Sample'))),
        h('tbody', null, result.data.map((d) => h('tr', null,
          h('td', null, h(Link, { href: '/app/data/' + d.data_id }, d.filename)), h('td', null, d.data_type),
          h('td', null, d.sample ? h(Link, { href: '/app/samples/' + d.sample.id }, d.sample.name) : '—')))))));
  }
  // a multiplexed sheet's dry run (once stored, its page shows it)
  return h('p', { class: 'report', role: 'status' }, `The multiplexed sheet is clean: ${count(result.rows, 'sample', 'samples')} to make from its reads.`);
}

function SheetForm() {
  const [file, setFile] = useState(null);
  // the report of the sheet chosen: { problems, count } | { warnings } | { result }, or an error that names no row
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const send = async (fields) => {
    setBusy(true);
    setError(null);
    try {
      const result = await sendSheet(file, fields);
      if (result.status) navigate('/app/annotation/multiplexed/' + result.id);
      else setReport({ result });
    } catch (e) {
      const d = e instanceof ApiError ? e.details : {};
      if (d.problems || d.validation) setReport({ problems: (d.problems || d.validation).map(note), count: d.problem_count });
      else if (d.warnings) setReport({ warnings: d.warnings.map(note) });
      else {
        setReport(null);
        setError(e.message);
      }
    } finally {
      setBusy(false);
    }
  };
  const choose = (event) => {
    setFile(event.currentTarget.files[0] || null);
    setReport(null);
    setError(null);
  };
  const check = (event) => {
    event.preventDefault();
    if (!file) setError('choose a filled template first');
    else send({ dry_run: 'true' });
  };
  const result = report?.result;
  return h('section', { class: 'card', 'aria-labelledby': 'sheet-title' },
    h('h2', { id: 'sheet-title' }, '2. Check and import a filled sheet'),
    h('form', { class: 'sheet-form', onSubmit: check },
      h('div', { class: 'field' },
        h('label', { for: 'field-sheet' }, 'Filled template (.xlsx, or .csv for a multiplexed sheet)'),
        h('input', { id: 'field-sheet', type: 'file', accept: '.xlsx,.csv', onChange: choose, 'aria-invalid': error ? 'true' : undefined })),
      h(FormError, { message: error }),
      h('button', { type: 'submit', class: 'button check', disabled: busy }, busy && !report ? 'Checking…' : 'Check the sheet')),
    report?.problems && [
      h('p', { class: 'form-error', role: 'alert' }, `${count(report.count || report.problems.length, 'problem', 'problems')}: nothing was imported. `
        + 'Correct the sheet, then choose it again.'),
      h(Notes, { title: 'Problems', notes: report.problems, count: report.count || report.problems.length })],
    report?.warnings && [
      h('p', { class: 'notice-text', role: 'alert' }, `${count(report.warnings.length, 'warning', 'warnings')}: read them, then import the sheet `
        + 'as it is, or correct it and choose it again.'),
      h(Notes, { title: 'Warnings', notes: report.warnings, count: report.warnings.length }),
      h('button', { type: 'button', class: 'button confirm', disabled: busy, onClick: () => send({ ignore_warnings: 'true' }) },
        busy ? 'Importing…' : 'Import, accepting the warnings')],
    result && h(Outcome, { result }),
    result?.dry_run && h('button', { type: 'button', class: 'button confirm', disabled: busy, onClick: () => send({}) },
      busy ? 'Importing…' : 'Import'));
}

export function AnnotationPage() {
  return h(Page, { title: 'Annotation' },
    h('p', { class: 'lead' }, 'Describe many samples or files at once in a spreadsheet. Flow checks the whole sheet before it changes '
      + 'anything and tells you what to correct, row by row.'),
    h(Templates),
    h(SheetForm));
}
