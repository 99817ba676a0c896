// One pipeline (GET /pipelines/{id}): its category, description, the pipelines upstream of it, and its versions
// (newest first) with how many parameters each takes, linked to their pages, where a run starts.
import { h } from '../../core/html.js';
import { get } from '../../core/api.js';
import { formatDate } from '../../core/format.js';
import { Link } from '../../core/router.js';
import { ErrorNotice, Loading, Page, TableWrap, useLoad } from '../../components/page.js';
import { NotFoundPage } from '../notfound.js';
import { VersionLink } from './list.js';

export function PipelinePage({ params }) {
  const { data: pipeline, error } = useLoad(() => get('/pipelines/' + params.id), [params.id]);
  if (error?.status === 404 || (error?.status === 400 && error.field === 'id')) return h(NotFoundPage);
  if (error) return h(Page, { title: 'Pipeline' }, h(ErrorNotice, { error }));
  if (!pipeline) return h(Page, { title: 'Pipeline' }, h(Loading, { what: 'the pipeline' }));
  const latest = pipeline.versions.find((v) => v.is_latest && !v.retired);
  return h(Page, { title: pipeline.name,
    actions: latest && h(Link, { href: '/app/pipelines/versions/' + latest.id, class: 'button' }, 'Run ' + latest.version) },
    h('dl', { class: 'facts card' },
      h('div', null, h('dt', null, 'Category'), h('dd', null, pipeline.category)),
      h('div', null, h('dt', null, 'Upstream pipelines'), h('dd', null, pipeline.upstream_pipelines.length === 0 ? 'None'
        : pipeline.upstream_pipelines.map((u, i) => [i > 0 && ', ', h(Link, { href: '/app/pipelines/' + u.id }, u.name)]))),
      h('div', null, h('dt', null, 'Registered'), h('dd', null, formatDate(pipeline.created)))),
    pipeline.description && h('p', { class: 'description' }, pipeline.description),
    h('section', { class: 'card', 'aria-labelledby': 'versions-title' },
      h('h2', { id: 'versions-title' }, 'Versions'),
      pipeline.versions.length === 0 ? h('p', { class: 'empty' }, 'This pipeline has no version yet.')
        : h(TableWrap, null, h('table', { class: 'table' },
          h('caption', { class: 'visually-hidden' }, 'Versions of ' + pipeline.name),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Version'), h('th', { scope: 'col' }, 'Inputs'),
            h('th', { scope: 'col', class: 'num' }, 'Parameters'), h('th', { scope: 'col' }, 'Registered'))),
          h('tbody', null, pipeline.versions.map((v) => h('tr', null,
            h('td', null, h(VersionLink, { version: v })),
            h('td', null, v.input_style === 'samplesheet' ? 'Samplesheet' : 'Reads by file pattern'),
            h('td', { class: 'num' }, v.parameters.filter((p) => !p.hidden).length),
            h('td', null, formatDate(v.created)))))))));
}
