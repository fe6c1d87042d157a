import type { Json, LogicalType } from '../../../src/domain/schema/index.js';
import { firstUnstorableBy } from '../../support/stored/first-unstorable.js';

/** A fraction with digits below the microsecond (7th digit on, not all zero). */
const subMicro = (s: string) => /\.\d{6}\d*[1-9]/.test(s.replace(/Z$/, ''));

/**
 * What Hive (through Spark) cannot hold: a timestamp with nanosecond digits, at any depth (Spark keeps
 * microseconds). Everything else the fixtures hold is kept exactly (time, uuid and >38-digit decimals as
 * their exact text).
 */
export function unstorable(type: LogicalType, v: Json): string | undefined {
  if (v === null) return undefined;
  switch (type.kind) {
    case 'timestamp':
      return type.unit === 'ns' && subMicro(v as string) ? 'nanoseconds' : undefined;
    case 'list':
      return (v as Json[]).map((x) => unstorable(type.element.type, x)).find(Boolean);
    case 'struct': {
      const o = v as { [k: string]: Json };
      return type.fields.map((f) => unstorable(f.type, o[f.name] ?? null)).find(Boolean);
    }
    case 'map':
      return (v as { key: Json; value: Json }[])
        .map((e) => unstorable(type.key.type, e.key) ?? unstorable(type.value.type, e.value))
        .find(Boolean);
    default:
      return undefined;
  }
}

export const firstUnstorable = firstUnstorableBy(unstorable);
