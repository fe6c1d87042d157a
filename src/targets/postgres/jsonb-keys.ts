import type { LogicalType, Value } from '../../domain/schema/index.js';
import { inputError } from '../../errors/index.js';

/**
 * jsonb keeps one value per object key, and the shared JSON text writes a map with string keys as an
 * object: a map holding a key twice would lose entries silently. Such a value is refused instead, naming
 * column and row. Answers undefined for types with no string-keyed map inside (nothing to check).
 */
export function duplicateKeyGuard(
  type: LogicalType,
  column: string,
): ((v: Value, row: number) => void) | undefined {
  const find = finder(type);
  if (!find) return undefined;
  return (v, row) => {
    const key = find(v);
    if (key !== undefined) {
      throw inputError(
        'TARGET_REJECTED',
        `a map holds the key ${JSON.stringify(key)} more than once; jsonb keeps one value per key, so nothing was written`,
        { column, row: row + 1 },
      );
    }
  };
}

type Finder = (v: Value) => string | undefined;

/** A function that finds a repeated string key anywhere in a value of `type`, or undefined if none can occur. */
function finder(type: LogicalType): Finder | undefined {
  switch (type.kind) {
    case 'list': {
      const inner = finder(type.element.type);
      return inner && ((v) => firstOf(v as readonly Value[], inner));
    }
    case 'struct': {
      const inner = type.fields.map((f) => finder(f.type));
      if (inner.every((f) => f === undefined)) return undefined;
      return (v) => {
        const vs = v as readonly Value[];
        for (let i = 0; i < inner.length; i++) {
          const found = vs[i] == null ? undefined : inner[i]?.(vs[i]!);
          if (found !== undefined) return found;
        }
        return undefined;
      };
    }
    case 'map': {
      const values = finder(type.value.type);
      const stringKeys = type.key.type.kind === 'string';
      if (!stringKeys && !values && !finder(type.key.type)) return undefined;
      const keys = finder(type.key.type);
      return (v) => {
        const entries = v as readonly (readonly Value[])[];
        if (stringKeys) {
          const seen = new Set<string>();
          for (const [k] of entries) {
            if (seen.has(k as string)) return k as string;
            seen.add(k as string);
          }
        }
        for (const [k, x] of entries) {
          const found = (k != null && keys?.(k)) || (x != null ? values?.(x) : undefined);
          if (found) return found;
        }
        return undefined;
      };
    }
    default:
      return undefined;
  }
}

function firstOf(vs: readonly Value[], inner: Finder): string | undefined {
  for (const x of vs) {
    const found = x == null ? undefined : inner(x);
    if (found !== undefined) return found;
  }
  return undefined;
}
