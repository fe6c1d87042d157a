import type { Value } from '../../domain/schema/index.js';
import { AvroDecodeError, type Cursor, HEX } from './cursor.js';
import type { Plan } from './plan.js';

/**
 * Compiles a Plan into a closure that reads one value from a Cursor. Closures are built once per file, so
 * the per-value work is the read itself, with no switch on the schema.
 */
export type Decode = (c: Cursor) => Value;

const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const MS_PER_DAY = 86_400_000n;

export function compile(plan: Plan): Decode {
  const path = plan.path;
  switch (plan.op) {
    case 'nullable': {
      const inner = compile(plan.inner);
      const nullIndex = plan.nullIndex;
      const valueIndex = nullIndex === 0 ? 1 : 0;
      return (c) => {
        const i = c.longNumber();
        if (i === valueIndex) return inner(c);
        if (i === nullIndex) return null;
        throw new AvroDecodeError(`union branch index ${i} is out of range (the union has 2 branches)`, path);
      };
    }
    case 'boolean':
      return (c) => c.boolean();
    case 'int':
      return (c) => c.int();
    case 'long':
      return (c) => c.long();
    case 'float':
      return (c) => c.float();
    case 'double':
      return (c) => c.double();
    case 'string':
      return (c) => c.string();
    // Copies, so a value kept by a consumer does not pin the whole decompressed block in memory.
    case 'bytes':
      return (c) => c.bytesView().slice();
    case 'fixed': {
      const size = plan.size;
      return (c) => c.fixedView(size).slice();
    }
    case 'enum': {
      const symbols = plan.symbols;
      return (c) => {
        const i = c.int();
        const s = symbols[i];
        if (s === undefined) {
          throw new AvroDecodeError(`enum index ${i} is out of range (${symbols.length} symbols)`, path);
        }
        return s;
      };
    }
    case 'time': {
      const perDay = plan.unit === 'ms' ? MS_PER_DAY : MS_PER_DAY * 1000n;
      const read = plan.unit === 'ms' ? (c: Cursor) => BigInt(c.int()) : (c: Cursor) => c.long();
      const outside = (v: bigint) =>
        new AvroDecodeError(`time of day ${v} ${plan.unit} is outside one day`, path);
      return (c) => {
        const v = read(c);
        if (v < 0n || v >= perDay) throw outside(v);
        return v;
      };
    }
    case 'decimal':
      return decimalDecoder(plan.size, plan.precision, path);
    case 'uuid-string':
      return (c) => {
        const s = c.string();
        if (!UUID_TEXT.test(s)) throw new AvroDecodeError(`"${s.slice(0, 40)}" is not a UUID`, path);
        return s.toLowerCase();
      };
    case 'uuid-fixed':
      return (c) => formatUuid(c.fixedView(16));
    case 'record':
      return recordDecoder(plan.fields.map(compile), plan.fields);
    case 'array': {
      const items = compile(plan.items);
      const sized = !canBeEmpty(plan.items);
      return within(plan.items.path, (c) => {
        const out: Value[] = [];
        for (let n = blockCount(c, path, sized); n !== 0; n = blockCount(c, path, sized)) {
          for (let i = 0; i < n; i++) out.push(items(c));
        }
        return out;
      });
    }
    case 'map': {
      const values = compile(plan.values);
      return within(plan.values.path, (c) => {
        const out: [string, Value][] = [];
        for (let n = blockCount(c, path, true); n !== 0; n = blockCount(c, path, true)) {
          for (let i = 0; i < n; i++) {
            const key = c.string();
            out.push([key, values(c)]);
          }
        }
        return out;
      });
    }
  }
}

/** Gives an error from inside a list or map that names no field yet the path of the items (`a[]`, `m{}`). */
function within(itemPath: string, decode: Decode): Decode {
  return (c) => {
    try {
      return decode(c);
    } catch (e) {
      if (e instanceof AvroDecodeError && e.path === undefined) e.path = itemPath;
      throw e;
    }
  };
}

/** A struct decoder; an error below it without a path gets the path of the field being read. */
function recordDecoder(fields: readonly Decode[], plans: readonly Plan[]): Decode {
  return (c) => {
    const out = new Array<Value>(fields.length);
    let f = 0;
    try {
      for (; f < fields.length; f++) out[f] = fields[f]!(c);
    } catch (e) {
      if (e instanceof AvroDecodeError && e.path === undefined) e.path = plans[f]!.path;
      throw e;
    }
    return out;
  };
}

/**
 * The item count of the next block of an array or map (0 ends it). A negative count is followed by the
 * block's byte size, which we do not need when reading every item. When every item takes a byte at
 * least (`sized`), a count larger than the bytes left is corruption, refused before looping over it.
 */
function blockCount(c: Cursor, path: string, sized: boolean): number {
  let n = c.longNumber();
  if (n < 0) {
    n = -n;
    c.longNumber();
  }
  if (sized && n > c.remaining) throw new AvroDecodeError(`a block of ${n} items overruns the data`, path);
  return n;
}

/** Whether a value can take zero bytes (a record of no fields, a fixed(0)): then counts cannot be checked. */
function canBeEmpty(plan: Plan): boolean {
  if (plan.op === 'record') return plan.fields.every(canBeEmpty);
  return plan.op === 'fixed' && plan.size === 0;
}

function decimalDecoder(size: number | undefined, precision: number, path: string): Decode {
  const limit = 10n ** BigInt(precision);
  return (c) => {
    const v = c.signedBigEndian(size === undefined ? byteLength(c) : size);
    if (v >= limit || v <= -limit) {
      throw new AvroDecodeError(`decimal value has more than the ${precision} digits of its type`, path);
    }
    return v;
  };
}

function byteLength(c: Cursor): number {
  const n = c.longNumber();
  if (n < 0) throw new AvroDecodeError(`negative byte length ${n}`);
  return n;
}

function formatUuid(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b[i]!];
  }
  return s;
}
