// The first lines of a data file (GET /data/{id}/contents, which reads through gzip), as the data page and an
// execution's outputs show them.
import { h } from '../core/html.js';
import { getText } from '../core/api.js';
import { ErrorNotice, Loading, useLoad } from './page.js';

const PREVIEW_LINES = 40;
// the types the API cannot preview (binary): the preview says so rather than asking
const BINARY = new Set(['BAM', 'CRAM', 'OTHER']);

/**
 * `file`: its id, filename and data_type, and, where known, its status (an execution's outputs are always complete)
 * and compression.
 */
export function Preview({ file }) {
  const ready = (file.status ?? 'ready') === 'ready';
  const previewable = ready && !BINARY.has(file.data_type);
  const { data, error } = useLoad(() => (previewable ? getText(`/data/${file.id}/contents`, { lines: PREVIEW_LINES }) : Promise.resolve(null)),
    [file.id, previewable]);
  if (!ready) return h('p', { class: 'empty' }, 'There is nothing to preview until the file is complete.');
  if (!previewable) return h('p', { class: 'empty' }, `A ${file.data_type} file is binary: download it to look inside.`);
  if (error) return h(ErrorNotice, { error });
  if (data === null) return h(Loading, { what: 'the preview' });
  if (data === '') return h('p', { class: 'empty' }, 'The file is empty.');
  const hint = 'preview-hint-' + file.id;
  return [
    h('p', { class: 'hint', id: hint }, `The first ${PREVIEW_LINES} lines at most` +
      (file.compression && file.compression !== 'none' ? ', decompressed.' : '.')),
    // scrolls sideways for long lines: reachable and scrollable by keyboard
    h('pre', { class: 'preview', tabIndex: 0, 'aria-label': 'Preview of ' + file.filename, 'aria-describedby': hint }, data),
  ];
}
