import type { Value } from '../../domain/schema/index.js';
import { PAGE_DATA, PAGE_DATA_V2, PAGE_DICTIONARY, type RawPage } from './chunk-reader.js';
import { convert } from './convert.js';
import { readDeltaBinaryPacked, readDeltaByteArray, readDeltaLengthByteArray } from './delta.js';
import { bitWidth, readHybrid, readLevels, unsplitBytes } from './encodings.js';
import { fixedWidth, fromFixed, type Physical, readPlain } from './plain.js';
import { PageError } from './problems.js';
import { materialize, type Run, runLength } from './runs.js';
import type { LeafInfo } from './schema-map.js';

/** One data page, decoded: levels per entry and the (converted) values of the non-null entries. */
export interface DecodedPage {
  readonly entries: number;
  /** Definition levels, or null when every entry is a value (none stored, or all at the maximum). */
  readonly def: Int32Array | null;
  /** Repetition levels, or null when the column is not inside a list or map. */
  readonly rep: Int32Array | null;
  readonly values: Run;
}

const PLAIN = 0;
const PLAIN_DICTIONARY = 2;
const RLE = 3;
const DELTA_BINARY_PACKED = 5;
const DELTA_LENGTH_BYTE_ARRAY = 6;
const DELTA_BYTE_ARRAY = 7;
const RLE_DICTIONARY = 8;
const BYTE_STREAM_SPLIT = 9;

const ENCODING_NAMES: Record<number, string> = { 1: 'GROUP_VAR_INT', 4: 'BIT_PACKED', 10: 'ALP' };

export class PageDecoder {
  private dictionary: ArrayLike<Value> | undefined;
  private scratch = new Int32Array(0);

  constructor(
    private readonly leaf: LeafInfo,
    private readonly decompress: (input: Uint8Array, size: number) => Uint8Array,
    /** What the footer says the whole column chunk holds: no page may claim more (corrupt headers). */
    private readonly chunk: { readonly values: number; readonly bytes: number },
  ) {}

  /** Decodes a page; dictionary pages are kept for the data pages after them and give undefined. */
  decode(page: RawPage): DecodedPage | undefined {
    const h = page.header;
    if (h.numValues > this.chunk.values || h.uncompressedSize > this.chunk.bytes) {
      throw new PageError(
        `a page header claims ${h.numValues} values in ${h.uncompressedSize} bytes, more than its column chunk holds (the file is corrupt)`,
      );
    }
    if (h.type === PAGE_DICTIONARY) {
      const body = this.decompress(page.body, h.uncompressedSize);
      this.dictionary = materialize(convert(this.leaf.conversion, this.values(PLAIN, body, 0, h.numValues)));
      return undefined;
    }
    if (h.type === PAGE_DATA) return this.dataV1(page);
    if (h.type === PAGE_DATA_V2) return this.dataV2(page);
    return undefined; // index pages and unknown page types carry no rows
  }

  private dataV1(page: RawPage): DecodedPage {
    const h = page.header;
    const body = this.decompress(page.body, h.uncompressedSize);
    const n = h.numValues;
    if (h.levelEncoding !== RLE && (this.leaf.maxDef > 0 || this.leaf.maxRep > 0)) {
      throw new PageError('levels in the deprecated BIT_PACKED encoding are not supported', true);
    }
    let pos = 0;
    let rep: Int32Array | null = null;
    let def: Int32Array | null = null;
    let count = n;
    if (this.leaf.maxRep > 0) {
      rep = new Int32Array(n);
      pos = levelsWithLength(body, pos, bitWidth(this.leaf.maxRep), rep, 0).end;
    }
    if (this.leaf.maxDef > 0) {
      // Decoded into scratch first: levels that are all at the maximum say nothing, and are dropped so
      // that later steps skip per-entry checks (the common case: a nullable column without nulls).
      if (this.scratch.length < n) this.scratch = new Int32Array(n);
      const levels = levelsWithLength(
        body,
        pos,
        bitWidth(this.leaf.maxDef),
        this.scratch.subarray(0, n),
        this.leaf.maxDef,
      );
      pos = levels.end;
      count = levels.atMax;
      if (count < n) def = this.scratch.slice(0, n);
    }
    return { entries: n, def, rep, values: this.valuesOf(h.encoding, body, pos, count) };
  }

  private dataV2(page: RawPage): DecodedPage {
    const h = page.header;
    const n = h.numValues;
    const levelsEnd = h.repLevelsBytes + h.defLevelsBytes;
    if (levelsEnd > page.body.length) throw new PageError('the levels of a page run past its end');
    let rep: Int32Array | null = null;
    let def: Int32Array | null = null;
    if (this.leaf.maxRep > 0) {
      rep = new Int32Array(n);
      readHybrid(page.body, 0, h.repLevelsBytes, bitWidth(this.leaf.maxRep), n, rep);
    }
    if (this.leaf.maxDef > 0 && h.numNulls > 0) {
      def = new Int32Array(n);
      readHybrid(page.body, h.repLevelsBytes, levelsEnd, bitWidth(this.leaf.maxDef), n, def);
    }
    const stored = page.body.subarray(levelsEnd);
    const body = h.isCompressed ? this.decompress(stored, h.uncompressedSize - levelsEnd) : stored;
    return { entries: n, def, rep, values: this.valuesOf(h.encoding, body, 0, n - h.numNulls) };
  }

  private valuesOf(encoding: number, body: Uint8Array, pos: number, count: number): Run {
    if (encoding === RLE_DICTIONARY || encoding === PLAIN_DICTIONARY) {
      const dict = this.dictionary;
      if (!dict) throw new PageError('a dictionary-encoded page comes without a dictionary page');
      const idx = new Int32Array(count);
      if (count > 0) readHybrid(body, pos + 1, body.length, body[pos] ?? 0, count, idx);
      const size = dict.length; // read once: `dict` is one of many array kinds, the loop stays monomorphic
      for (let i = 0; i < count; i++) {
        const k = idx[i]!;
        if (k >= size || k < 0)
          throw new PageError(`a dictionary index (${k}) is past the dictionary's ${size} entries`);
      }
      return { kind: 'dict', dict, idx };
    }
    const run = convert(this.leaf.conversion, this.values(encoding, body, pos, count));
    if (runLength(run) !== count) {
      throw new PageError(`a page holds ${runLength(run)} values where its levels expect ${count}`);
    }
    return run;
  }

  private values(encoding: number, body: Uint8Array, pos: number, n: number): Physical {
    const { physical, typeLength } = this.leaf;
    switch (encoding) {
      case PLAIN:
        return readPlain(physical, body, pos, n, typeLength);
      case RLE: {
        if (physical !== 'BOOLEAN') break;
        const v = new Int32Array(n);
        readHybrid(body, pos + 4, body.length, 1, n, v);
        return { kind: 'bool', v: Uint8Array.from(v) };
      }
      case DELTA_BINARY_PACKED:
        if (physical === 'INT32')
          return { kind: 'int32', v: readDeltaBinaryPacked(body, pos, (k) => new Int32Array(k), n).values };
        if (physical === 'INT64')
          return {
            kind: 'int64',
            v: readDeltaBinaryPacked(body, pos, (k) => new BigInt64Array(k), n).values,
          };
        break;
      case DELTA_LENGTH_BYTE_ARRAY:
        if (physical === 'BYTE_ARRAY')
          return { kind: 'bytes', v: readDeltaLengthByteArray(body, pos, n).values };
        break;
      case DELTA_BYTE_ARRAY:
        if (physical === 'BYTE_ARRAY' || physical === 'FIXED_LEN_BYTE_ARRAY')
          return { kind: 'bytes', v: readDeltaByteArray(body, pos, n) };
        break;
      case BYTE_STREAM_SPLIT: {
        const width = fixedWidth(physical, typeLength);
        if (width === 0 || physical === 'INT96') break;
        return fromFixed(physical, unsplitBytes(body, pos, n, width), 0, n, typeLength);
      }
      default:
        throw new PageError(`encoding ${ENCODING_NAMES[encoding] ?? `#${encoding}`} is not supported`, true);
    }
    throw new PageError(`encoding #${encoding} is not valid for ${physical} values`);
  }
}

/** v1 levels: a 4-byte length, then the RLE / bit-packed hybrid. */
function levelsWithLength(
  body: Uint8Array,
  pos: number,
  width: number,
  out: Int32Array,
  max: number,
): { end: number; atMax: number } {
  if (pos + 4 > body.length) throw new PageError('a page ends inside its levels');
  const len = (body[pos]! | (body[pos + 1]! << 8) | (body[pos + 2]! << 16) | (body[pos + 3]! << 24)) >>> 0;
  const end = pos + 4 + len;
  if (end > body.length) throw new PageError('the levels of a page run past its end');
  return { end, atMax: readLevels(body, pos + 4, end, width, out.length, out, max).atMax };
}
