// The dashboard: the caller's totals and what happened lately to their things (GET /analytics), and the runs going
// and waiting that they may read, with the site's queue as a chart (GET /queue).
import { h } from '../../core/html.js';
import { get } from '../../core/api.js';
import { Link } from '../../core/router.js';
import { formatCount, formatDateTime, formatGigabytes } from '../../core/format.js';
import { ErrorNotice, Loading, Page, useLoad } from '../../components/page.js';
import { StatusBadge } from '../executions/status.js';

const ACTIONS = {
  data_uploaded: 'Data uploaded',
  sample_created: 'Sample created',
  project_created: 'Project created',
  execution_started: 'Execution started',
  execution_completed: 'Execution completed',
  execution_failed: 'Execution failed',
  shared_with_you: 'Shared with you',
};

// Pages of the app that exist so far, by the kind of thing an activity is about.
const PAGES = {
  project: (id) => '/app/projects/' + id,
  sample: (id) => '/app/samples/' + id,
  data: (id) => '/app/data/' + id,
  execution: (id) => '/app/executions/' + id,
};

function Totals({ stats }) {
  const figures = [
    ['Projects', formatCount(stats.total_projects)],
    ['Samples', formatCount(stats.total_samples)],
    ['Executions', formatCount(stats.total_executions)],
    ['Data stored', formatGigabytes(stats.total_data_gb)],
    ['Executions, last 30 days', formatCount(stats.executions_last_30_days)],
    ['Uploaded, last 30 days', formatGigabytes(stats.data_uploaded_last_30_days_gb)],
  ];
  return h('dl', { class: 'totals' },
    figures.map(([label, value]) => h('div', { class: 'total card' }, h('dt', null, label), h('dd', null, value))));
}

function Activity({ items }) {
  if (items.length === 0) return h('p', { class: 'empty' }, 'Nothing yet: create a project to get started.');
  return h('ol', { class: 'activity' }, items.map((a) => {
    const page = PAGES[a.object_type];
    return h('li', null,
      h('span', { class: 'activity-what' }, ACTIONS[a.action] || a.action),
      h('span', { class: 'activity-details' }, page ? h(Link, { href: page(a.object_id) }, a.details) : a.details),
      h('span', { class: 'activity-meta' }, (a.user ? a.user + ' · ' : '') + formatDateTime(a.timestamp)));
  }));
}

const RUNS_SHOWN = 10;

/** The caller's runs going or waiting (those they may read), first in the queue first. */
function Runs({ queue }) {
  const runs = queue.queue;
  if (runs.length === 0) return h('p', { class: 'empty' }, 'No execution you may read is running or waiting.');
  return [
    h('ul', { class: 'runs' }, runs.slice(0, RUNS_SHOWN).map((r) => h('li', null,
      h(Link, { href: '/app/executions/' + r.id }, r.name),
      h(StatusBadge, { status: r.status }),
      h('span', { class: 'muted' }, `${r.pipeline || 'unknown pipeline'} · ${r.owner.username} · `
        + (r.status === 'pending' ? `number ${r.position} in the queue` : 'submitted ' + formatDateTime(r.submitted)))))),
    runs.length > RUNS_SHOWN && h('p', { class: 'hint' }, `And ${runs.length - RUNS_SHOWN} more.`),
  ];
}

const BAR_HEIGHT = 22;
const BAR_GAP = 10;
const LABEL_WIDTH = 130;
const CHART_WIDTH = 360;

/** The site's queue as horizontal bars: a hand-made SVG, its figures also said in words for screen readers. */
function QueueChart({ queue }) {
  const bars = [['Waiting', queue.pending, 'pending'], ['Running', queue.running, 'running'],
    ['Completed today', queue.completed_today, 'completed'], ['Failed today', queue.failed_today, 'failed']];
  const most = Math.max(1, ...bars.map(([, n]) => n));
  const room = CHART_WIDTH - LABEL_WIDTH - 40; // the longest bar, leaving room for its figure
  const height = bars.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
  return h('svg', { class: 'chart', viewBox: `0 0 ${CHART_WIDTH} ${height}`, role: 'img',
    'aria-label': bars.map(([label, n]) => `${label}: ${n}`).join(', ') },
    bars.map(([label, n, kind], i) => {
      const y = i * (BAR_HEIGHT + BAR_GAP);
      const width = Math.max(n > 0 ? 2 : 0, (n / most) * room);
      return h('g', null,
        h('text', { x: 0, y: y + BAR_HEIGHT / 2, 'dominant-baseline': 'middle' }, label),
        h('rect', { class: 'bar-' + kind, x: LABEL_WIDTH, y, width, height: BAR_HEIGHT, rx: 3 }),
        h('text', { x: LABEL_WIDTH + width + 6, y: y + BAR_HEIGHT / 2, 'dominant-baseline': 'middle' }, formatCount(n)));
    }));
}

function Executions() {
  const { data, error } = useLoad(() => get('/queue'), []);
  return h('div', { class: 'dashboard-runs' },
    h('section', { class: 'card', 'aria-labelledby': 'runs-title' },
      h('div', { class: 'section-head' },
        h('h2', { id: 'runs-title' }, 'Running executions'),
        h(Link, { href: '/app/executions' }, 'All your executions')),
      error ? h(ErrorNotice, { error }) : !data ? h(Loading, { what: 'the queue' }) : h(Runs, { queue: data })),
    h('section', { class: 'card', 'aria-labelledby': 'queue-title' },
      h('h2', { id: 'queue-title' }, 'Flow\'s queue today'),
      data && h(QueueChart, { queue: data }),
      data && h('p', { class: 'hint' }, 'Every user\'s executions; today since midnight UTC.')));
}

export function DashboardPage() {
  const { data, error, loading } = useLoad(() => get('/analytics'), []);
  return h(Page, { title: 'Dashboard', actions: h(Link, { href: '/app/projects/new', class: 'button' }, 'New project') },
    loading && h(Loading, { what: 'your figures' }),
    error && h(ErrorNotice, { error }),
    data && [
      h('section', { 'aria-labelledby': 'totals-title' }, h('h2', { id: 'totals-title', class: 'visually-hidden' }, 'Totals'),
        h(Totals, { stats: data.user_stats })),
      h(Executions),
      h('section', { class: 'card', 'aria-labelledby': 'activity-title' },
        h('h2', { id: 'activity-title' }, 'Recent activity'), h(Activity, { items: data.recent_activity })),
    ]);
}
