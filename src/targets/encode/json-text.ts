import { renderDate, renderDecimal, renderTimeOfDay, renderTimestamp } from '../../domain/schema/render.js';
import type { LogicalType } from '../../domain/schema/types.js';
import type { Value } from '../../domain/schema/values.js';

/**
 * Nested values (list, struct, map) as JSON text for JSON columns (jsonb, json, SUPER). Numbers stay
 * numbers with every digit (int64 and decimals are written as number literals, not through a double);
 * NaN/±Infinity, which JSON cannot hold, become strings; temporal values ISO-8601 strings; binary base64.
 * A map with string keys becomes an object; any other map a list of {"key", "value"} objects.
 */
export function toJsonText(type: LogicalType, v: Value): string {
  if (v === null) return 'null';
  switch (type.kind) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'int':
      return String(v);
    case 'float':
    case 'double': {
      const x = v as number;
      if (Object.is(x, -0)) return '-0';
      return Number.isFinite(x) ? String(x) : JSON.stringify(String(x));
    }
    case 'decimal':
      return renderDecimal(v as bigint, type.scale);
    case 'string':
    case 'uuid':
      return JSON.stringify(v);
    case 'binary':
      return JSON.stringify(Buffer.from(v as Uint8Array).toString('base64'));
    case 'date':
      return JSON.stringify(renderDate(v as number));
    case 'time':
      return JSON.stringify(renderTimeOfDay(v as bigint, type.unit));
    case 'timestamp':
      return JSON.stringify(renderTimestamp(v as bigint, type.unit, type.utc));
    case 'list':
      return `[${(v as readonly Value[]).map((x) => toJsonText(type.element.type, x)).join(',')}]`;
    case 'struct': {
      const vs = v as readonly Value[];
      return `{${type.fields.map((f, i) => `${JSON.stringify(f.name)}:${toJsonText(f.type, vs[i] ?? null)}`).join(',')}}`;
    }
    case 'map': {
      const entries = v as readonly (readonly Value[])[];
      if (type.key.type.kind === 'string') {
        return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${toJsonText(type.value.type, x ?? null)}`).join(',')}}`;
      }
      return `[${entries
        .map(
          ([k, x]) =>
            `{"key":${toJsonText(type.key.type, k ?? null)},"value":${toJsonText(type.value.type, x ?? null)}}`,
        )
        .join(',')}]`;
    }
  }
}
