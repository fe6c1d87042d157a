import { daysFromCivil, unitsPerSecond } from '../../domain/schema/render.js';
import type { LogicalType } from '../../domain/schema/types.js';
import type { Value } from '../../domain/schema/values.js';
import { inputError } from '../../errors/index.js';
import type { PlannedColumn } from '../../publish/plan.js';
import { sqlTextEncoder } from '../encode/sql-text.js';

/**
 * A value's text as MySQL parses it back exactly (the shared SQL text), after MySQL's own limits: the
 * loaders escape it for their format (tsv.ts for LOAD DATA, insert.ts for INSERT literals). A value MySQL
 * cannot hold is refused here, by column and row, before it is sent: NaN and ±Infinity, dates and
 * datetimes outside 1000-01-01 .. 9999-12-31 (MariaDB would store some, MySQL documents none), digits finer
 * than a column's fraction, text that has no UTF-8 form.
 */
export type FieldText = (v: Value, row: number) => string;

const FIRST_DAY = daysFromCivil(1000, 1, 1);
const LAST_DAY = daysFromCivil(9999, 12, 31);
const TEXT_COLUMN = /^(char|varchar|tinytext|text|mediumtext|longtext|json)\b/i;
const BINARY_COLUMN = /^(binary|varbinary|tinyblob|blob|mediumblob|longblob)\b/i;
const DATE_COLUMN = /^(date|datetime|timestamp)\b/i;
const FRACTION_COLUMN = /^(datetime|timestamp|time)(?:\((\d)\))?/i;

/** String.prototype.isWellFormed (ES2024, in Node 20; not in the ES2023 lib the project compiles with). */
type WellFormed = string & { isWellFormed(): boolean };

/** Binary values into a binary column travel as hex and are stored with UNHEX; into text, the hex is the text. */
export const isBinaryLoad = (c: PlannedColumn): boolean =>
  c.source.type.kind === 'binary' && BINARY_COLUMN.test(c.sqlType);

/** Kinds whose text may hold any character (the others are digits, signs, dates and hex). */
export const isFreeText = (c: PlannedColumn): boolean =>
  ['string', 'uuid', 'list', 'struct', 'map'].includes(c.source.type.kind);

export function fieldText(c: PlannedColumn): FieldText {
  const type = c.source.type;
  const column = c.name;
  const text = sqlTextEncoder(type, column, { finestUnit: 'us', utcSuffix: '', nonFiniteFloats: false });
  const refuse = (problem: string, row: number) =>
    inputError('TARGET_REJECTED', problem, { column, row: row + 1 });
  switch (type.kind) {
    case 'boolean':
      // tinyint(1) takes 1/0; a text column keeps the word.
      return TEXT_COLUMN.test(c.sqlType) ? text : (v) => (v ? '1' : '0');
    case 'string':
      return (v, row) => {
        // A lone UTF-16 surrogate has no UTF-8 form: Buffer.from would turn it into U+FFFD silently.
        if (!(v as WellFormed).isWellFormed())
          throw refuse('text holds a lone UTF-16 surrogate, which utf8mb4 cannot store', row);
        return v as string;
      };
    case 'date':
      if (!DATE_COLUMN.test(c.sqlType)) return text;
      return (v, row) => {
        const days = v as number;
        if (days < FIRST_DAY || days > LAST_DAY)
          throw refuse('MySQL dates hold years 1000 to 9999 only; nothing was written', row);
        return text(v, row);
      };
    case 'time':
    case 'timestamp': {
      const check = temporalCheck(type, c.sqlType, refuse);
      return (v, row) => {
        check(v as bigint, row);
        return text(v, row);
      };
    }
    default:
      return text;
  }
}

/**
 * Into a date/time column: timestamps within the date range, and no digit finer than the column's fraction
 * (`datetime(3)` keeps ms; MySQL would round and MariaDB cut the rest without a warning). Into a text
 * column every value has its exact text: no check.
 */
function temporalCheck(
  type: LogicalType & { kind: 'time' | 'timestamp' },
  sqlType: string,
  refuse: (problem: string, row: number) => Error,
) {
  const per = unitsPerSecond(type.unit);
  const m = FRACTION_COLUMN.exec(sqlType);
  const fsp = m ? Number(m[2] ?? 0) : undefined;
  const keep = fsp === undefined ? per : 10n ** BigInt(fsp);
  const quantum = per > keep ? per / keep : 1n;
  const ranged = type.kind === 'timestamp' && DATE_COLUMN.test(sqlType);
  const perDay = 86_400n * per;
  const lo = BigInt(FIRST_DAY) * perDay;
  const hi = BigInt(LAST_DAY + 1) * perDay;
  return (v: bigint, row: number) => {
    if (ranged && (v < lo || v >= hi))
      throw refuse('MySQL datetimes hold years 1000 to 9999 only; nothing was written', row);
    if (quantum > 1n && v % quantum !== 0n) {
      throw refuse(
        `value has digits finer than a ${sqlType} column keeps (${fsp} fraction digits); nothing was written`,
        row,
      );
    }
  };
}
