// One data file (GET /data/{id}): its record, the sample, fileset or project it belongs to, a preview of its first
// lines (components/preview.js), a download, its lineage (the execution that made it, in the record; those that used
// it: GET /data/{id}/downstream; each a link to its page), sharing and delete with confirmation.
import { h } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { dataPath } from '../../core/download.js';
import { Link, navigate } from '../../core/router.js';
import { formatBytes, formatDateTime } from '../../core/format.js';
import { ErrorNotice, Fact, Loading, Page, useLoad } from '../../components/page.js';
import { ConfirmButton } from '../../components/confirm.js';
import { ShareButton } from '../../components/sharing.js';
import { TransferButton } from '../../components/transfer.js';
import { DownloadButton } from '../../components/download-button.js';
import { Preview } from '../../components/preview.js';
import { NotFoundPage } from '../notfound.js';

function Lineage({ file }) {
  const { data, error } = useLoad(() => get(`/data/${file.id}/downstream`), [file.id]);
  return [
    h('h3', null, 'Made by'),
    file.execution
      ? h('p', null, h(Link, { href: '/app/executions/' + file.execution.id }, file.execution.name),
        file.process && h('span', { class: 'muted' }, ' (process ' + file.process + ')'))
      : h('p', { class: 'empty' }, file.status === 'ready' ? 'Uploaded or imported, not made by an execution you may read.' : '—'),
    h('h3', null, 'Used by'),
    error ? h(ErrorNotice, { error })
      : !data ? h(Loading, { what: 'the executions' })
        : data.executions.length === 0 ? h('p', { class: 'empty' }, 'No execution you may read used this file.')
          : h('ul', { class: 'plain' }, data.executions.map((e) => h('li', null,
            h(Link, { href: '/app/executions/' + e.id }, e.name), h('span', { class: 'muted' }, ` · ${e.pipeline || 'unknown pipeline'} · ${e.status}`)))),
  ];
}

export function DataFilePage({ params }) {
  const { data: file, error } = useLoad(() => get('/data/' + params.id), [params.id]);
  // what the caller may not read is answered 404 by the API, like what does not exist: the page says the same
  if (error?.status === 404) return h(NotFoundPage);
  if (error) return h(Page, { title: 'Data file' }, h(ErrorNotice, { error }));
  if (!file) return h(Page, { title: 'Data file' }, h(Loading, { what: 'the data file' }));
  const remove = async () => {
    await post(`/data/${file.id}/delete`);
    navigate(file.sample ? '/app/samples/' + file.sample.id : '/app/data', { replace: true });
  };
  const actions = [
    h(DownloadButton, { path: dataPath(file), filename: file.filename, disabled: file.status !== 'ready' }),
    file.permissions.can_share && h(ShareButton, { kind: 'data', id: file.id, name: file.filename }),
    h(TransferButton, { kind: 'data', thing: file, name: file.filename }),
    file.permissions.can_delete && h(ConfirmButton, { id: 'delete-data', label: 'Delete', title: `Delete ${file.filename}?`,
      message: 'The file and its stored bytes are deleted. Executions that used it stay. This cannot be undone.',
      confirmLabel: 'Delete file', busyLabel: 'Deleting…', onConfirm: remove }),
  ];
  const read = file.read_number && 'Read ' + file.read_number + (file.lane ? ', lane ' + file.lane : '');
  return h(Page, { title: file.filename, actions },
    h('dl', { class: 'facts card' },
      h(Fact, { label: 'Sample' }, file.sample && h(Link, { href: '/app/samples/' + file.sample.id }, file.sample.name)),
      file.project && h(Fact, { label: 'Project' }, h(Link, { href: '/app/projects/' + file.project.id }, file.project.name)),
      h(Fact, { label: 'Reads' }, file.fileset && (file.fileset.name + (read ? ' · ' + read : ''))),
      h(Fact, { label: 'Type' }, file.data_type),
      h(Fact, { label: 'Size' }, formatBytes(file.size)),
      h(Fact, { label: 'Compression' }, file.compression),
      h(Fact, { label: 'Status' }, file.status + (file.reason ? ': ' + file.reason : '')),
      h(Fact, { label: 'Owner' }, file.owner.username),
      h(Fact, { label: 'Created' }, formatDateTime(file.created)),
      h(Fact, { label: 'MD5', wide: true }, file.md5 && h('code', { class: 'md5' }, file.md5))),
    file.integrity.status !== 'ok' && h('p', { class: 'form-error', role: 'alert' },
      `Storage verification found this file ${file.integrity.status}` + (file.integrity.reason ? ': ' + file.integrity.reason : '') + '.'),
    h('section', { class: 'card', 'aria-labelledby': 'preview-title' },
      h('h2', { id: 'preview-title' }, 'Preview'), h(Preview, { file })),
    h('section', { class: 'card', 'aria-labelledby': 'lineage-title' },
      h('h2', { id: 'lineage-title' }, 'Lineage'), h(Lineage, { file })));
}
