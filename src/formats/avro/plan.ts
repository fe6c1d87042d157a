import type { TimeUnit } from '../../domain/schema/index.js';

/**
 * How to decode one Avro value into our Value, decided once per file from its schema (schema-map.ts) and
 * compiled into closures (value-decoder.ts). Each op names the bytes it reads and the value it makes;
 * `path` is the dotted field path errors name.
 */
export type Plan =
  /** A union [null, X] or [X, null]: the branch index, then X unless it is the null branch. */
  | { readonly op: 'nullable'; readonly nullIndex: number; readonly inner: Plan; readonly path: string }
  | { readonly op: 'boolean' | 'float' | 'double' | 'string' | 'bytes'; readonly path: string }
  /** int → number (int32, date); long → bigint (int64, timestamp). */
  | { readonly op: 'int' | 'long'; readonly path: string }
  /** time-millis (int) or time-micros (long) → bigint, checked to lie within one day. */
  | { readonly op: 'time'; readonly unit: TimeUnit; readonly path: string }
  | { readonly op: 'fixed'; readonly size: number; readonly path: string }
  | { readonly op: 'enum'; readonly symbols: readonly string[]; readonly path: string }
  /** bytes (size undefined) or fixed(size): a big-endian two's-complement unscaled value, < 10^precision. */
  | {
      readonly op: 'decimal';
      readonly size: number | undefined;
      readonly precision: number;
      readonly path: string;
    }
  /** uuid on string (checked, lower-cased) or on fixed(16) (formatted). */
  | { readonly op: 'uuid-string' | 'uuid-fixed'; readonly path: string }
  | { readonly op: 'record'; readonly fields: readonly Plan[]; readonly path: string }
  | { readonly op: 'array'; readonly items: Plan; readonly path: string }
  | { readonly op: 'map'; readonly values: Plan; readonly path: string };
