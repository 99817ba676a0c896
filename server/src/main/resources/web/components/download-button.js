// A button that saves a file from the API (core/download.js): it says so while the file is fetched, and a failure
// appears beside it.
import { h, useState } from '../core/html.js';
import { saveFile } from '../core/download.js';
import { FormError } from '../core/form.js';

/** `path`: the API endpoint answering the file; `label` what the button says, `name` what it says to screen readers. */
export function DownloadButton({ path, filename, label = 'Download', name, disabled = false, secondary = false }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      await saveFile(path, filename);
    } catch (e) {
      setError('The download failed: ' + e.message);
    } finally {
      setBusy(false);
    }
  };
  return [
    h('button', { type: 'button', class: secondary ? 'button secondary small' : 'button', onClick: start, disabled: busy || disabled,
      'aria-label': name }, busy ? 'Downloading…' : label),
    error && h(FormError, { message: error }),
  ];
}
