// Moving the chosen samples to another of the caller's projects. The API moves one sample at a time (POST
// /samples/{id}/edit with `project`, at the sample's owner level): in turn, with progress, failures listed.
import { h, useState } from '../../core/html.js';
import { get, post } from '../../core/api.js';
import { sentence } from '../../core/format.js';
import { useLoad } from '../../components/page.js';

export function MoveSamples({ project, selected, names, onMoved }) {
  // the first page of the caller's projects, the most the API gives at once
  const targets = useLoad(async () => (await get('/projects/owned', { limit: 100 })).projects.filter((p) => p.id !== project.id), [project.id]);
  const [target, setTarget] = useState('');
  const [progress, setProgress] = useState('');
  const [failures, setFailures] = useState([]);
  const [busy, setBusy] = useState(false);
  const move = async (event) => {
    event.preventDefault();
    setBusy(true);
    const ids = [...selected];
    const failed = [];
    for (const [i, id] of ids.entries()) {
      setProgress(`Moving ${i + 1} of ${ids.length}…`);
      await post(`/samples/${id}/edit`, { project: Number(target) }).catch((e) => failed.push([id, `${names[id]}: ${sentence(e.message)}`]));
    }
    setProgress(`Moved ${ids.length - failed.length} of ${ids.length} to ${targets.data.find((p) => String(p.id) === target).name}.`);
    setFailures(failed);
    setBusy(false);
    onMoved(new Set(failed.map(([id]) => id)));
  };
  return h('form', { class: 'move-samples', onSubmit: move },
    h('label', { for: 'move-target' }, `Move the selected samples (${selected.size}) to`),
    h('select', { id: 'move-target', value: target, onChange: (e) => setTarget(e.currentTarget.value), disabled: busy },
      h('option', { value: '' }, targets.data ? 'Choose a project' : 'Loading…'),
      (targets.data || []).map((p) => h('option', { value: String(p.id) }, p.name))),
    h('button', { type: 'submit', class: 'button secondary small', disabled: busy || !target || !selected.size }, busy ? 'Moving…' : 'Move'),
    h('span', { role: 'status' }, progress),
    failures.length > 0 && h('ul', { class: 'form-error', role: 'alert' }, failures.map(([, f]) => h('li', null, f))));
}
