/**
 * Reads Avro's binary encoding from one buffer (a decompressed block, or a window of the header).
 * Every read is bounds-checked: running past the end throws an Overrun, never reads garbage.
 */

/** A problem found while decoding; `path` is the dotted field path, filled in by the innermost record. */
export class AvroDecodeError extends Error {
  path: string | undefined;
  constructor(message: string, path?: string) {
    super(message);
    this.name = 'AvroDecodeError';
    this.path = path;
  }
}

/** The data ended in the middle of a value: a truncated header window, or a value that overruns its block. */
export class Overrun extends AvroDecodeError {
  /** The buffer offset the value needed to reach. */
  constructor(
    message: string,
    readonly wantEnd: number,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class Cursor {
  pos: number;
  readonly end: number;
  private readonly view: DataView;
  private readonly node: Buffer;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.byteLength,
  ) {
    this.pos = start;
    this.end = end;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.node = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private overrun(need: number): never {
    throw new Overrun(
      `the value runs past the end of the block's data (it needs ${need} byte(s) at byte ${this.pos}, ${this.remaining} remain)`,
      this.pos + need,
    );
  }

  byte(): number {
    if (this.pos >= this.end) this.overrun(1);
    return this.buf[this.pos++]!;
  }

  boolean(): boolean {
    const b = this.byte();
    if (b > 1) throw new AvroDecodeError(`invalid boolean byte ${b}`);
    return b === 1;
  }

  /** A zigzag varint int: 32 bits at most (5 bytes). */
  int(): number {
    let n = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      if (shift === 28 && b > 0x0f) throw new AvroDecodeError('int value does not fit in 32 bits');
      n |= (b & 0x7f) << shift;
      if (b < 0x80) return (n >>> 1) ^ -(n & 1);
    }
    throw new AvroDecodeError('int varint is longer than 5 bytes');
  }

  /**
   * A zigzag varint long as a bigint. Up to 53 bits (8 bytes, the 8th below 0x10) are summed in a float,
   * which is exact and makes one bigint at the end; only larger magnitudes take the bigint path.
   */
  long(): bigint {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      if (i === 7 && b >= 0x10) {
        this.pos--;
        return this.longTail(n);
      }
      n += (b & 0x7f) * scale;
      if (b < 0x80) return BigInt(n % 2 === 0 ? n / 2 : -(n + 1) / 2);
      scale *= 128;
    }
    throw new AvroDecodeError('long varint is malformed'); // unreachable: the 8th byte returns or goes on
  }

  /** The rest of a long whose first 7 bytes summed to `low` (49 bits). */
  private longTail(low: number): bigint {
    let big = BigInt(low);
    for (let shift = 49n; shift < 70n; shift += 7n) {
      const b = this.byte();
      if (shift === 63n && b > 1) throw new AvroDecodeError('long value does not fit in 64 bits');
      big |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) {
        const u = BigInt.asUintN(64, big);
        return (u >> 1n) ^ -(u & 1n);
      }
    }
    throw new AvroDecodeError('long varint is longer than 10 bytes');
  }

  /** A zigzag varint long of at most 53 bits (|v| ≤ 2^52, exact in a number): lengths, counts, block sizes. */
  longNumber(): number {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      if (i === 7 && b > 0x0f) break;
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
      scale *= 128;
    }
    throw new AvroDecodeError('a length or count is larger than 2^52');
  }

  float(): number {
    if (this.end - this.pos < 4) this.overrun(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    if (this.end - this.pos < 8) this.overrun(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** `n` bytes as a view into the buffer (no copy). */
  fixedView(n: number): Uint8Array {
    if (this.end - this.pos < n) this.overrun(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A length-prefixed byte string as a view into the buffer (no copy). */
  bytesView(): Uint8Array {
    const n = this.longNumber();
    if (n < 0) throw new AvroDecodeError(`negative byte length ${n}`);
    return this.fixedView(n);
  }

  string(): string {
    const n = this.longNumber();
    if (n < 0) throw new AvroDecodeError(`negative string length ${n}`);
    if (this.end - this.pos < n) this.overrun(n);
    const buf = this.buf;
    const start = this.pos;
    const end = start + n;
    this.pos = end;
    // ASCII (most keys, codes, labels) is its own Latin-1, which Node decodes without validation work;
    // anything else goes through the validating UTF-8 decoder.
    let i = start;
    while (i < end && buf[i]! < 0x80) i++;
    if (i === end) return this.node.toString('latin1', start, end);
    try {
      return utf8.decode(buf.subarray(start, end));
    } catch {
      throw new AvroDecodeError('string is not valid UTF-8');
    }
  }

  /** A big-endian two's-complement integer of `n` bytes (a decimal's unscaled value), without a copy. */
  signedBigEndian(n: number): bigint {
    if (this.end - this.pos < n) this.overrun(n);
    const start = this.pos;
    this.pos += n;
    return twosComplement(this.buf, start, start + n);
  }
}

export const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Bytes [start, end) as a big-endian two's-complement integer (an empty one is 0, as Java reads it). */
export function twosComplement(b: Uint8Array, start = 0, end = b.length): bigint {
  const len = end - start;
  if (len === 0) return 0n;
  if (len <= 6) {
    let n = 0;
    for (let i = start; i < end; i++) n = n * 256 + b[i]!;
    if (b[start]! >= 0x80) n -= 2 ** (8 * len);
    return BigInt(n);
  }
  let hex = '0x';
  for (let i = start; i < end; i++) hex += HEX[b[i]!];
  const u = BigInt(hex);
  return b[start]! >= 0x80 ? u - (1n << BigInt(8 * len)) : u;
}
