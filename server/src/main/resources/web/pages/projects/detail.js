// One project (GET /projects/{id}) and its samples (GET /projects/{id}/samples, paged), with a new sample's form
// for those who may add one, moving chosen samples to another project, and the samples' metadata table.
import { h, useState } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { formatDateTime } from '../../core/format.js';
import { Link } from '../../core/router.js';
import { ErrorNotice, Fact, Loading, Page, Pager, useLoad } from '../../components/page.js';
import { ShareButton } from '../../components/sharing.js';
import { TransferButton } from '../../components/transfer.js';
import { SamplesTable } from '../../components/samples-table.js';
import { NotFoundPage } from '../notfound.js';
import { MetadataTable } from './metadata.js';
import { MoveSamples } from './move.js';

const LIMIT = 25;

/** The samples, paged; those who may edit the project choose some to move elsewhere (`onMoved`: reload). */
function Samples({ project, version, onMoved }) {
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState(new Set());
  const [names, setNames] = useState({});
  const { data, error, loading } = useLoad(() => get(`/projects/${project.id}/samples`, { limit: LIMIT, offset }), [project.id, offset, version]);
  if (error) return h(ErrorNotice, { error });
  if (!data) return h(Loading, { what: 'the samples' });
  if (data.count === 0) return h('p', { class: 'empty' }, 'This project has no samples yet.');
  const select = project.permissions.can_edit && ((next) => {
    setNames((known) => ({ ...known, ...Object.fromEntries(data.samples.map((s) => [s.id, s.name])) }));
    setSelected(next);
  });
  return [
    select && h(MoveSamples, { project, selected, names, onMoved: (left) => {
      setSelected(left);
      onMoved();
    } }),
    h(SamplesTable, { samples: data.samples, caption: 'Samples of this project', loading, showProject: false,
      selected: select ? selected : undefined, onSelected: select || undefined }),
    h(Pager, { count: data.count, offset, limit: LIMIT, onOffset: setOffset, label: 'Samples' }),
  ];
}

export function ProjectPage({ params }) {
  const [version, setVersion] = useState(0);
  const { data: project, error } = useLoad(() => get('/projects/' + params.id), [params.id, version]);
  // what the caller may not read is answered 404 by the API, like what does not exist: the page says the same
  if (error?.status === 404 || (error?.status === 400 && error.field === 'id')) return h(NotFoundPage);
  if (error) return h(Page, { title: 'Project' }, h(ErrorNotice, { error }));
  if (!project) return h(Page, { title: 'Project' }, h(Loading, { what: 'the project' }));
  const publicSwitch = {
    value: project.is_public,
    set: async (isPublic) => {
      await post(`/projects/${project.id}/edit`, { is_public: isPublic });
      setVersion((v) => v + 1);
    },
  };
  const actions = [project.permissions.can_share && h(ShareButton, { kind: 'projects', id: project.id, name: project.name, publicSwitch }),
    h(TransferButton, { kind: 'projects', thing: project })];
  return h(Page, { title: project.name, actions },
    h('dl', { class: 'facts card' },
      h(Fact, { label: 'Owner' }, project.owner.username),
      h(Fact, { label: 'Organism' }, project.organism),
      h(Fact, { label: 'Visibility' }, project.is_public ? 'Public' : 'Private'),
      h(Fact, { label: 'Created' }, formatDateTime(project.created))),
    project.description && h('p', { class: 'description' }, project.description),
    h('section', { class: 'card', 'aria-labelledby': 'samples-title' },
      h('div', { class: 'section-head' },
        h('h2', { id: 'samples-title' }, `Samples (${project.sample_count})`),
        project.permissions.can_edit && h(Link, { href: '/app/samples/new?project=' + project.id, class: 'button small' }, 'New sample')),
      h(Samples, { project, version, onMoved: () => setVersion((v) => v + 1) })),
    project.sample_count > 0 && h('section', { class: 'card', 'aria-labelledby': 'metadata-title' },
      h('h2', { id: 'metadata-title' }, 'Metadata'), h(MetadataTable, { project, version })));
}
