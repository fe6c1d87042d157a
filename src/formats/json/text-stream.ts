import { isUtf8 } from 'node:buffer';
import { inputError } from '../../errors/index.js';
import type { ByteSource } from '../../storage/byte-source.js';

/**
 * The text of a source as UTF-8 strings, one per streamed chunk (never the whole file), with a leading
 * byte-order mark dropped. Invalid UTF-8 fails naming the byte offset and line of the first bad byte.
 * Each chunk is checked with buffer.isUtf8 and decoded with Buffer#toString (both native and fast); the
 * 0-3 bytes of a character cut by the chunk's end are carried over to the next.
 */
export async function* decodeText(source: ByteSource): AsyncGenerator<string> {
  let carry: Uint8Array | undefined;
  let started = false;
  for await (const chunk of source.stream()) {
    const data = carry === undefined ? chunk : concat(carry, chunk);
    const cut = completeLength(data);
    carry = cut < data.length ? data.slice(cut) : undefined; // a copy: the stream may reuse its buffer
    if (cut === 0) continue;
    const whole = Buffer.from(data.buffer, data.byteOffset, cut);
    if (!isUtf8(whole)) throw await invalidUtf8(source);
    let text = whole.toString('utf8');
    if (!started) {
      started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.length > 0) yield text;
  }
  if (carry !== undefined) throw await invalidUtf8(source); // the file ends inside a character
}

/** The length of the longest prefix of `b` that does not end inside a UTF-8 sequence. */
function completeLength(b: Uint8Array): number {
  const n = b.length;
  for (let k = n - 1; k >= 0 && k >= n - 4; k--) {
    const c = b[k]!;
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return k + need > n ? k : n;
  }
  return n; // no lead byte in the last four: invalid anyway, isUtf8 will say so
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Only on failure: reads the file again from the start to find where, so the happy path counts nothing. */
async function invalidUtf8(source: ByteSource) {
  const bad = await findInvalidUtf8(source);
  return inputError(
    'RESULTS_INVALID',
    bad
      ? `invalid UTF-8 at byte ${bad.offset}: JSON text must be UTF-8`
      : 'invalid UTF-8: JSON text must be UTF-8',
    bad ? { file: source.name, line: bad.line } : { file: source.name },
  );
}

/** The first byte that breaks UTF-8 (RFC 3629, as the WHATWG decoder judges it), with its 1-based line. */
export async function findInvalidUtf8(
  source: ByteSource,
): Promise<{ offset: number; line: number } | undefined> {
  let line = 1;
  let offset = 0;
  let need = 0; // continuation bytes still expected
  let lo = 0x80; // the allowed range of the next continuation byte
  let hi = 0xbf;
  let seqStart = 0;
  for await (const chunk of source.stream()) {
    for (let k = 0; k < chunk.length; k++, offset++) {
      const b = chunk[k]!;
      if (need > 0) {
        if (b < lo || b > hi) return { offset: seqStart, line };
        lo = 0x80;
        hi = 0xbf;
        need--;
        continue;
      }
      seqStart = offset;
      if (b < 0x80) {
        if (b === 0x0a) line++;
      } else if (b >= 0xc2 && b <= 0xdf) {
        need = 1;
      } else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        if (b === 0xe0) lo = 0xa0; // no overlong forms
        if (b === 0xed) hi = 0x9f; // no UTF-16 surrogates
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        if (b === 0xf0) lo = 0x90;
        if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
      } else {
        return { offset, line };
      }
    }
  }
  return need > 0 ? { offset: seqStart, line } : undefined;
}
