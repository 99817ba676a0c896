// A button that saves a file from the API (core/download.js): while it comes, a bar, the bytes (of the total when
// known) and Cancel; a failure appears beside it.
import { h, useRef, useState } from '../core/html.js';
import { saveFile } from '../core/download.js';
import { formatBytes } from '../core/format.js';
import { FormError } from '../core/form.js';

/** `path`: the endpoint answering the file; `label` what the button says, `name` to screen readers; `rest` to the button. */
export function DownloadButton({ path, filename, label = 'Download', name, disabled = false, secondary = false, ...rest }) {
  const [progress, setProgress] = useState(null); // [received, total] while the file comes
  const [error, setError] = useState(null);
  const control = useRef(null);
  const start = async () => {
    if (control.current) return; // already coming (the button stays focusable)
    const { signal } = (control.current = new AbortController());
    setError(null);
    setProgress([0, null]);
    try {
      await saveFile(path, filename, { signal, onProgress: (...p) => setProgress(p) });
    } catch (e) {
      // cancelled is no failure (the body's reader may then fail with other errors than AbortError)
      if (!signal.aborted) setError('The download failed: ' + e.message);
    } finally {
      control.current = null;
      setProgress(null);
    }
  };
  const [received, total] = progress || [];
  return [
    h('button', { ...rest, type: 'button', class: secondary ? 'button secondary small' : 'button', onClick: start, disabled,
      'aria-disabled': progress ? 'true' : undefined, 'aria-label': name }, progress ? 'Downloading…' : label),
    progress && h('span', { class: 'download-progress' },
      h('progress', { max: total || undefined, value: total ? received : undefined, 'aria-label': (name || label) + ': received' }),
      h('span', { class: 'download-bytes' }, formatBytes(received) + (total ? ` of ${formatBytes(total)} (${Math.floor((received * 100) / total)} %)` : '')),
      h('button', { type: 'button', class: 'button secondary small', onClick: () => control.current?.abort(), 'aria-label': 'Cancel ' + (name || label) },
        'Cancel')),
    error && h(FormError, { message: error }),
  ];
}
