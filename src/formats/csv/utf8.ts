/**
 * Where a chunk of bytes stops being UTF-8, to name the line of an invalid byte: TextDecoder only says
 * that something was wrong. Returns the offset of the first byte that cannot start or continue a
 * character, or -1 when the bytes are valid (a character cut at the end counts as valid so far).
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c === 0xe0) lo = 0xa0; // overlong
      if (c === 0xed) hi = 0x9f; // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c === 0xf0) lo = 0x90; // overlong
      if (c === 0xf4) hi = 0x8f; // beyond U+10FFFF
    } else return i;
    for (let j = 1; j < len; j++) {
      if (i + j >= n) return -1;
      const x = b[i + j]!;
      if (x < (j === 1 ? lo : 0x80) || x > (j === 1 ? hi : 0xbf)) return i;
    }
    i += len;
  }
  return -1;
}

/** Line feeds among the first `end` bytes. */
export function lineFeedsIn(b: Uint8Array, end: number): number {
  let count = 0;
  for (let at = b.indexOf(10); at >= 0 && at < end; at = b.indexOf(10, at + 1)) count++;
  return count;
}

/**
 * How many leading bytes hold whole characters: the length minus the bytes of a character the chunk
 * border cut (they wait for the next chunk). Invalid bytes are left in, for the decoder to refuse.
 */
export function completeUtf8Length(b: Uint8Array): number {
  const n = b.length;
  for (let back = 1; back <= 4 && back <= n; back++) {
    const c = b[n - back]!;
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead byte
    if (c < 0xc2 || c > 0xf4) return n; // ASCII, or not a lead byte at all
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    return need > back ? n - back : n;
  }
  return n;
}
