// The pipeline catalogue (GET /pipelines): every category with pipelines, each pipeline with its description and its
// versions (newest first; the latest marked, retired ones said so), linked to the pipeline's and the versions' pages.
import { h } from '../../core/html.js';
import { get } from '../../core/api.js';
import { Link } from '../../core/router.js';
import { ErrorNotice, Loading, Page, useLoad } from '../../components/page.js';

/** A version as a link to its page, with what sets it apart (latest, retired). */
export function VersionLink({ version }) {
  const marks = [version.is_latest && 'latest', version.retired && 'retired'].filter(Boolean);
  return h(Link, { href: '/app/pipelines/versions/' + version.id, class: 'version' + (version.retired ? ' retired' : '') },
    version.version, marks.length > 0 && h('span', { class: 'muted' }, ' (' + marks.join(', ') + ')'));
}

function Pipeline({ pipeline }) {
  return h('li', { class: 'pipeline' },
    h('h3', null, h(Link, { href: '/app/pipelines/' + pipeline.id }, pipeline.name)),
    pipeline.description && h('p', { class: 'description' }, pipeline.description),
    pipeline.versions.length === 0
      ? h('p', { class: 'empty' }, 'No version yet.')
      : h('p', { class: 'versions' }, h('span', { class: 'muted' }, 'Versions: '),
        pipeline.versions.map((v, i) => [i > 0 && ', ', h(VersionLink, { version: v })])));
}

export function PipelinesPage() {
  const { data, error } = useLoad(() => get('/pipelines'), []);
  // an empty category (the API lists them too) offers nothing to run
  const categories = data?.categories.filter((c) => c.pipelines.length > 0);
  return h(Page, { title: 'Pipelines' },
    error && h(ErrorNotice, { error }),
    !data && !error && h(Loading, { what: 'the pipelines' }),
    categories && categories.length === 0 && h('p', { class: 'empty' }, 'No pipeline is registered yet.'),
    categories && categories.map((c) => h('section', { class: 'card', 'aria-labelledby': 'category-' + c.id },
      h('h2', { id: 'category-' + c.id }, c.name),
      h('ul', { class: 'pipelines' }, c.pipelines.map((p) => h(Pipeline, { pipeline: p }))))));
}
