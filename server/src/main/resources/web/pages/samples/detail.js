// One sample (GET /samples/{id}): its fields and metadata, its project, its reads (its filesets: GET /filesets/search
// and GET /filesets/{id}) and all its data files (GET /samples/{id}/data, paged), each linked to its page; edit,
// upload reads, share and delete (with confirmation) for those the API allows (`permissions`).
import { h, useState } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { Link, navigate } from '../../core/router.js';
import { formatBytes, formatDate, formatDateTime } from '../../core/format.js';
import { ErrorNotice, Fact, Loading, Page, Pager, TableWrap, useLoad } from '../../components/page.js';
import { ConfirmButton } from '../../components/confirm.js';
import { ShareButton } from '../../components/sharing.js';
import { TransferButton } from '../../components/transfer.js';
import { NotFoundPage } from '../notfound.js';

const LIMIT = 25;
// a sample has a few filesets (one per sequencing run): the first page of the search holds them all
const FILESETS = 100;

function Metadata({ metadata }) {
  const keys = Object.keys(metadata).sort();
  if (keys.length === 0) return h('p', { class: 'empty' }, 'No metadata.');
  return h(TableWrap, null,
    h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden' }, 'Metadata'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Value'))),
      h('tbody', null, keys.map((k) => h('tr', null, h('th', { scope: 'row' }, k), h('td', { class: 'wrap' }, metadata[k]))))));
}

function readName(file) {
  return 'Read ' + file.read_number + (file.lane ? ', lane ' + file.lane : '');
}

function Reads({ id }) {
  const { data, error } = useLoad(async () => {
    const found = await get('/filesets/search', { sample: id, limit: FILESETS });
    return Promise.all(found.filesets.map((f) => get('/filesets/' + f.id)));
  }, [id]);
  if (error) return h(ErrorNotice, { error });
  if (!data) return h(Loading, { what: 'the reads' });
  if (data.length === 0) return h('p', { class: 'empty' }, 'No reads yet.');
  return data.map((fileset) => h('div', { class: 'fileset' },
    h('h3', null, fileset.name),
    h('ul', { class: 'files' }, fileset.files.map((f) => h('li', null,
      h('span', { class: 'read' }, readName(f)), h(Link, { href: '/app/data/' + f.id }, f.filename))))));
}

function DataFiles({ id }) {
  const [offset, setOffset] = useState(0);
  const { data, error, loading } = useLoad(() => get(`/samples/${id}/data`, { limit: LIMIT, offset }), [id, offset]);
  if (error) return h(ErrorNotice, { error });
  if (!data) return h(Loading, { what: 'the data files' });
  if (data.count === 0) return h('p', { class: 'empty' }, 'No data files yet.');
  return [
    h(TableWrap, null,
      h('table', { class: 'table', 'aria-busy': loading ? 'true' : 'false' },
        h('caption', { class: 'visually-hidden' }, 'Data files'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'File'), h('th', { scope: 'col' }, 'Type'),
          h('th', { scope: 'col', class: 'num' }, 'Size'), h('th', { scope: 'col' }, 'Created'))),
        h('tbody', null, data.data.map((d) => h('tr', null,
          h('td', null, h(Link, { href: '/app/data/' + d.id }, d.filename)), h('td', null, d.data_type || '—'),
          h('td', { class: 'num' }, formatBytes(d.size)), h('td', null, formatDate(d.created))))))),
    h(Pager, { count: data.count, offset, limit: LIMIT, onOffset: setOffset, label: 'Data files' }),
  ];
}

export function SamplePage({ params }) {
  const { data: sample, error } = useLoad(() => get('/samples/' + params.id), [params.id]);
  // what the caller may not read is answered 404 by the API, like what does not exist: the page says the same
  if (error?.status === 404) return h(NotFoundPage);
  if (error) return h(Page, { title: 'Sample' }, h(ErrorNotice, { error }));
  if (!sample) return h(Page, { title: 'Sample' }, h(Loading, { what: 'the sample' }));
  const can = sample.permissions;
  const remove = async () => {
    await post(`/samples/${sample.id}/delete`);
    navigate(sample.project ? '/app/projects/' + sample.project.id : '/app/samples', { replace: true });
  };
  const actions = [
    can.can_edit && h(Link, { href: `/app/samples/${sample.id}/upload`, class: 'button' }, 'Upload reads'),
    can.can_edit && h(Link, { href: `/app/samples/${sample.id}/edit`, class: 'button secondary' }, 'Edit'),
    can.can_share && h(ShareButton, { kind: 'samples', id: sample.id, name: sample.name }),
    h(TransferButton, { kind: 'samples', thing: sample }),
    can.can_delete && h(ConfirmButton, { id: 'delete-sample', label: 'Delete', title: `Delete ${sample.name}?`,
      message: 'Its reads and other data files are deleted with it. Executions that used it stay. This cannot be undone.',
      confirmLabel: 'Delete sample', busyLabel: 'Deleting…', onConfirm: remove }),
  ].filter(Boolean);
  return h(Page, { title: sample.name, actions: actions.length > 0 && actions },
    h('dl', { class: 'facts card' },
      h(Fact, { label: 'Project' }, sample.project && h(Link, { href: '/app/projects/' + sample.project.id }, sample.project.name)),
      h(Fact, { label: 'Owner' }, sample.owner.username),
      h(Fact, { label: 'Organism' }, sample.organism),
      h(Fact, { label: 'Sample type' }, sample.sample_type),
      h(Fact, { label: 'Source' }, sample.source),
      h(Fact, { label: 'Purification target' }, sample.purification_target),
      h(Fact, { label: 'Condition' }, sample.condition),
      h(Fact, { label: 'Replicate group' }, sample.replicate_group),
      h(Fact, { label: 'Created' }, formatDateTime(sample.created))),
    h('section', { class: 'card', 'aria-labelledby': 'metadata-title' },
      h('h2', { id: 'metadata-title' }, 'Metadata'), h(Metadata, { metadata: sample.metadata })),
    h('section', { class: 'card', 'aria-labelledby': 'reads-title' },
      h('h2', { id: 'reads-title' }, 'Reads'), h(Reads, { id: sample.id })),
    h('section', { class: 'card', 'aria-labelledby': 'data-title' },
      h('h2', { id: 'data-title' }, 'Data files'), h(DataFiles, { id: sample.id })));
}
