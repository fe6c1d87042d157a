import type { LogicalType, Value } from '../../domain/schema/index.js';
import { inputError } from '../../errors/index.js';
import { sqlTextEncoder } from '../encode/sql-text.js';
import { duplicateKeyGuard } from './jsonb-keys.js';
import { dateText, timestampText, timeText } from './temporal-text.js';

/**
 * One value as a field of PostgreSQL's COPY text format: the shared SQL text of the value, escaped for the
 * stream (backslash, tab, newline, carriage return), `\N` for NULL, and an empty string stays empty.
 * The overrides: bytea as `\\x<hex>`, years outside 1..9999 in PostgreSQL's own spelling (`0044-03-15 BC`,
 * `10000-01-01`), and a NUL in a string refused by value (PostgreSQL text cannot hold it).
 */
export type FieldEncoder = (v: Value, row: number) => string;

export const COPY_NULL = '\\N';

const SPECIAL = /[\\\t\n\r\0]/;
const ESCAPES = /[\\\t\n\r]/g;
const ESCAPED: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escapeChar = (ch: string) => ESCAPED[ch]!;

const SQL_TEXT = { finestUnit: 'us', utcSuffix: '+00', nonFiniteFloats: true } as const;

export function fieldEncoder(type: LogicalType, column: string): FieldEncoder {
  const text = sqlTextEncoder(type, column, SQL_TEXT);
  switch (type.kind) {
    case 'string':
      return (v, row) => escapeText(v as string, column, row);
    case 'binary':
      return (v, row) => `\\\\x${text(v, row)}`;
    case 'date':
      return (v, row) => dateText(v as number) ?? pgYears(text(v, row));
    case 'time': {
      const unit = type.unit;
      return unit === 'ns' ? text : (v, row) => timeText(v as bigint, unit) ?? text(v, row);
    }
    case 'timestamp': {
      const unit = type.unit;
      const suffix = type.utc ? '+00' : '';
      if (unit === 'ns') return (v, row) => pgYears(text(v, row));
      return (v, row) => {
        const fast = timestampText(v as bigint, unit);
        return fast === undefined ? pgYears(text(v, row)) : fast + suffix;
      };
    }
    case 'list':
    case 'struct':
    case 'map': {
      // JSON text holds no raw control characters, but its own escapes start with a backslash.
      const guard = duplicateKeyGuard(type, column);
      if (!guard) return (v, row) => escapeText(text(v, row), column, row);
      return (v, row) => {
        guard(v, row);
        return escapeText(text(v, row), column, row);
      };
    }
    default:
      return text;
  }
}

function escapeText(s: string, column: string, row: number): string {
  if (!SPECIAL.test(s)) return s;
  if (s.includes('\0')) {
    throw inputError(
      'TARGET_REJECTED',
      'PostgreSQL text cannot hold a NUL character (\\u0000); nothing was written',
      {
        column,
        row: row + 1,
      },
    );
  }
  return s.replace(ESCAPES, escapeChar);
}

/**
 * The shared text spells years outside 0000..9999 as `+YYYYYY` / `-YYYYYY` (ISO 8601 expanded years) and
 * year 0 as `0000`; PostgreSQL wants `YYYYY` and `YYYY BC` (year 0 is 1 BC), the era after the time.
 */
export function pgYears(text: string): string {
  const first = text.charCodeAt(0);
  if (first !== 43 && first !== 45 && !text.startsWith('0000')) return text; // '+', '-'
  const m = /^([+-]?)(\d+)(.*)$/.exec(text)!;
  const year = Number(m[2]) * (m[1] === '-' ? -1 : 1);
  if (year > 0) return `${year}${m[3]}`;
  return `${String(1 - year).padStart(4, '0')}${m[3]} BC`;
}

/** Encodes rows of a batch into COPY text lines, one per row. */
export function rowEncoder(
  encoders: readonly FieldEncoder[],
): (values: readonly { get(i: number): Value }[], i: number, row: number) => string {
  const width = encoders.length;
  return (values, i, row) => {
    let line = '';
    for (let c = 0; c < width; c++) {
      const v = values[c]!.get(i);
      if (c > 0) line += '\t';
      line += v === null ? COPY_NULL : encoders[c]!(v, row);
    }
    return `${line}\n`;
  };
}
