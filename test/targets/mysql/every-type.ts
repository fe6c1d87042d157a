import {
  daysFromCivil,
  type Field,
  field,
  type Schema,
  schema,
  t,
  type Value,
} from '../../../src/domain/schema/index.js';

export const US = 1_000_000n;
export const day = (y: number, m: number, d: number) => daysFromCivil(y, m, d);
export const instant = (y: number, m: number, d: number, sod: bigint, per: bigint) =>
  BigInt(day(y, m, d)) * 86_400n * per + sod;
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

/** Every logical type, column by column: five rows of extremes, special text, NULLs and zeros. */
const EVERY: [Field, Value[]][] = [
  [field('id', t.int32(), false), [1, 2, 3, 4, 5]],
  [field('b', t.boolean()), [true, false, null, true, false]],
  [field('i8', t.int8()), [-128, 127, null, 0, 1]],
  [field('u8', t.int(8, false)), [255, 0, null, 1, 2]],
  [field('i16', t.int16()), [-32768, 32767, null, 0, 3]],
  [field('u16', t.int(16, false)), [65535, 0, null, 1, 4]],
  [field('u32', t.int(32, false)), [4294967295, 0, null, 1, 5]],
  [field('i64', t.int64()), [-(2n ** 63n), 2n ** 63n - 1n, null, 0n, 6n]],
  [field('u64', t.int(64, false)), [2n ** 64n - 1n, 0n, null, 1n, 7n]],
  [field('f', t.float()), [Math.fround(1.1), -3.4028234663852886e38, null, -0, 1.5]],
  [field('d', t.double()), [5e-324, -1.7976931348623157e308, null, 0.1, 2.5]],
  [field('dec', t.decimal(65, 30)), [10n ** 65n - 1n, -(10n ** 65n - 1n), null, 0n, 1n]],
  [field('small', t.decimal(5, 2)), [-99999n, 1n, null, 0n, 2n]],
  [field('huge', t.decimal(70, 2)), [10n ** 70n - 1n, -1n, null, 0n, 3n]],
  [field('s', t.string()), ['a\tb\nc\r\nd\\e', '', '\\N', 'NULL', '\0 nul, emoji 😀, é, 中文, trailing  ']],
  [field('bin', t.binary()), [ALL_BYTES, new Uint8Array(0), null, Uint8Array.of(0), Uint8Array.of(92, 78)]],
  [field('day', t.date()), [day(1000, 1, 1), day(9999, 12, 31), null, day(1970, 1, 1), day(2000, 2, 29)]],
  [field('t_ms', t.time('ms')), [0n, 86_399_999n, null, 1n, 43_200_000n]],
  [field('t_ns', t.time('ns')), [86_399_999_999_000n, 0n, null, 1_000n, 43_200_000_000_000n]],
  [
    field('ts', t.timestamp('us', true)),
    [instant(1000, 1, 1, 0n, US), instant(9999, 12, 31, 86_399_999_999n, US), null, 0n, 1n],
  ],
  [
    field('lts', t.timestamp('ms', false)),
    [instant(9999, 12, 31, 86_399_999n, 1000n), instant(1969, 12, 31, 86_399_999n, 1000n), null, 0n, 1n],
  ],
  [
    field('ts_ns', t.timestamp('ns', true)),
    [instant(2024, 2, 29, 1_000n, 1000n * US), 0n, null, -1_000n, 1_000n],
  ],
  [
    field('u', t.uuid()),
    [
      '123e4567-e89b-12d3-a456-426614174000',
      '00000000-0000-0000-0000-000000000000',
      null,
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      'abcdefab-cdef-abcd-efab-cdefabcdefab',
    ],
  ],
  [field('l', t.list(t.int64())), [[2n ** 63n - 1n, null], [], null, [null], [1n, 2n]]],
  [
    field('st', t.struct([field('x', t.decimal(20, 4)), field('y', t.string())])),
    [[-1n, 'x"\\'], [0n, ''], null, [null, null], [123456789n, 'N']],
  ],
  [
    field('m', t.map(t.int32(), t.string())),
    [
      [
        [1, 'one'],
        [-2, null],
      ],
      [],
      null,
      [[0, '']],
      [[2147483647, '\\N']],
    ],
  ],
];
export const EVERY_TYPE: Schema = schema(EVERY.map(([f]) => f));
export const EVERY_ROW: Value[][] = [0, 1, 2, 3, 4].map((r) => EVERY.map(([, values]) => values[r]!));
