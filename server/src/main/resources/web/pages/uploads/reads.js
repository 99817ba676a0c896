// Uploading a sample's reads (POST /upload/sample): FASTQ files, each read 1 or 2 of a lane, as their names say unless
// changed. The sample's reads so far are listed (its fileset, GET /filesets/{id}) and follow the uploads as they complete.
import { h, useState } from '../../core/html.js';
import { get } from '../../core/api.js';
import { useSession } from '../../core/session.js';
import { Link } from '../../core/router.js';
import { ErrorNotice, Loading, Page, useLoad } from '../../components/page.js';
import { Uploader } from '../../components/uploader.js';
import { NotFoundPage } from '../notfound.js';

/** The sample's reads: the files of its fileset (a sample has one, made with its first read). */
async function readsOf(sample) {
  const found = await get('/filesets/search', { sample, limit: 1 });
  return found.filesets.length ? (await get('/filesets/' + found.filesets[0].id)).files : [];
}

function Reads({ id, version }) {
  const { data: reads, error } = useLoad(() => readsOf(id), [id, version]);
  if (error) return h(ErrorNotice, { error });
  if (!reads) return h(Loading, { what: 'the reads' });
  if (reads.length === 0) return h('p', { class: 'empty' }, 'This sample has no reads yet.');
  return h('ul', { class: 'reads' }, reads.map((f) => h('li', null,
    h('span', { class: 'upload-name' }, f.filename),
    h('span', { class: 'upload-size' }, ` · read ${f.read_number}${f.lane ? ', lane ' + f.lane : ''}`))));
}

export function SampleUploadPage({ params }) {
  const { user } = useSession();
  const { data: sample, error } = useLoad(() => get('/samples/' + params.id), [params.id]);
  const [version, setVersion] = useState(0);
  // what the caller may not read is answered 404 by the API, like what does not exist: the page says the same
  if (error?.status === 404 || (error?.status === 400 && error.field === 'id')) return h(NotFoundPage);
  if (error) return h(Page, { title: 'Upload reads' }, h(ErrorNotice, { error }));
  if (!sample) return h(Page, { title: 'Upload reads' }, h(Loading, { what: 'the sample' }));
  return h(Page, { title: 'Upload reads of ' + sample.name },
    h('p', { class: 'lead' },
      sample.project ? ['Sample of project ', h(Link, { href: '/app/projects/' + sample.project.id }, sample.project.name), '. '] : null,
      'Reads are FASTQ files, plain or gzip. Read 1 or 2 and the lane are guessed from names such as ',
      h('code', null, 'S1_L001_R1_001.fastq.gz'), '; change them before the upload starts if they are wrong.'),
    h('section', { class: 'card', 'aria-labelledby': 'reads-title' },
      h('h2', { id: 'reads-title' }, 'Reads of this sample'),
      h(Reads, { id: sample.id, version })),
    sample.permissions.can_edit
      ? h('section', { class: 'card', 'aria-label': 'Upload' },
        h(Uploader, { user, target: { kind: 'reads', sampleId: sample.id }, onDone: () => setVersion((v) => v + 1) }))
      : h('p', { class: 'form-error', role: 'alert' }, 'You may read this sample but not add reads to it: its owner can give you edit rights.'));
}
