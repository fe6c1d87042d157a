import { ArrayColumn, type Column, type Value } from '../../domain/schema/index.js';
import type { LeafSlice } from './leaf-cursor.js';
import { PageError } from './problems.js';
import { accessor, type Part, runAt } from './runs.js';
import type { Node, TopColumn } from './schema-map.js';

/**
 * Turns the leaf slices of one top-level field into a Column of `rows` values. A flat column keeps the
 * pages' runs as they are and makes a value only when get() asks for it; lists, structs and maps are
 * rebuilt from definition / repetition levels (record assembly, as in the Dremel paper).
 */
export type Assembler = (slices: readonly (LeafSlice | undefined)[], rows: number) => Column;

export function assemblerFor(col: TopColumn): Assembler {
  const node = col.node;
  if (node.kind === 'leaf' && col.leaves.length === 1)
    return (slices, rows) => flat(slices[node.leaf]!, node.def, rows);
  const read = compile(node);
  return (slices, rows) => {
    const states: State[] = [];
    for (const i of col.leaves) states[i] = new State(slices[i]!, leafDef(node, i));
    const out: Value[] = new Array(rows);
    for (let r = 0; r < rows; r++) out[r] = read(states);
    for (const i of col.leaves) {
      if (states[i]!.e !== slices[i]!.entries)
        throw new PageError('the repetition levels of a nested column disagree');
    }
    return new ArrayColumn(out);
  };
}

/**
 * A flat column over the runs of one or more pages. `index` maps a row to its value (-1: null) when some
 * rows are null. Loaders read rows in order, so the part holding the last value read is tried first.
 */
class FlatColumn implements Column {
  /** The part holding values [lo, hi), read through `at` at value index + off. */
  private at: (i: number) => Value = () => null;
  private lo = 0;
  private hi = 0;
  private off = 0;

  constructor(
    private readonly parts: readonly Part[],
    private readonly index: Int32Array | null,
    readonly length: number,
  ) {}

  get(i: number): Value {
    const v = this.index === null ? i : this.index[i]!;
    if (v < 0 || i >= this.length) return null;
    if (v < this.lo || v >= this.hi) this.seek(v);
    return this.at(v + this.off);
  }

  private seek(v: number): void {
    let start = 0;
    for (const p of this.parts) {
      const end = start + p.to - p.from;
      if (v < end) {
        this.at = accessor(p.run);
        this.lo = start;
        this.hi = end;
        this.off = p.from - start;
        return;
      }
      start = end;
    }
    throw new RangeError(`value ${v} is past the column's values`);
  }
}

function flat(s: LeafSlice, maxDef: number, rows: number): Column {
  if (s.entries !== rows) throw new PageError(`a column holds ${s.entries} entries for ${rows} rows`);
  if (!s.def || s.valueCount === rows) return new FlatColumn(s.parts, null, rows);
  const def = s.def;
  const index = new Int32Array(rows);
  let j = 0;
  for (let i = 0; i < rows; i++) index[i] = def[i] === maxDef ? j++ : -1;
  return new FlatColumn(s.parts, index, rows);
}

/** All values of a slice, made now (nested columns walk them in level order). */
function allValues(s: LeafSlice): Value[] {
  const out: Value[] = new Array(s.valueCount);
  let at = 0;
  for (const p of s.parts) for (let i = p.from; i < p.to; i++) out[at++] = runAt(p.run, i);
  return out;
}

class State {
  e = 0;
  v = 0;
  readonly def: Int32Array | null;
  readonly rep: Int32Array | null;
  readonly values: ArrayLike<Value>;
  readonly entries: number;
  constructor(
    s: LeafSlice,
    readonly maxDef: number,
  ) {
    this.def = s.def;
    this.rep = s.rep;
    this.values = allValues(s);
    this.entries = s.entries;
  }
  level(): number {
    return this.def ? this.def[this.e]! : this.maxDef;
  }
}

type Reader = (s: State[]) => Value;

function leafDef(node: Node, leaf: number): number {
  if (node.kind === 'leaf') return node.leaf === leaf ? node.def : -1;
  const kids = node.kind === 'struct' ? node.children : node.items;
  for (const k of kids) {
    const d = leafDef(k, leaf);
    if (d >= 0) return d;
  }
  return -1;
}

function leavesUnder(node: Node): number[] {
  if (node.kind === 'leaf') return [node.leaf];
  return (node.kind === 'struct' ? node.children : node.items).flatMap(leavesUnder);
}

function compile(node: Node): Reader {
  const under = leavesUnder(node);
  const first = under[0]!;
  const skip = (s: State[]) => {
    for (const l of under) s[l]!.e++;
  };
  let inner: Reader;
  if (node.kind === 'leaf') {
    inner = (s) => {
      const x = s[node.leaf]!;
      x.e++;
      return x.values[x.v++] ?? null;
    };
  } else if (node.kind === 'struct') {
    const kids = node.children.map(compile);
    inner = (s) => kids.map((k) => k(s));
  } else {
    const [a, b] = node.items.map(compile) as [Reader, Reader | undefined];
    const isMap = node.kind === 'map';
    inner = (s) => {
      const x = s[first]!;
      if (x.level() < node.itemDef) {
        skip(s);
        return [];
      }
      const out: Value[] = [];
      do out.push(isMap ? [a(s), b!(s)] : a(s));
      while (x.e < x.entries && x.rep![x.e] === node.rep);
      return out;
    };
  }
  if (!node.optional) return inner;
  return (s) => {
    if (s[first]!.level() < node.def) {
      skip(s);
      return null;
    }
    return inner(s);
  };
}
