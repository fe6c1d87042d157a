import type { Field, LogicalType } from '../../domain/schema/index.js';
import { renderDecimal, renderTimeOfDay, unitsPerSecond } from '../../domain/schema/render.js';
import type { Value } from '../../domain/schema/values.js';
import { JobpubError } from '../../errors/index.js';
import { HIVE_MAX_DECIMAL_PRECISION } from './type-map.js';

/**
 * Results as Parquet that Hive reads as exactly the column types of type-map.ts: the staging files for CSV,
 * JSON and Avro results, and for Parquet results that Hive cannot read as they are (time, uuid, nanosecond
 * timestamps, decimals over 38 digits). Each batch of the results becomes one file (bounded memory).
 *
 * | logical            | Parquet written                       | read by Hive as   |
 * |--------------------|---------------------------------------|-------------------|
 * | int8 / int16       | INT32 (INT_8 / INT_16)                | tinyint / smallint|
 * | uint8 / uint16     | INT32 (INT_16 / none)                 | smallint / int    |
 * | uint32             | INT64                                 | bigint            |
 * | uint64             | FIXED_LEN_BYTE_ARRAY(9) DECIMAL(20,0)  | decimal(20,0)     |
 * | decimal(p ≤ 38, s) | FIXED_LEN_BYTE_ARRAY DECIMAL(p,s)      | decimal(p,s)      |
 * | decimal(p > 38)    | BYTE_ARRAY UTF8, exact text           | string            |
 * | time, uuid         | BYTE_ARRAY UTF8, exact text           | string            |
 * | timestamp (any)    | INT64 TIMESTAMP_MICROS (UTC instant)  | timestamp         |
 * | date               | INT32 DATE                            | date              |
 * | list/struct/map    | 3-level LIST / group / MAP key_value  | array/struct/map  |
 */

// biome-ignore lint/suspicious/noExplicitAny: hyparquet's SchemaElement, kept loose at this boundary.
export type SchemaElement = Record<string, any>;

/** A Parquet value for the writer, converted from jobpub's in-memory Value. */
type Out = null | boolean | number | bigint | string | Uint8Array | Out[] | { [k: string]: Out };

export interface Converter {
  readonly elements: SchemaElement[];
  readonly convert: (v: Value, row: number) => Out;
}

/** Bytes of a two's-complement big-endian integer holding every `precision`-digit number. */
export function decimalBytes(precision: number): number {
  let n = 1;
  while (2n ** BigInt(8 * n - 1) <= 10n ** BigInt(precision)) n++;
  return n;
}

const MICROS = unitsPerSecond('us');

/** The schema elements and value converter of one field (and, recursively, its children). */
export function converterFor(field: Field, column: string): Converter {
  const rep = field.nullable ? 'OPTIONAL' : 'REQUIRED';
  const name = field.name;
  const leaf = (el: SchemaElement, convert: Converter['convert']): Converter => ({
    elements: [{ name, repetition_type: rep, ...el }],
    convert: (v, row) => (v === null ? null : convert(v, row)),
  });
  const text = (render: (v: Value) => string) => leaf({ type: 'BYTE_ARRAY', converted_type: 'UTF8' }, render);
  const type: LogicalType = field.type;
  switch (type.kind) {
    case 'boolean':
      return leaf({ type: 'BOOLEAN' }, (v) => v as boolean);
    case 'float':
      return leaf({ type: 'FLOAT' }, (v) => v as number);
    case 'double':
      return leaf({ type: 'DOUBLE' }, (v) => v as number);
    case 'string':
    case 'uuid':
      return text((v) => v as string);
    case 'binary':
      return leaf({ type: 'BYTE_ARRAY' }, (v) => v as Uint8Array);
    case 'date':
      return leaf({ type: 'INT32', converted_type: 'DATE' }, (v) => v as number);
    case 'time':
      return text((v) => renderTimeOfDay(v as bigint, type.unit));
    case 'int': {
      if (type.bits === 64) {
        return type.signed
          ? leaf({ type: 'INT64' }, (v) => v as bigint)
          : leaf(decimalElement(20, 0), (v) => v as bigint);
      }
      if (!type.signed && type.bits === 32) return leaf({ type: 'INT64' }, (v) => BigInt(v as number));
      const width = type.signed ? type.bits : type.bits * 2;
      const converted = width === 8 ? 'INT_8' : width === 16 ? 'INT_16' : undefined;
      return leaf({ type: 'INT32', ...(converted ? { converted_type: converted } : {}) }, (v) => v as number);
    }
    case 'decimal':
      if (type.precision > HIVE_MAX_DECIMAL_PRECISION)
        return text((v) => renderDecimal(v as bigint, type.scale));
      return leaf(decimalElement(type.precision, type.scale), (v) => v as bigint);
    case 'timestamp': {
      const per = unitsPerSecond(type.unit);
      return leaf({ type: 'INT64', converted_type: 'TIMESTAMP_MICROS' }, (v, row) => {
        const n = v as bigint;
        if (per <= MICROS) return n * (MICROS / per);
        if (n % (per / MICROS) !== 0n) {
          throw new JobpubError(
            'TARGET_REJECTED',
            `Hive: row ${row + 1}, column "${column}": the timestamp has nanosecond digits; Hive (through Spark) keeps microseconds`,
          );
        }
        return n / (per / MICROS);
      });
    }
    case 'list': {
      const el = converterFor({ ...type.element, name: 'element' }, column);
      return {
        elements: [
          { name, repetition_type: rep, converted_type: 'LIST', num_children: 1 },
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
          ...el.elements,
        ],
        convert: (v, row) => (v === null ? null : (v as readonly Value[]).map((x) => el.convert(x, row))),
      };
    }
    case 'struct': {
      const children = type.fields.map((f) => converterFor(f, column));
      return {
        elements: [
          { name, repetition_type: rep, num_children: children.length },
          ...children.flatMap((c) => c.elements),
        ],
        convert: (v, row) => {
          if (v === null) return null;
          const vs = v as readonly Value[];
          const out: { [k: string]: Out } = {};
          type.fields.forEach((f, i) => {
            out[f.name] = children[i]!.convert(vs[i] ?? null, row);
          });
          return out;
        },
      };
    }
    case 'map': {
      const key = converterFor({ ...type.key, name: 'key', nullable: false }, column);
      const value = converterFor({ ...type.value, name: 'value', nullable: true }, column);
      return {
        elements: [
          { name, repetition_type: rep, converted_type: 'MAP', num_children: 1 },
          { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
          ...key.elements,
          ...value.elements,
        ],
        convert: (v, row) =>
          v === null
            ? null
            : (v as readonly (readonly Value[])[]).map(([k, x]) => ({
                key: key.convert(k ?? null, row),
                value: value.convert(x ?? null, row),
              })),
      };
    }
  }
}

function decimalElement(precision: number, scale: number): SchemaElement {
  return {
    type: 'FIXED_LEN_BYTE_ARRAY',
    type_length: decimalBytes(precision),
    converted_type: 'DECIMAL',
    precision,
    scale,
  };
}
