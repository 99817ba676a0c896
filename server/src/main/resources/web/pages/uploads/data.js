// Uploading files into the caller's data (POST /upload), optionally attached to one of their projects.
import { h, useState } from '../../core/html.js';
import { get } from '../../core/api.js';
import { useSession } from '../../core/session.js';
import { SelectField } from '../../core/form.js';
import { ErrorNotice, Page, useLoad } from '../../components/page.js';
import { Uploader } from '../../components/uploader.js';

export function DataUploadPage() {
  const { user } = useSession();
  const [project, setProject] = useState('');
  // the projects the caller owns (a page of 100, the API's most): the ones their files usually go to
  const projects = useLoad(() => get('/projects/owned', { limit: 100 }), []);
  const options = [['', projects.data ? 'None: only into my data' : 'Loading…'], ...(projects.data?.projects || []).map((p) => [String(p.id), p.name])];
  return h(Page, { title: 'Upload data' },
    h('p', { class: 'lead' }, 'Files of any kind go into your data. Flow recognises their type from their name and content, and '
      + 'checks each against the md5 your browser computes. An upload interrupted by a reload or a lost connection continues '
      + 'where it stopped when you drop the same file again.'),
    h('div', { class: 'card' },
      projects.error && h(ErrorNotice, { error: projects.error }),
      h('div', { class: 'upload-target' },
        h(SelectField, { label: 'Project', name: 'project', value: project, onInput: (e) => setProject(e.currentTarget.value), options })),
      h(Uploader, { user, target: { kind: 'data' }, extra: { project_id: project } })));
}
