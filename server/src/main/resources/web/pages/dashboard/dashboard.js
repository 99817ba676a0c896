// The dashboard: the caller's totals and what happened lately to their things (GET /analytics).
import { h } from '../../core/html.js';
import { get } from '../../core/api.js';
import { Link } from '../../core/router.js';
import { formatCount, formatDateTime, formatGigabytes } from '../../core/format.js';
import { ErrorNotice, Loading, Page, useLoad } from '../../components/page.js';

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

export function DashboardPage() {
  const { data, error, loading } = useLoad(() => get('/analytics'), []);
  return h(Page, { title: 'Dashboard', actions: h(Link, { href: '/app/projects/new', class: 'button' }, 'New project') },
    loading && h(Loading, { what: 'your figures' }),
    error && h(ErrorNotice, { error }),
    data && [
      h('section', { 'aria-labelledby': 'totals-title' }, h('h2', { id: 'totals-title', class: 'visually-hidden' }, 'Totals'),
        h(Totals, { stats: data.user_stats })),
      h('section', { class: 'card', 'aria-labelledby': 'activity-title' },
        h('h2', { id: 'activity-title' }, 'Recent activity'), h(Activity, { items: data.recent_activity })),
    ]);
}
