import type { Field, Json, LogicalType } from '../../../src/domain/schema/index.js';

/**
 * From a target's "why can this value not be stored" rule: the first (row, column) in load order the
 * target cannot hold, or undefined. The load must fail naming exactly that row and column.
 */
export function firstUnstorableBy(unstorable: (type: LogicalType, v: Json) => string | undefined) {
  return (
    fields: readonly Field[],
    rows: readonly { [k: string]: Json }[],
  ): { row: number; column: string } | undefined => {
    for (let r = 0; r < rows.length; r++) {
      for (const f of fields)
        if (unstorable(f.type, rows[r]![f.name] ?? null)) return { row: r, column: f.name };
    }
    return undefined;
  };
}
