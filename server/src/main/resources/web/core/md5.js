// MD5 (RFC 1321), fed incrementally: the browser has none (SubtleCrypto offers no MD5), and the API checks an upload
// against the md5 its client declares. Used by md5-worker.js, off the page's thread.

// the per-round shift amounts, and the constants floor(|sin(i + 1)| * 2^32)
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = new Int32Array(64).map((_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);

export class Md5 {
  constructor() {
    this.state = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
    this.pending = new Uint8Array(64); // the start of a block, until the next bytes complete it
    this.pendingLength = 0;
    this.length = 0; // bytes so far
    this.words = new Int32Array(16);
  }

  /** Adds the bytes (a Uint8Array); returns this. */
  update(bytes) {
    this.length += bytes.length;
    let i = 0;
    if (this.pendingLength > 0) {
      i = Math.min(64 - this.pendingLength, bytes.length);
      this.pending.set(bytes.subarray(0, i), this.pendingLength);
      this.pendingLength += i;
      if (this.pendingLength < 64) return this;
      this.block(this.pending, 0);
      this.pendingLength = 0;
    }
    for (; i + 64 <= bytes.length; i += 64) this.block(bytes, i);
    this.pending.set(bytes.subarray(i), 0);
    this.pendingLength = bytes.length - i;
    return this;
  }

  /** The digest of everything added, as 32 lower-case hexadecimal digits; the hash takes no more bytes after it. */
  hex() {
    const length = this.length;
    const tail = new Uint8Array((this.pendingLength < 56 ? 64 : 128) - this.pendingLength);
    tail[0] = 0x80;
    // the length in bits, 64-bit little-endian: the low word is length * 8 mod 2^32 (<< works on 32 bits)
    const view = new DataView(tail.buffer);
    view.setUint32(tail.length - 8, (length << 3) >>> 0, true);
    view.setUint32(tail.length - 4, Math.floor(length / 2 ** 29) >>> 0, true);
    this.update(tail);
    let out = '';
    for (const word of this.state) {
      for (let b = 0; b < 4; b++) out += ((word >>> (8 * b)) & 0xff).toString(16).padStart(2, '0');
    }
    return out;
  }

  block(bytes, offset) {
    const x = this.words;
    for (let j = 0; j < 16; j++, offset += 4) {
      x[j] = bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24);
    }
    const s = this.state;
    let a = s[0], b = s[1], c = s[2], d = s[3];
    for (let j = 0; j < 64; j++) {
      let f, g;
      if (j < 16) { f = (b & c) | (~b & d); g = j; }
      else if (j < 32) { f = (d & b) | (~d & c); g = (5 * j + 1) & 15; }
      else if (j < 48) { f = b ^ c ^ d; g = (3 * j + 5) & 15; }
      else { f = c ^ (b | ~d); g = (7 * j) & 15; }
      const sum = (a + f + K[j] + x[g]) | 0;
      const shift = SHIFTS[((j >> 4) << 2) | (j & 3)];
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
    }
    s[0] += a;
    s[1] += b;
    s[2] += c;
    s[3] += d;
  }
}
