// Storage verification (site administrators): every ready data file's stored bytes read again and checked against
// its size and md5 (POST /admin/storage/verify starts it; GET answers the running or last one). While one runs, the
// page asks again every few seconds for its progress.
import { h, useState, useEffect } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { formatBytes, formatCount, formatDateTime, formatDuration } from '../../core/format.js';
import { Link } from '../../core/router.js';
import { ErrorNotice, Loading } from '../../components/page.js';
import { AdminPage } from './frame.js';

const POLL_MS = 2000;
const STATUS = { running: 'Running', finished: 'Finished', failed: 'Failed', interrupted: 'Interrupted (the server stopped)' };

// A store in trouble may have thousands: the first ones show the kind of trouble; the count says how much.
const SHOWN = 100;

function Problems({ title, problems }) {
  if (problems.length === 0) return null;
  return h('section', { class: 'card', 'aria-label': title },
    h('h2', null, `${title} (${formatCount(problems.length)})`),
    h('ul', { class: 'problems' }, problems.slice(0, SHOWN).map((p) => h('li', null,
      p.id !== undefined ? [h(Link, { href: '/app/data/' + p.id }, 'Data file ' + p.id), ': ', p.reason]
        : [h('code', null, p.key), ' (' + formatBytes(p.size) + ')']))),
    problems.length > SHOWN && h('p', { class: 'muted' }, `and ${formatCount(problems.length - SHOWN)} more (the first ${SHOWN} shown)`));
}

function Verification({ v }) {
  const fraction = v.total ? v.checked / v.total : 1;
  return [
    h('dl', { class: 'facts card' },
      h('div', null, h('dt', null, 'Status'), h('dd', { class: 'verify-status' }, STATUS[v.status] || v.status)),
      h('div', null, h('dt', null, 'Started'), h('dd', null, formatDateTime(v.started),
        v.source === 'cli' ? ' (./flow verify)' : v.requested_by ? ' by ' + v.requested_by.username : '')),
      h('div', null, h('dt', null, 'Checked'), h('dd', null, `${formatCount(v.checked)} of ${formatCount(v.total)} files, ${formatBytes(v.checked_bytes)}`)),
      v.duration_ms !== null && h('div', null, h('dt', null, 'Took'), h('dd', null, formatDuration(v.duration_ms / 1000))),
      h('div', null, h('dt', null, 'Read rate limit'), h('dd', null, v.max_mb_per_second ? v.max_mb_per_second + ' MiB/s' : 'None'))),
    v.status === 'running' && h('progress', { class: 'verify-progress', max: 1, value: fraction, 'aria-label': 'Files checked' }),
    v.error && h('p', { class: 'form-error', role: 'alert' }, v.error),
    v.status === 'finished' && v.missing.length + v.corrupt.length + v.orphaned.length === 0
      && h('p', { class: 'saved', role: 'status' }, 'Every stored file is whole.'),
    h(Problems, { title: 'Missing', problems: v.missing }),
    h(Problems, { title: 'Corrupt', problems: v.corrupt }),
    h(Problems, { title: 'Orphaned bytes (no record; removed once an hour old)', problems: v.orphaned }),
  ];
}

export function AdminStoragePage() {
  // undefined: not known yet; null: no verification ever ran
  const [verification, setVerification] = useState(undefined);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const running = verification?.status === 'running';
  useEffect(() => {
    let current = true;
    let timer = null;
    const ask = () => get('/admin/storage/verify').then(
      (v) => { if (!current) return; setVerification(v); if (v.status === 'running') timer = setTimeout(ask, POLL_MS); },
      (e) => { if (!current) return; if (e.status === 404) setVerification(null); else setError(e); });
    if (verification === undefined || running) ask();
    return () => { current = false; clearTimeout(timer); };
  }, [running]);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      setVerification(await post('/admin/storage/verify'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return h(AdminPage, { title: 'Storage', path: '/app/admin/storage',
    actions: h('button', { type: 'button', class: 'button', onClick: start, disabled: busy || running },
      running ? 'Verifying…' : 'Verify storage') },
    h('p', { class: 'lead' }, "Reads every stored file again and compares its size and md5 with its record's. ",
      'A missing or corrupt file is marked and no longer served until a later verification finds it whole.'),
    error && h(ErrorNotice, { error }),
    verification === undefined && !error ? h(Loading, { what: 'the last verification' })
      : verification === null ? h('p', { class: 'empty' }, 'Storage has never been verified.')
      : verification && h(Verification, { v: verification }));
}
