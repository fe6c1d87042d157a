import type { Field, Json, LogicalType } from '../../../src/domain/schema/index.js';

/**
 * A target's view of canonical values: walks lists, structs and maps and lets `floatRule` decide what a
 * float or double becomes (`nested` tells whether it sits inside a JSON column). Everything else is kept.
 */
export function storedBy(floatRule: (v: Json, nested: boolean) => Json) {
  const asStored = (type: LogicalType, v: Json, nested = false): Json => {
    if (v === null) return null;
    switch (type.kind) {
      case 'float':
      case 'double':
        return floatRule(v, nested);
      case 'list':
        return (v as Json[]).map((x) => asStored(type.element.type, x, true));
      case 'struct': {
        const o = v as { [k: string]: Json };
        return Object.fromEntries(
          type.fields.map((f) => [f.name, asStored(f.type, o[f.name] ?? null, true)]),
        );
      }
      case 'map':
        return (v as { key: Json; value: Json }[]).map((e) => ({
          key: asStored(type.key.type, e.key, true),
          value: asStored(type.value.type, e.value, true),
        }));
      default:
        return v;
    }
  };
  const rowAsStored = (fields: readonly Field[], row: { [k: string]: Json }): { [k: string]: Json } =>
    Object.fromEntries(fields.map((f) => [f.name, asStored(f.type, row[f.name] ?? null)]));
  return { asStored, rowAsStored };
}
