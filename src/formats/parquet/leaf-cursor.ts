import type { ChunkReader } from './chunk-reader.js';
import type { DecodedPage, PageDecoder } from './page-decoder.js';
import type { Part } from './runs.js';

/** The entries of one leaf column that make up a run of whole rows. */
export interface LeafSlice {
  readonly entries: number;
  readonly def: Int32Array | null;
  readonly rep: Int32Array | null;
  /** Values of the entries whose definition level is the maximum, in order, page by page. */
  readonly parts: readonly Part[];
  readonly valueCount: number;
}

interface Segment {
  readonly page: DecodedPage;
  readonly from: number;
  readonly to: number;
  readonly vFrom: number;
  readonly vTo: number;
}

/**
 * Walks one leaf column of a row group page by page and hands out its entries a number of rows at a time.
 * A row is one entry for a flat column; for a column inside a list it runs until the next repetition
 * level 0, which may be on a later page (data page v1 lets rows straddle pages).
 */
export class LeafCursor {
  private page: DecodedPage | undefined;
  private entry = 0;
  private value = 0;
  private ended = false;

  constructor(
    private readonly chunk: ChunkReader,
    private readonly decoder: PageDecoder,
    private readonly maxDef: number,
  ) {}

  /** The entries of the next `rows` rows (fewer only when the column chunk ends first). */
  async take(rows: number): Promise<{ slice: LeafSlice; rows: number }> {
    const segments: Segment[] = [];
    let need = rows;
    let got = 0;
    for (;;) {
      if (!this.page || this.entry >= this.page.entries) {
        if (need === 0 && !this.page?.rep) break;
        if (!(await this.nextPage())) break;
      }
      const page = this.page!;
      let end: number;
      let taken: number;
      if (!page.rep) {
        taken = Math.min(need, page.entries - this.entry);
        end = this.entry + taken;
      } else {
        taken = 0;
        end = this.entry;
        for (; end < page.entries; end++) {
          if (page.rep[end] === 0) {
            if (taken === need) break;
            taken++;
          }
        }
      }
      let values = end - this.entry;
      if (page.def) {
        values = 0;
        for (let i = this.entry; i < end; i++) if (page.def[i] === this.maxDef) values++;
      }
      if (end > this.entry)
        segments.push({ page, from: this.entry, to: end, vFrom: this.value, vTo: this.value + values });
      this.entry = end;
      this.value += values;
      need -= taken;
      got += taken;
      if (need === 0 && this.entry < page.entries) break;
    }
    return { slice: join(segments, this.maxDef), rows: got };
  }

  private async nextPage(): Promise<boolean> {
    while (!this.ended) {
      const raw = await this.chunk.next();
      if (!raw) {
        this.ended = true;
        break;
      }
      const page = this.decoder.decode(raw);
      if (page && page.entries > 0) {
        this.page = page;
        this.entry = 0;
        this.value = 0;
        return true;
      }
    }
    return false;
  }
}

function join(segments: readonly Segment[], maxDef: number): LeafSlice {
  const parts = segments.map((s) => ({ run: s.page.values, from: s.vFrom, to: s.vTo }));
  const valueCount = segments.reduce((n, s) => n + s.vTo - s.vFrom, 0);
  const only = segments[0];
  if (!only) return { entries: 0, def: null, rep: null, parts, valueCount };
  if (segments.length === 1) {
    const { page, from, to } = only;
    return {
      entries: to - from,
      def: page.def?.subarray(from, to) ?? null,
      rep: page.rep?.subarray(from, to) ?? null,
      parts,
      valueCount,
    };
  }
  const entries = segments.reduce((n, s) => n + s.to - s.from, 0);
  // A page whose definition levels were all at the maximum dropped them (null): such runs are refilled.
  const levels = (pick: (p: DecodedPage) => Int32Array | null, fill: number) => {
    if (segments.every((s) => !pick(s.page))) return null;
    const out = new Int32Array(entries);
    let at = 0;
    for (const s of segments) {
      const lv = pick(s.page);
      if (lv) out.set(lv.subarray(s.from, s.to), at);
      else out.fill(fill, at, at + s.to - s.from);
      at += s.to - s.from;
    }
    return out;
  };
  return { entries, def: levels((p) => p.def, maxDef), rep: levels((p) => p.rep, 0), parts, valueCount };
}
