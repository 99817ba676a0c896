// A Web Worker that hashes a File with md5.js, so that hashing gigabytes does not freeze the page. Given a File,
// it answers { hashed } as it goes (bytes done), then { md5 }, or { error }.
import { Md5 } from './md5.js';

const SLICE_BYTES = 4 << 20;

self.onmessage = async ({ data: file }) => {
  try {
    const md5 = new Md5();
    for (let offset = 0; offset < file.size; offset += SLICE_BYTES) {
      md5.update(new Uint8Array(await file.slice(offset, offset + SLICE_BYTES).arrayBuffer()));
      self.postMessage({ hashed: Math.min(offset + SLICE_BYTES, file.size) });
    }
    self.postMessage({ md5: md5.hex() });
  } catch (e) {
    self.postMessage({ error: e.message || String(e) });
  }
};
