/**
 * A minimal Avro encoder for unit tests: just enough to build container files with values no real
 * writer would produce (bad union indexes, out-of-range enums, hand-made blocks). Golden fixtures come
 * from fastavro; this is only for what fastavro refuses to write.
 */
import { memorySource } from '../../../src/storage/byte-source.js';

export function zigzag(v: number | bigint): Uint8Array {
  let u = BigInt.asUintN(64, (BigInt(v) << 1n) ^ (BigInt(v) < 0n ? -1n : 0n));
  const out: number[] = [];
  while (u >= 0x80n) {
    out.push(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  }
  out.push(Number(u));
  return Uint8Array.from(out);
}

export function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

export function str(s: string): Uint8Array {
  const b = new TextEncoder().encode(s);
  return concat(zigzag(b.length), b);
}

export const SYNC = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

/** A container file: header with `schema` (and codec), then each block as given (count, data), each followed by the sync marker. */
export function container(
  schema: unknown,
  blocks: readonly { count: number; data: Uint8Array }[],
  codec?: string,
): Uint8Array {
  const meta: Uint8Array[] = [str('avro.schema'), str(JSON.stringify(schema))];
  if (codec !== undefined) meta.push(str('avro.codec'), str(codec));
  return concat(
    [0x4f, 0x62, 0x6a, 0x01],
    zigzag(meta.length / 2),
    ...meta,
    [0],
    SYNC,
    ...blocks.flatMap((b) => [zigzag(b.count), zigzag(b.data.length), b.data, SYNC]),
  );
}

let records = 0;
/** A record schema with a fresh name (Avro names must be unique in a schema). */
export function record(fields: Record<string, unknown>): unknown {
  records += 1;
  return {
    type: 'record',
    name: `r${records}`,
    fields: Object.entries(fields).map(([name, type]) => ({ name, type })),
  };
}

export const source = (name: string, bytes: Uint8Array) => memorySource(name, bytes);
