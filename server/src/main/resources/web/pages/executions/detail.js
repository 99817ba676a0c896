// One execution (GET /executions/{id}), followed live: its state and progress, asked again every 2 s until it has
// finished (and no longer once the page is left), with the end of Nextflow's log (GET /executions/{id}/log). Also
// its pipeline, inputs and parameters, its tasks, its outputs with a preview and a download each, all of them as one
// ZIP (GET /executions/{id}/<name>.zip), and cancel, share and delete for those allowed.
import { h, useState, useEffect, useRef } from '../../core/html.js';
import { ApiError, get, post, request } from '../../core/api.js';
import { dataPath } from '../../core/download.js';
import { Link, navigate } from '../../core/router.js';
import { formatBytes, formatDateTime, formatDuration } from '../../core/format.js';
import { ErrorNotice, Fact, Loading, Page, TableWrap } from '../../components/page.js';
import { ConfirmButton } from '../../components/confirm.js';
import { ShareButton } from '../../components/sharing.js';
import { TransferButton } from '../../components/transfer.js';
import { DownloadButton } from '../../components/download-button.js';
import { Preview } from '../../components/preview.js';
import { NotFoundPage } from '../notfound.js';
import { FINISHED, StatusBadge } from './status.js';

const POLL_MS = 2000;
/** The end of Nextflow's log that is shown: the last 16 kB (a Range of the API's log). */
const LOG_TAIL_BYTES = 16_384;
/** Rows shown of the tasks and of Flow's log lines: more would slow every update of a big run. */
const TASK_ROWS = 200;
const EVENT_LINES = 200;

/** The end of Nextflow's log, without its first line when that was cut; null before Nextflow started the run. */
async function logTail(id) {
  try {
    const text = await request('GET', `/executions/${id}/log`, undefined, { as: 'text', headers: { Range: 'bytes=-' + LOG_TAIL_BYTES } });
    return text.length >= LOG_TAIL_BYTES ? text.slice(text.indexOf('\n') + 1) : text;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null; // no log yet
    if (e instanceof ApiError && e.status === 416) return ''; // a log with nothing in it yet
    throw e;
  }
}

/**
 * The execution and its log's end, asked again POLL_MS after each answer until it has finished; `refresh()` asks at
 * once (after a cancel). A failed poll is shown and tried again, except a 404: gone, or never readable.
 */
const NOTHING_YET = { execution: null, log: null, error: null };

function useLiveExecution(id) {
  // the answers are kept with the id they are about: another execution's page starts from nothing
  const [state, setState] = useState({ id, ...NOTHING_YET });
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    let current = true;
    let timer;
    const poll = async () => {
      try {
        const execution = await get('/executions/' + id);
        const log = await logTail(id);
        if (!current) return;
        setState({ id, execution, log, error: null });
        if (!FINISHED.has(execution.status)) timer = setTimeout(poll, POLL_MS);
      } catch (error) {
        if (!current) return;
        setState((s) => ({ ...(s.id === id ? s : NOTHING_YET), id, error }));
        if (error.status !== 404) timer = setTimeout(poll, POLL_MS);
      }
    };
    poll();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [id, asked]);
  return [state.id === id ? state : NOTHING_YET, () => setAsked((n) => n + 1)];
}

function duration(execution) {
  if (!execution.started) return null;
  const end = execution.finished ? new Date(execution.finished) : new Date();
  return formatDuration((end - new Date(execution.started)) / 1000);
}

function State({ execution }) {
  return h('section', { class: 'card', 'aria-labelledby': 'state-title' },
    h('h2', { id: 'state-title', class: 'visually-hidden' }, 'State'),
    h('div', { class: 'execution-state' },
      // announced when it changes; the progress below is not (it would be every 2 s)
      h('p', { role: 'status', class: 'execution-status' }, h(StatusBadge, { status: execution.status })),
      h('label', { for: 'execution-progress', class: 'execution-percent' }, execution.progress + ' % done'),
      h('progress', { id: 'execution-progress', max: 100, value: execution.progress })),
    // why it failed is an error; why it was canceled is only what happened
    execution.error && h('p', { class: execution.status === 'failed' ? 'form-error' : 'execution-note' }, execution.error),
    h('dl', { class: 'facts' },
      h(Fact, { label: 'Pipeline' }, (execution.pipeline || 'unknown') + (execution.pipeline_version ? ' ' + execution.pipeline_version : '')),
      h(Fact, { label: 'Project' }, execution.project && h(Link, { href: '/app/projects/' + execution.project.id }, execution.project.name)),
      h(Fact, { label: 'Owner' }, execution.owner.username),
      h(Fact, { label: 'Submitted' }, formatDateTime(execution.created)),
      h(Fact, { label: 'Started' }, execution.started && formatDateTime(execution.started)),
      h(Fact, { label: 'Finished' }, execution.finished && formatDateTime(execution.finished)),
      h(Fact, { label: 'Duration' }, duration(execution))));
}

function Inputs({ execution }) {
  const { samples, filesets, data, hidden } = execution.inputs;
  const params = Object.entries(execution.params);
  return h('section', { class: 'card', 'aria-labelledby': 'inputs-title' },
    h('h2', { id: 'inputs-title' }, 'Inputs'),
    samples.length > 0 && [h('h3', null, 'Samples'), h('ul', { class: 'plain' },
      samples.map((s) => h('li', null, h(Link, { href: '/app/samples/' + s.id }, s.name))))],
    filesets.length > 0 && [h('h3', null, 'Filesets'), h('ul', { class: 'plain' }, filesets.map((f) => h('li', null, f.name)))],
    data.length > 0 && [h('h3', null, 'Data files'), h('ul', { class: 'plain' }, data.map((d) => h('li', null,
      h(Link, { href: '/app/data/' + d.id }, d.filename), d.param && h('span', { class: 'muted' }, ' (parameter ' + d.param + ')'))))],
    hidden > 0 && h('p', { class: 'hint' }, `${hidden} more input${hidden > 1 ? 's' : ''} that you may not read.`),
    samples.length + filesets.length + data.length + hidden === 0 && h('p', { class: 'empty' }, 'No input data.'),
    h('h3', null, 'Parameters'),
    params.length === 0 ? h('p', { class: 'empty' }, 'None given: the pipeline\'s defaults.')
      : h('dl', { class: 'params' }, params.map(([name, value]) => h('div', null,
        h('dt', null, name), h('dd', null, h('code', null, typeof value === 'string' ? value : JSON.stringify(value)))))));
}

function Tasks({ execution }) {
  const tasks = execution.process_executions;
  const total = execution.process_executions_total;
  return h('section', { class: 'card', 'aria-labelledby': 'tasks-title' },
    h('h2', { id: 'tasks-title' }, 'Tasks'),
    tasks.length === 0 ? h('p', { class: 'empty' }, FINISHED.has(execution.status) ? 'No task ran.' : 'No task has started yet.')
      : [h(TableWrap, null,
          h('table', { class: 'table tasks' },
            h('caption', { class: 'visually-hidden' }, 'Tasks Nextflow ran'),
            h('thead', null, h('tr', null, ['Task', 'Status', 'Exit code', 'Duration', 'Started'].map((c, i) =>
              h('th', { scope: 'col', class: i === 2 || i === 3 ? 'num' : undefined }, c)))),
            h('tbody', null, tasks.slice(0, TASK_ROWS).map((t) => h('tr', null,
              h('td', null, t.name),
              h('td', null, h('span', { class: 'status status-' + t.status }, t.status)),
              h('td', { class: 'num' }, t.exit_code ?? '—'),
              h('td', { class: 'num' }, t.duration === null ? '—' : formatDuration(t.duration)),
              h('td', null, t.started ? formatDateTime(t.started) : '—')))))),
        total > TASK_ROWS && h('p', { class: 'hint' }, `The first ${TASK_ROWS} of ${total} tasks.`)]);
}

function Outputs({ execution }) {
  const [previewed, setPreviewed] = useState(null);
  const outputs = execution.outputs;
  const shown = outputs.find((o) => o.id === previewed);
  return h('section', { class: 'card', 'aria-labelledby': 'outputs-title' },
    h('div', { class: 'section-head' },
      h('h2', { id: 'outputs-title' }, 'Outputs'),
      FINISHED.has(execution.status) && outputs.length > 0 && h(DownloadButton, {
        path: `/executions/${execution.id}/${zipName(execution)}`, filename: zipName(execution), label: 'Download all (ZIP)' })),
    outputs.length === 0 ? h('p', { class: 'empty' }, FINISHED.has(execution.status) ? 'The run published no file.' : 'None yet.')
      : h(TableWrap, null,
        h('table', { class: 'table outputs' },
          h('caption', { class: 'visually-hidden' }, 'Files the run published'),
          h('thead', null, h('tr', null, ['File', 'Type', 'Size', 'Process', 'Sample', 'Actions'].map((c) =>
            h('th', { scope: 'col', class: c === 'Size' ? 'num' : undefined }, c)))),
          h('tbody', null, outputs.map((o) => h('tr', null,
            h('td', null, h(Link, { href: '/app/data/' + o.id }, o.filename)),
            h('td', null, o.data_type || '—'),
            h('td', { class: 'num' }, formatBytes(o.size)),
            h('td', null, o.process || '—'),
            h('td', null, o.sample ? h(Link, { href: '/app/samples/' + o.sample.id }, o.sample.name) : '—'),
            h('td', { class: 'row-actions' },
              h('button', { type: 'button', class: 'button secondary small', 'aria-expanded': String(previewed === o.id),
                'aria-controls': 'output-preview', 'aria-label': 'Preview ' + o.filename,
                onClick: () => setPreviewed(previewed === o.id ? null : o.id) }, previewed === o.id ? 'Hide' : 'Preview'),
              h(DownloadButton, { path: dataPath(o), filename: o.filename, secondary: true, name: 'Download ' + o.filename }))))))),
    execution.outputs_total > outputs.length && h('p', { class: 'hint' },
      `The first ${outputs.length} of ${execution.outputs_total} files; the ZIP holds them all.`),
    h('div', { id: 'output-preview', class: 'output-preview' }, shown && [
      h('h3', null, 'Preview of ' + shown.filename),
      h(Preview, { key: shown.id, file: shown })]));
}

/** The archive's name: the execution's name, made safe for a path and a file. */
function zipName(execution) {
  return (execution.name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'execution-' + execution.id) + '.zip';
}

/** A text that follows its end as it grows (the end of a log), unless the reader scrolled up to read. */
function Tail({ id, label, text }) {
  const box = useRef(null);
  const atEnd = useRef(true);
  useEffect(() => {
    if (atEnd.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [text]);
  const scrolled = () => {
    const b = box.current;
    atEnd.current = b.scrollTop + b.clientHeight >= b.scrollHeight - 4;
  };
  return h('pre', { id, ref: box, class: 'preview log', tabIndex: 0, 'aria-label': label, onScroll: scrolled }, text);
}

function Log({ execution, log }) {
  const lines = execution.logs.slice(-EVENT_LINES).map((l) =>
    `${new Date(l.timestamp).toLocaleTimeString()}  ${l.process ? l.process + ': ' : ''}${l.message}`).join('\n');
  return h('section', { class: 'card', 'aria-labelledby': 'log-title' },
    h('h2', { id: 'log-title' }, 'Log'),
    execution.logs.length === 0 ? h('p', { class: 'empty' }, 'Nothing logged yet.')
      : [execution.logs_total > EVENT_LINES && h('p', { class: 'hint' }, `The last ${EVENT_LINES} of ${execution.logs_total} lines.`),
        h(Tail, { id: 'execution-events', label: 'What Flow logged of the run', text: lines })],
    h('div', { class: 'section-head' },
      h('h3', null, 'Nextflow\'s log, its end'),
      log !== null && h(DownloadButton, { path: `/executions/${execution.id}/log`, filename: `execution-${execution.id}.nextflow.log`,
        label: 'Download the whole log', secondary: true })),
    log === null ? h('p', { class: 'empty' }, 'Nextflow has not started the run yet.')
      : h(Tail, { id: 'nextflow-log', label: 'The end of Nextflow\'s log', text: log || '(empty)' }));
}

export function ExecutionPage({ params }) {
  const [{ execution, log, error }, refresh] = useLiveExecution(params.id);
  // what the caller may not read is answered 404 by the API, like what does not exist: the page says the same
  if (error?.status === 404) return h(NotFoundPage);
  if (!execution) return h(Page, { title: 'Execution' }, error ? h(ErrorNotice, { error }) : h(Loading, { what: 'the execution' }));
  const finished = FINISHED.has(execution.status);
  const cancel = async () => {
    await post(`/executions/${execution.id}/cancel`);
    refresh();
  };
  const remove = async () => {
    await post(`/executions/${execution.id}/delete`);
    navigate('/app/executions', { replace: true });
  };
  const actions = [
    !finished && execution.permissions.can_edit && h(ConfirmButton, { id: 'cancel-execution', label: 'Cancel run',
      title: `Cancel ${execution.name}?`, message: 'Its tasks are stopped within seconds. What it published so far stays. This cannot be undone.',
      confirmLabel: 'Cancel run', busyLabel: 'Canceling…', dismissLabel: 'Keep it running', onConfirm: cancel }),
    execution.permissions.can_share && h(ShareButton, { kind: 'executions', id: execution.id, name: execution.name }),
    h(TransferButton, { kind: 'executions', thing: execution }),
    finished && execution.permissions.can_delete && h(ConfirmButton, { id: 'delete-execution', label: 'Delete',
      title: `Delete ${execution.name}?`, message: 'The execution, its log and its outputs are deleted. Its inputs stay. This cannot be undone.',
      confirmLabel: 'Delete execution', busyLabel: 'Deleting…', onConfirm: remove }),
  ];
  return h(Page, { title: execution.name, actions },
    // a poll that failed: what is shown is the last answer, and the page keeps asking
    error && h('p', { class: 'form-error', role: 'alert' }, 'Updates paused: ' + error.message + ' Trying again…'),
    h(State, { execution }),
    h('div', { class: 'execution-columns' }, h(Inputs, { execution }), h(Tasks, { execution })),
    h(Outputs, { execution }),
    h(Log, { execution, log }));
}
