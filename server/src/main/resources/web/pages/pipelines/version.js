// A pipeline version's page (GET /pipelines/versions/{id}, with its pipeline's description from GET /pipelines/{id}):
// what it is, and the run wizard for those who may run pipelines (GET /me: can_run_pipelines, or an admin). Others
// (visitors, accounts without the right) and a retired version get its parameters as a table instead.
import { h } from '../../core/html.js';
import { get } from '../../core/api.js';
import { formatDate, sentence } from '../../core/format.js';
import { Link } from '../../core/router.js';
import { useSession } from '../../core/session.js';
import { ErrorNotice, Loading, Page, TableWrap, useLoad } from '../../components/page.js';
import { NotFoundPage } from '../notfound.js';
import { RunWizard } from './wizard.js';
import { useMe } from '../../components/me.js';

function ParameterTable({ parameters }) {
  if (parameters.length === 0) return h('p', { class: 'empty' }, 'This version has no parameter to set.');
  return h(TableWrap, null, h('table', { class: 'table' },
    h('caption', { class: 'visually-hidden' }, 'Parameters'),
    h('thead', null, h('tr', null, ['Parameter', 'Type', 'Default', 'Description'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, parameters.map((p) => h('tr', null,
      h('td', null, h('code', null, p.name), p.required && ' (required)', p.hidden && ' (hidden)'),
      h('td', null, p.data ? 'file' : p.type === 'choice' ? 'one of ' + p.choices.join(', ') : p.type),
      h('td', null, p.default === undefined ? '—' : String(p.default)),
      h('td', { class: 'wrap' }, p.description ? sentence(p.description) : '—'))))));
}

/** Why the caller cannot run this version here, or null when they can. */
function cannotRun(version, session, me) {
  if (version.retired) return 'This version is retired: it can no longer be run. Its executions stay readable.';
  if (!session.user) return h('span', null, h(Link, { href: '/app/signin?next=' + encodeURIComponent(location.pathname) }, 'Sign in'), ' to run it.');
  if (me && !me.can_run_pipelines && !me.is_admin) return 'Your account may not run pipelines: an administrator of this Flow can allow it.';
  return null;
}

export function VersionPage({ params }) {
  const session = useSession();
  const { data: version, error } = useLoad(() => get('/pipelines/versions/' + params.id), [params.id]);
  const pipeline = useLoad(() => (version ? get('/pipelines/' + version.pipeline_id) : Promise.resolve(null)), [version?.pipeline_id]);
  const me = useMe();
  if (error?.status === 404 || (error?.status === 400 && error.field === 'id')) return h(NotFoundPage);
  if (error) return h(Page, { title: 'Pipeline version' }, h(ErrorNotice, { error }));
  if (!version) return h(Page, { title: 'Pipeline version' }, h(Loading, { what: 'the pipeline version' }));
  const why = me.loading ? null : cannotRun(version, session, me.data);
  const marks = [version.is_latest && 'latest', version.retired && 'retired'].filter(Boolean);
  return h(Page, { title: `${version.pipeline} ${version.version}` },
    h('dl', { class: 'facts card' },
      h('div', null, h('dt', null, 'Pipeline'), h('dd', null, h(Link, { href: '/app/pipelines/' + version.pipeline_id }, version.pipeline))),
      h('div', null, h('dt', null, 'Version'), h('dd', null, version.version + (marks.length ? ' (' + marks.join(', ') + ')' : ''))),
      h('div', null, h('dt', null, 'Inputs'), h('dd', null, version.input_style === 'samplesheet' ? 'Samplesheet' : 'Reads by file pattern')),
      h('div', null, h('dt', null, 'Registered'), h('dd', null, formatDate(version.created)))),
    pipeline.data?.description && h('p', { class: 'description' }, pipeline.data.description),
    pipeline.error && h(ErrorNotice, { error: pipeline.error }),
    me.error && h(ErrorNotice, { error: me.error }),
    me.loading ? h(Loading, { what: 'your account' })
      : why ? [h('p', { class: 'card notice' }, why),
        h('section', { class: 'card', 'aria-labelledby': 'parameters-title' },
          h('h2', { id: 'parameters-title' }, 'Parameters'), h(ParameterTable, { parameters: version.parameters }))]
        : h(RunWizard, { key: version.id, version }));
}
