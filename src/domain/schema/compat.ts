import { formatType } from './format-type.js';
import type { Field, LogicalType, TimeUnit } from './types.js';

/**
 * Can the results' values go into an existing table column without losing anything?
 * publishing.md section 3: widening is fine (int32 into bigint, anything into a text column); a type that
 * would lose data (bigint into integer, decimal(18,4) into decimal(10,2), text into a number) is refused.
 */

/** An existing column as a target describes it: a logical type, JSON, or a type jobpub does not know. */
export type ColumnType =
  | LogicalType
  | { readonly kind: 'json' }
  | { readonly kind: 'unknown'; readonly name: string };

export interface TableColumn {
  readonly name: string;
  /** The target's own spelling, for messages (`numeric(10,2)`, `varchar(20)`). */
  readonly sqlType: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly hasDefault: boolean;
}

export interface TableDescription {
  readonly columns: readonly TableColumn[];
  /**
   * False when the table's storage cannot roll back (MySQL MyISAM, MEMORY): appending or replacing its rows
   * could not be all-or-nothing, so the planner refuses it. Undefined: transactional.
   */
  readonly transactional?: boolean;
}

export type Fit = { ok: true; warning?: string } | { ok: false; reason: string };

const UNIT_RANK: Record<TimeUnit, number> = { ms: 0, us: 1, ns: 2 };

/**
 * A time unit into a column's unit: finer or equal is fine; nanoseconds into microseconds is allowed with a
 * warning, because every loader refuses a value with sub-µs digits by row; anything else coarser is refused.
 */
function unitFit(source: TimeUnit, column: TimeUnit): Fit {
  if (source === 'ns' && column === 'us') {
    return {
      ok: true,
      warning: 'the column keeps microseconds: a value with nanosecond digits fails the load',
    };
  }
  return UNIT_RANK[column] >= UNIT_RANK[source]
    ? { ok: true }
    : { ok: false, reason: `the column keeps only ${column}` };
}

/** Decimal digits needed left of the point for every value of an integer type. */
export function integerDigits(bits: number, signed: boolean): number {
  return (signed ? 2n ** BigInt(bits - 1) : 2n ** BigInt(bits) - 1n).toString().length;
}

export function fits(source: LogicalType, column: ColumnType): Fit {
  const ok: Fit = { ok: true };
  const no = (why: string): Fit => ({ ok: false, reason: why });
  if (column.kind === 'unknown') return no(`jobpub cannot check a column of type ${column.name}`);
  if (column.kind === 'string') return ok; // every value has an exact text form
  if (column.kind === 'json') {
    return source.kind === 'list' || source.kind === 'struct' || source.kind === 'map'
      ? ok
      : no('would need JSON');
  }
  switch (source.kind) {
    case 'boolean':
      return column.kind === 'boolean' ? ok : no('a boolean fits only a boolean or text column');
    case 'int': {
      if (column.kind === 'int') {
        if (source.signed && !column.signed) return no('signed values do not fit an unsigned column');
        const need = source.signed === column.signed ? source.bits : source.bits + 1;
        return column.bits >= need ? ok : no('would be narrowed');
      }
      if (column.kind === 'decimal') {
        return column.precision - column.scale >= integerDigits(source.bits, source.signed)
          ? ok
          : no('would overflow the decimal');
      }
      if (column.kind === 'double') return source.bits <= 32 ? ok : no('a double holds 53 bits exactly');
      if (column.kind === 'float') return source.bits <= 16 ? ok : no('a float holds 24 bits exactly');
      return no('would not be a number');
    }
    case 'float':
      return column.kind === 'float' || column.kind === 'double'
        ? ok
        : no('would be narrowed or not a float');
    case 'double':
      return column.kind === 'double' ? ok : no('would be narrowed');
    case 'decimal':
      if (column.kind === 'decimal') {
        return column.scale >= source.scale &&
          column.precision - column.scale >= source.precision - source.scale
          ? ok
          : no('would be rounded or overflow');
      }
      return no('would be rounded');
    case 'date':
      if (column.kind === 'date') return ok;
      if (column.kind === 'timestamp') return { ok: true, warning: 'dates become timestamps at midnight' };
      return no('a date fits a date, timestamp or text column');
    case 'timestamp': {
      if (column.kind !== 'timestamp') return no('would lose the time of day or not be a timestamp');
      const unit = unitFit(source.unit, column.unit);
      if (!unit.ok) return unit;
      const zone =
        column.utc === source.utc
          ? undefined
          : source.utc
            ? 'UTC instants are stored as UTC wall-clock time in a column without time zone'
            : 'wall-clock times are taken as UTC in a column with time zone';
      const warning = [unit.warning, zone].filter(Boolean).join('; ');
      return warning ? { ok: true, warning } : ok;
    }
    case 'time':
      return column.kind === 'time' ? unitFit(source.unit, column.unit) : no('would not be a time of day');
    case 'binary':
    case 'uuid':
    case 'string':
      return column.kind === source.kind
        ? ok
        : no(`${source.kind} values fit only the same type or a text column`);
    case 'list':
    case 'struct':
    case 'map':
      return nestedFit(source, column);
  }
}

/**
 * Nested into nested: the same shape (struct fields by name, in order), every child fitting by the rules
 * above, and no NOT NULL child in the column where the results may hold a NULL there.
 */
function nestedFit(source: LogicalType, column: LogicalType): Fit {
  const mismatch: Fit = {
    ok: false,
    reason: `${source.kind} values fit only the same shape or a text column`,
  };
  const pairs: [Field, Field][] = [];
  if (source.kind === 'list' && column.kind === 'list') pairs.push([source.element, column.element]);
  else if (source.kind === 'map' && column.kind === 'map') {
    pairs.push([source.key, column.key], [source.value, column.value]);
  } else if (source.kind === 'struct' && column.kind === 'struct') {
    if (source.fields.length !== column.fields.length) return mismatch;
    for (const [i, f] of source.fields.entries()) pairs.push([f, column.fields[i]!]);
  } else return mismatch;
  const warnings: string[] = [];
  for (const [from, to] of pairs) {
    if (from.name !== to.name && source.kind === 'struct') return mismatch;
    if (from.nullable && !to.nullable)
      return { ok: false, reason: `"${from.name}" may be NULL in the results` };
    const fit = fits(from.type, to.type);
    if (!fit.ok) return { ok: false, reason: `inside ${source.kind}: ${fit.reason}` };
    if (fit.warning) warnings.push(fit.warning);
  }
  return warnings.length ? { ok: true, warning: [...new Set(warnings)].join('; ') } : { ok: true };
}

export interface Incompatibility {
  readonly column: string;
  readonly resultsType: string;
  readonly tableType: string;
  readonly problem: string;
}

/**
 * Every problem at once: results columns missing from the table, types that would lose data, NOT NULL
 * columns without a default that the results do not fill. Names match by `fold` (the target's case rule).
 */
export function checkAppend(
  results: readonly Field[],
  table: TableDescription,
  fold: (name: string) => string,
): { problems: Incompatibility[]; warnings: string[] } {
  const problems: Incompatibility[] = [];
  const warnings: string[] = [];
  const byName = new Map(table.columns.map((c) => [fold(c.name), c]));
  const filled = new Set<string>();
  for (const f of results) {
    const col = byName.get(fold(f.name));
    const resultsType = formatType(f.type);
    if (!col) {
      problems.push({ column: f.name, resultsType, tableType: '(none)', problem: 'missing from the table' });
      continue;
    }
    filled.add(fold(col.name));
    const fit = fits(f.type, col.type);
    if (!fit.ok) problems.push({ column: f.name, resultsType, tableType: col.sqlType, problem: fit.reason });
    else if (fit.warning) warnings.push(`column "${f.name}": ${fit.warning}`);
    if (f.nullable && !col.nullable) {
      warnings.push(`column "${f.name}": the results may hold NULLs but the table column is NOT NULL`);
    }
  }
  for (const col of table.columns) {
    if (!filled.has(fold(col.name)) && !col.nullable && !col.hasDefault) {
      problems.push({
        column: col.name,
        resultsType: '(none)',
        tableType: col.sqlType,
        problem: 'NOT NULL without a default, and the results do not fill it',
      });
    }
  }
  return { problems, warnings };
}
