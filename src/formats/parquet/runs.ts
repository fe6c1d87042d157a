import type { Buffer } from 'node:buffer';
import type { Value } from '../../domain/schema/index.js';

/**
 * The decoded values of one page, held so that nothing is made per value until a value is asked for:
 * numbers stay in typed arrays, dictionary pages stay indices into the (once converted) dictionary, text
 * stays bytes (plus the page decoded once when it is ASCII), booleans stay bytes. A value read once by a
 * loader is then a short-lived object, which the young-generation GC collects almost for free; made
 * eagerly, a batch's strings would survive several collections and be copied each time.
 */
export type Run =
  | { readonly kind: 'array'; readonly v: ArrayLike<Value> }
  | { readonly kind: 'dict'; readonly dict: ArrayLike<Value>; readonly idx: Int32Array }
  | {
      readonly kind: 'text';
      /** The bytes [lo, hi) as one string when they are all ASCII, else null (decode per value). */
      readonly ascii: string | null;
      readonly lo: number;
      readonly bytes: Buffer;
      readonly starts: Int32Array;
      readonly ends: Int32Array;
    }
  | { readonly kind: 'bool'; readonly v: Uint8Array };

export function runLength(r: Run): number {
  switch (r.kind) {
    case 'dict':
      return r.idx.length;
    case 'text':
      return r.starts.length;
    default:
      return r.v.length;
  }
}

export function runAt(r: Run, i: number): Value {
  switch (r.kind) {
    case 'array':
      return r.v[i] ?? null;
    case 'dict':
      return r.dict[r.idx[i]!] ?? null;
    case 'text':
      return r.ascii !== null
        ? r.ascii.substring(r.starts[i]! - r.lo, r.ends[i]! - r.lo)
        : r.bytes.toString('utf8', r.starts[i]!, r.ends[i]!);
    case 'bool':
      return r.v[i] === 1;
  }
}

/**
 * A reader for one run. Each kind of array gets its own function literal on purpose: V8 keeps type
 * feedback per literal, so every element load below stays monomorphic (one shared `v[i]` over eight kinds
 * of typed array was the single largest cost in profiles).
 */
export function accessor(r: Run): (i: number) => Value {
  switch (r.kind) {
    case 'array':
      return arrayAccessor(r.v);
    case 'dict': {
      const { dict, idx } = r;
      if (dict instanceof BigInt64Array) return (i) => dict[idx[i]!]!;
      if (dict instanceof Int32Array) return (i) => dict[idx[i]!]!;
      if (dict instanceof Float64Array) return (i) => dict[idx[i]!]!;
      if (dict instanceof Float32Array) return (i) => dict[idx[i]!]!;
      return (i) => dict[idx[i]!] ?? null;
    }
    case 'text': {
      const { ascii, lo, bytes, starts, ends } = r;
      if (ascii !== null) return (i) => ascii.substring(starts[i]! - lo, ends[i]! - lo);
      return (i) => bytes.toString('utf8', starts[i]!, ends[i]!);
    }
    case 'bool': {
      const v = r.v;
      return (i) => v[i] === 1;
    }
  }
}

function arrayAccessor(v: ArrayLike<Value>): (i: number) => Value {
  if (v instanceof BigInt64Array) return (i) => v[i]!;
  if (v instanceof Int32Array) return (i) => v[i]!;
  if (v instanceof Float64Array) return (i) => v[i]!;
  if (v instanceof Float32Array) return (i) => v[i]!;
  if (v instanceof Uint32Array) return (i) => v[i]!;
  if (v instanceof BigUint64Array) return (i) => v[i]!;
  return (i) => v[i] ?? null;
}

/** Every value of a run, made now (dictionaries, and the rare nested columns). */
export function materialize(r: Run): ArrayLike<Value> {
  if (r.kind === 'array') return r.v;
  const n = runLength(r);
  const out: Value[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = runAt(r, i);
  return out;
}

/** Values [from, to) of a run. */
export interface Part {
  readonly run: Run;
  readonly from: number;
  readonly to: number;
}
