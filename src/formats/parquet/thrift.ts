/**
 * A Thrift compact-protocol reader, just enough for Parquet page headers (the footer is parsed by
 * hyparquet). Structs come back as plain objects keyed by field id, so the caller names the fields it
 * knows and skips the rest (statistics, CRCs) without decoding them into anything.
 */
export type ThriftValue = number | bigint | boolean | Uint8Array | ThriftStruct | ThriftValue[];
export interface ThriftStruct {
  [field: number]: ThriftValue | undefined;
}

/** The bytes ended inside a struct: the caller reads more and tries again. */
export class ThriftEndOfInput extends Error {}

const T_TRUE = 1;
const T_FALSE = 2;
const T_BYTE = 3;
const T_I16 = 4;
const T_I32 = 5;
const T_I64 = 6;
const T_DOUBLE = 7;
const T_BINARY = 8;
const T_LIST = 9;
const T_SET = 10;
const T_MAP = 11;
const T_STRUCT = 12;

class Cursor {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
  ) {}

  byte(): number {
    if (this.pos >= this.buf.length) throw new ThriftEndOfInput('thrift: end of input');
    return this.buf[this.pos++]!;
  }

  /** An unsigned varint; numbers up to 2^53 stay exact, which covers every i32 and every size. */
  varint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
      if (mul > 2 ** 63) throw new Error('thrift: varint too long');
    }
  }

  bigVarint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new Error('thrift: varint too long');
    }
  }

  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  bytes(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new ThriftEndOfInput('thrift: end of input');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function readValue(c: Cursor, type: number, depth: number): ThriftValue {
  switch (type) {
    case T_TRUE:
      return true;
    case T_FALSE:
      return false;
    case T_BYTE:
      return (c.byte() << 24) >> 24;
    case T_I16:
    case T_I32:
      return c.zigzag();
    case T_I64: {
      const n = c.bigVarint();
      return (n >> 1n) ^ -(n & 1n);
    }
    case T_DOUBLE: {
      const b = c.bytes(8);
      return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
    }
    case T_BINARY:
      return c.bytes(c.varint());
    case T_LIST:
    case T_SET: {
      const head = c.byte();
      const size = head >> 4 === 15 ? c.varint() : head >> 4;
      const elem = head & 15;
      const out: ThriftValue[] = [];
      // Booleans inside a list are one byte each (1 = true), unlike struct fields.
      for (let i = 0; i < size; i++)
        out.push(elem === T_TRUE || elem === T_FALSE ? c.byte() === 1 : readValue(c, elem, depth + 1));
      return out;
    }
    case T_MAP: {
      const size = c.varint();
      if (size === 0) return [];
      const kinds = c.byte();
      const out: ThriftValue[] = [];
      for (let i = 0; i < size; i++)
        out.push([readValue(c, kinds >> 4, depth + 1), readValue(c, kinds & 15, depth + 1)]);
      return out;
    }
    case T_STRUCT:
      return readStructAt(c, depth + 1);
    default:
      throw new Error(`thrift: unknown field type ${type}`);
  }
}

function readStructAt(c: Cursor, depth: number): ThriftStruct {
  if (depth > 32) throw new Error('thrift: structs nested too deeply');
  const out: ThriftStruct = {};
  let field = 0;
  for (;;) {
    const head = c.byte();
    if (head === 0) return out;
    const type = head & 15;
    field = head >> 4 === 0 ? c.zigzag() : field + (head >> 4);
    out[field] = readValue(c, type, depth);
  }
}

/** Reads one struct starting at `pos`; returns it and the position just after it. */
export function readStruct(buf: Uint8Array, pos: number): { value: ThriftStruct; end: number } {
  const c = new Cursor(buf, pos);
  const value = readStructAt(c, 0);
  return { value, end: c.pos };
}
