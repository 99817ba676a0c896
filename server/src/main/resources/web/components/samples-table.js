// A table of samples as the listings show them (GET /samples/owned, /samples/search, /projects/{id}/samples), each
// name a link to its page; with `selected` and `onSelected`, a checkbox on each row for acting on several at once.
import { h } from '../core/html.js';
import { Link } from '../core/router.js';
import { formatDate } from '../core/format.js';
import { TableWrap } from './page.js';

export function SamplesTable({ samples, caption, loading, showProject = true, selected, onSelected }) {
  const selecting = !!onSelected;
  const toggle = (id) => (e) => {
    const next = new Set(selected);
    if (e.currentTarget.checked) next.add(id); else next.delete(id);
    onSelected(next);
  };
  const allChecked = selecting && samples.length > 0 && samples.every((s) => selected.has(s.id));
  // this page's rows only: what was selected on other pages stays selected
  const toggleAll = (e) => {
    const next = new Set(selected);
    for (const s of samples) if (e.currentTarget.checked) next.add(s.id); else next.delete(s.id);
    onSelected(next);
  };
  return h(TableWrap, null,
    h('table', { class: 'table', 'aria-busy': loading ? 'true' : 'false' },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', null, h('tr', null,
        selecting && h('th', { scope: 'col', class: 'select' },
          h('input', { type: 'checkbox', checked: allChecked, onChange: toggleAll, 'aria-label': 'Select every sample on this page' })),
        h('th', { scope: 'col' }, 'Name'),
        showProject && h('th', { scope: 'col' }, 'Project'),
        h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col' }, 'Organism'),
        h('th', { scope: 'col' }, 'Owner'), h('th', { scope: 'col' }, 'Created'))),
      h('tbody', null, samples.map((s) => h('tr', null,
        selecting && h('td', { class: 'select' },
          h('input', { type: 'checkbox', checked: selected.has(s.id), onChange: toggle(s.id), 'aria-label': 'Select ' + s.name })),
        h('td', null, h(Link, { href: '/app/samples/' + s.id }, s.name)),
        showProject && h('td', null, s.project ? h(Link, { href: '/app/projects/' + s.project.id }, s.project.name) : '—'),
        h('td', null, s.sample_type || '—'), h('td', null, s.organism || '—'),
        h('td', null, s.owner.username), h('td', null, formatDate(s.created)))))));
}
