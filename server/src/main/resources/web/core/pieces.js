// The offset protocol of the flowbio client's uploads (POST /upload/annotation, POST /upload/multiplexed): a file goes
// in pieces, each saying how many bytes went before it, the first naming no record and the others the record the first
// answer gave (`data_id`).
import { postForm } from './api.js';

/** Sends `file` to `path` in pieces of `pieceBytes`, with `fields` on every piece; the last piece's answer. */
export async function sendInPieces(path, file, { pieceBytes, fields = {}, onProgress }) {
  let data = '';
  for (let offset = 0; ;) {
    const piece = file.slice(offset, offset + pieceBytes);
    const last = offset + piece.size >= file.size;
    const form = new FormData();
    form.append('filename', file.name);
    form.append('expected_file_size', String(offset));
    form.append('is_last', String(last));
    form.append('data', data);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('blob', piece, file.name);
    const progress = onProgress && ((f) => onProgress((offset + f * piece.size) / Math.max(file.size, 1)));
    const answer = await postForm(path, form, { onProgress: progress });
    if (last) return answer;
    data = String(answer.data_id);
    offset += piece.size;
  }
}
