// Saving a data file from the API. The access token lives in this page's memory only, so a plain link cannot carry
// it: the file is fetched with the token, then handed to the browser to save. Where the browser can write to a file
// the person picks (the File System Access API), the bytes go there as they arrive; elsewhere they are gathered in
// memory first, which suits files up to a few GB.
import { request } from './api.js';

export async function downloadData(file) {
  const path = `/downloads/${file.id}/${encodeURIComponent(file.filename)}`;
  if (window.showSaveFilePicker) {
    let handle;
    try {
      handle = await window.showSaveFilePicker({ suggestedName: file.filename });
    } catch (e) {
      if (e.name === 'AbortError') return false; // the person closed the picker: nothing to save
      throw e;
    }
    const stream = await request('GET', path, undefined, { as: 'stream' });
    await stream.pipeTo(await handle.createWritable());
    return true;
  }
  const blob = await request('GET', path, undefined, { as: 'blob' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.filename;
  document.body.append(a);
  a.click();
  a.remove();
  // the browser has started saving once click() returns; the URL is let go a little later all the same
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return true;
}
