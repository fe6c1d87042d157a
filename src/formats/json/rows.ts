import type { ByteSource } from '../../storage/byte-source.js';
import { arrayRows } from './array-rows.js';
import { lineRows } from './line-rows.js';
import type { RowGroup } from './row-group.js';
import { decodeText } from './text-stream.js';
import { countNewlines, skipJsonWs } from './text-util.js';

/**
 * The rows of one JSON file, in groups (row-group.ts). The first non-whitespace character decides the
 * layout: `[` is one top-level array of objects, anything else is JSON Lines. A file with nothing but
 * whitespace yields no group (the reader decides what an empty result means).
 */
export async function* readRows(source: ByteSource): AsyncGenerator<RowGroup> {
  const texts = decodeText(source)[Symbol.asyncIterator]();
  let linesBefore = 0;
  for (;;) {
    const r = await texts.next();
    if (r.done) return;
    const head = r.value;
    const at = skipJsonWs(head, 0);
    if (at === head.length) {
      linesBefore += countNewlines(head, 0, head.length);
      continue;
    }
    if (head.charCodeAt(at) === 0x5b) yield* arrayRows(source.name, texts, head, at, linesBefore);
    else yield* lineRows(source.name, texts, head, linesBefore + 1);
    return;
  }
}
