// An execution's state as the executions pages and the dashboard show it.
import { h } from '../../core/html.js';

/** The states after which nothing changes any more (no more polling, no cancel; delete allowed). */
export const FINISHED = new Set(['completed', 'failed', 'canceled']);

export const STATUSES = [['pending', 'Waiting'], ['running', 'Running'], ['completed', 'Completed'], ['failed', 'Failed'], ['canceled', 'Canceled']];
const LABELS = Object.fromEntries(STATUSES);

/** The state in words, coloured by what it means (the word carries the meaning; the colour only repeats it). */
export function StatusBadge({ status }) {
  return h('span', { class: 'status status-' + status }, LABELS[status] || status);
}
