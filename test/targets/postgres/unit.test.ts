import { describe, expect, it } from 'vitest';
import { fits } from '../../../src/domain/schema/compat.js';
import { field, type LogicalType, t } from '../../../src/domain/schema/index.js';
import { JobpubError } from '../../../src/errors/index.js';
import { sqlTextEncoder } from '../../../src/targets/encode/sql-text.js';
import {
  BinaryOut,
  binaryField,
  OID,
  writeNumeric,
  writeNumericDigits,
  writeSmallNumeric,
} from '../../../src/targets/postgres/copy-binary.js';
import { fieldEncoder, pgYears, rowEncoder } from '../../../src/targets/postgres/copy-text.js';
import { codeForState, copyLocation, mapPgError } from '../../../src/targets/postgres/errors.js';
import { columnType, UNBOUNDED_NUMERIC } from '../../../src/targets/postgres/introspect.js';
import { duplicateKeyGuard } from '../../../src/targets/postgres/jsonb-keys.js';
import { postgresTarget, resolvePgTable } from '../../../src/targets/postgres/target.js';
import { pgType } from '../../../src/targets/postgres/type-map.js';

const target = postgresTarget({
  kind: 'postgres',
  host: 'h',
  port: 5432,
  database: 'd',
  user: 'u',
  password: 'sekrit',
});

describe('postgres type map (publishing.md section 2)', () => {
  const cases: [LogicalType, string][] = [
    [t.boolean(), 'boolean'],
    [t.int8(), 'smallint'],
    [t.int16(), 'smallint'],
    [t.int32(), 'integer'],
    [t.int64(), 'bigint'],
    [t.int(8, false), 'smallint'],
    [t.int(16, false), 'integer'],
    [t.int(32, false), 'bigint'],
    [t.int(64, false), 'numeric(20,0)'],
    [t.float(), 'real'],
    [t.double(), 'double precision'],
    [t.decimal(18, 4), 'numeric(18,4)'],
    [t.decimal(1000, 20), 'numeric(1000,20)'],
    [t.string(), 'text'],
    [t.binary(), 'bytea'],
    [t.date(), 'date'],
    [t.time('ms'), 'time'],
    [t.time('us'), 'time'],
    [t.timestamp('us', true), 'timestamptz'],
    [t.timestamp('ms', false), 'timestamp'],
    [t.uuid(), 'uuid'],
    [t.list(t.int32()), 'jsonb'],
    [t.struct([]), 'jsonb'],
    [t.map(t.string(), t.int64()), 'jsonb'],
  ];
  it.each(cases)('%j → %s', (type, sqlType) => {
    expect(pgType(type)).toEqual({ ok: true, sqlType });
  });

  it('keeps nanosecond columns with a warning (sub-µs values fail by row)', () => {
    for (const type of [t.time('ns'), t.timestamp('ns', true), t.timestamp('ns', false)]) {
      const m = pgType(type);
      expect(m.ok && m.warning).toMatch(/microseconds/);
    }
    expect(pgType(t.timestamp('ns', true))).toMatchObject({ sqlType: 'timestamptz' });
  });

  it('refuses decimals over 1000 digits', () => {
    expect(pgType(t.decimal(1001, 0))).toMatchObject({ ok: false });
  });

  it('declares its capabilities', () => {
    expect(target.kind).toBe('postgres');
    expect(target.capabilities).toMatchObject({
      transactionalDdl: true,
      atomicMultiRename: false,
      acceptedFormats: ['pqt', 'avro', 'csv', 'json'],
      maxIdentifierBytes: 63,
      identifierCase: 'exact',
      maxDecimalPrecision: 1000,
      finestTimeUnit: 'us',
      defaultNamespace: 'public',
    });
    expect(target.dialect.quoteIdent('a"b')).toBe('"a""b"');
  });
});

describe('resolveTable', () => {
  it('takes the schema from the last path entry, a schema.table name, or public', () => {
    expect(resolvePgTable(['s'], 't')).toEqual({ namespace: 's', name: 't' });
    expect(resolvePgTable(['db', 's'], 't')).toEqual({ namespace: 's', name: 't' });
    expect(resolvePgTable(['s'], 'other.t')).toEqual({ namespace: 'other', name: 't' });
    expect(resolvePgTable([], 't')).toEqual({ namespace: 'public', name: 't' });
    expect(resolvePgTable([''], 't')).toEqual({ namespace: 'public', name: 't' });
  });
});

describe('introspection: PostgreSQL types in logical terms', () => {
  const numericMod = (p: number, s: number) => ((p << 16) | (s & 0x7ff)) + 4;
  it.each([
    ['bool', -1, { kind: 'boolean' }],
    ['int2', -1, t.int16()],
    ['int4', -1, t.int32()],
    ['int8', -1, t.int64()],
    ['float4', -1, t.float()],
    ['float8', -1, t.double()],
    ['numeric', numericMod(18, 4), t.decimal(18, 4)],
    ['numeric', numericMod(3, 5), t.decimal(3, 5)],
    ['numeric', -1, UNBOUNDED_NUMERIC],
    ['text', -1, t.string()],
    ['varchar', 14, t.string()],
    ['bpchar', 9, t.string()],
    ['bytea', -1, t.binary()],
    ['date', -1, t.date()],
    ['time', -1, t.time('us')],
    ['time', 3, t.time('ms')],
    ['timestamp', -1, t.timestamp('us', false)],
    ['timestamptz', 6, t.timestamp('us', true)],
    ['timestamptz', 4, t.timestamp('ms', true)],
    ['uuid', -1, t.uuid()],
    ['json', -1, { kind: 'json' }],
    ['jsonb', -1, { kind: 'json' }],
  ] as const)('%s (typmod %d)', (base, typmod, want) => {
    expect(columnType(base, typmod, 'x')).toEqual(want);
  });

  it('calls what it cannot check unknown', () => {
    expect(columnType('numeric', numericMod(5, -2), 'numeric(5,-2)')).toEqual({
      kind: 'unknown',
      name: 'numeric(5,-2)',
    });
    expect(columnType('timestamp', 0, 'timestamp(0)')).toEqual({ kind: 'unknown', name: 'timestamp(0)' });
    expect(columnType('interval', -1, 'interval')).toEqual({ kind: 'unknown', name: 'interval' });
    expect(columnType('_int4', -1, 'integer[]')).toEqual({ kind: 'unknown', name: 'integer[]' });
  });

  it('takes any integer or decimal into an unconstrained numeric, and no float', () => {
    expect(fits(t.int(64, false), UNBOUNDED_NUMERIC).ok).toBe(true);
    expect(fits(t.decimal(1000, 999), UNBOUNDED_NUMERIC).ok).toBe(true);
    expect(fits(t.double(), UNBOUNDED_NUMERIC).ok).toBe(false);
  });
});

describe('error mapping by SQLSTATE and errno', () => {
  it.each([
    ['08006', 'TARGET_UNAVAILABLE'],
    ['08001', 'TARGET_UNAVAILABLE'],
    ['53300', 'TARGET_UNAVAILABLE'],
    ['53100', 'TARGET_UNAVAILABLE'],
    ['57P01', 'TARGET_UNAVAILABLE'],
    ['40001', 'TARGET_UNAVAILABLE'],
    ['40P01', 'TARGET_UNAVAILABLE'],
    ['55P03', 'TARGET_UNAVAILABLE'],
    ['22P02', 'TARGET_REJECTED'],
    ['22001', 'TARGET_REJECTED'],
    ['23505', 'TARGET_REJECTED'],
    ['42P01', 'TARGET_REJECTED'],
    ['42501', 'TARGET_REJECTED'],
    ['28P01', 'TARGET_REJECTED'],
  ])('%s → %s', (state, code) => {
    expect(codeForState(state)).toBe(code);
    const e = Object.assign(new Error('server says no'), { code: state, severity: 'ERROR' });
    expect(mapPgError(e).code).toBe(code);
  });

  it('maps socket errors and bare driver errors to TARGET_UNAVAILABLE', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(mapPgError(refused).code).toBe('TARGET_UNAVAILABLE');
    expect(mapPgError(new Error('Connection terminated unexpectedly')).code).toBe('TARGET_UNAVAILABLE');
    expect(target.mapError(refused).terminal).toBe(false);
  });

  it('names table and column, and keeps a JobpubError as it is', () => {
    const e = Object.assign(new Error('null value in column "a" violates not-null constraint'), {
      code: '23502',
      severity: 'ERROR',
      schema: 's',
      table: 't',
      column: 'a',
    });
    const m = mapPgError(e);
    expect(m.message).toContain('table "s"."t"');
    expect(m.message).toContain('column "a"');
    expect(m.message).toContain('23502');
    const own = new JobpubError('USAGE', 'x');
    expect(mapPgError(own)).toBe(own);
  });

  it('reads row and column from a COPY error context', () => {
    const where = (w: string) => ({ where: w });
    expect(copyLocation(where('COPY t, line 43, column amount: "abc"'), ['id', 'amount'])).toEqual({
      row: 43,
      column: 'amount',
    });
    expect(copyLocation(where('COPY t, line 7: "1\t2"'), ['id'])).toEqual({ row: 7 });
    expect(copyLocation(where('COPY t, line 2, column a: b: "x"'), ['a', 'a: b'])).toEqual({
      row: 2,
      column: 'a: b',
    });
    expect(copyLocation({}, ['a'])).toEqual({});
    // Inner contexts come first; the COPY line is the last.
    expect(
      copyLocation(where('JSON data, line 1: ["a\\u0000...\nCOPY t, line 201, column tags: "x"'), ['tags']),
    ).toEqual({
      row: 201,
      column: 'tags',
    });
  });
});

describe('COPY text encoding', () => {
  const enc = (type: LogicalType, v: Parameters<ReturnType<typeof fieldEncoder>>[0]) =>
    fieldEncoder(type, 'c')(v, 0);

  it('escapes backslash, tab, newline and carriage return; keeps an empty string empty', () => {
    expect(enc(t.string(), 'a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(enc(t.string(), '')).toBe('');
    expect(enc(t.string(), '\\N')).toBe('\\\\N');
    const row = rowEncoder([fieldEncoder(t.string(), 'a'), fieldEncoder(t.int32(), 'b')]);
    const col = (vs: unknown[]) => ({ get: (i: number) => vs[i] as never });
    expect(row([col(['', null]), col([null, 5])], 0, 0)).toBe('\t\\N\n');
    expect(row([col(['', null]), col([null, 5])], 1, 1)).toBe('\\N\t5\n');
  });

  it('refuses a NUL in a string, naming column and row', () => {
    expect(() => fieldEncoder(t.string(), 'name')('a\u0000b', 41)).toThrowError(
      /row 42: column "name": .*NUL/,
    );
  });

  it('writes bytea as \\\\x hex and JSON with its backslashes doubled', () => {
    expect(enc(t.binary(), new Uint8Array([0, 1, 255]))).toBe('\\\\x0001ff');
    expect(enc(t.list(t.string()), ['a"b', 'c\nd'])).toBe('["a\\\\"b","c\\\\nd"]');
  });

  it('spells years outside 1..9999 the PostgreSQL way', () => {
    expect(pgYears('+010000-01-01')).toBe('10000-01-01');
    expect(pgYears('0000-03-01 10:00:00.000000+00')).toBe('0001-03-01 10:00:00.000000+00 BC');
    expect(pgYears('-000043-03-15')).toBe('0044-03-15 BC');
    expect(pgYears('2024-01-01')).toBe('2024-01-01');
  });

  it('writes the shared temporal text (years in PostgreSQL spelling), only faster', () => {
    const opts = { finestUnit: 'us', utcSuffix: '+00', nonFiniteFloats: true } as const;
    const types = [t.date(), t.time('ms'), t.time('us'), t.timestamp('ms', true), t.timestamp('us', false)];
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const type of types) {
      const shared = sqlTextEncoder(type, 'c', opts);
      const ours = fieldEncoder(type, 'c');
      const span =
        type.kind === 'date'
          ? 2_900_000
          : type.kind === 'time'
            ? type.unit === 'ms'
              ? 86_400_000
              : 86_400_000_000
            : 2 ** 53;
      const edges =
        type.kind === 'date'
          ? [0, -1, 2_932_896, -719_162]
          : [0, 1, -1, 999, 1000, 2 ** 53 - 1, -(2 ** 53) + 1];
      const values = [
        ...edges,
        ...Array.from({ length: 5000 }, () => Math.floor((rnd() - (type.kind === 'time' ? 0 : 0.5)) * span)),
      ];
      for (const n of values) {
        if (type.kind === 'time' && (n < 0 || n >= span)) continue;
        const v = type.kind === 'date' ? n : BigInt(n);
        expect(ours(v, 0)).toBe(pgYears(shared(v, 0)));
      }
    }
  });

  it('refuses nanosecond digits, and keeps whole microseconds of a ns column', () => {
    expect(() => enc(t.timestamp('ns', true), 1_000_000_001n)).toThrowError(/nanosecond/);
    expect(enc(t.timestamp('ns', true), 1_000_001_000n)).toBe('1970-01-01 00:00:01.000001+00');
    expect(enc(t.time('ns'), 1_000n)).toBe('00:00:00.000001');
  });
});

describe('messages never carry the password', () => {
  it('maps a failed connection without connection details', async () => {
    const closed = postgresTarget({
      kind: 'postgres',
      host: '127.0.0.1',
      port: 1,
      database: 'd',
      user: 'u',
      password: 'sekrit',
    });
    const e = await closed.connect().then(
      () => undefined,
      (x: unknown) => x as JobpubError,
    );
    expect(e?.code).toBe('TARGET_UNAVAILABLE');
    expect(e?.message).not.toContain('sekrit');
  });
});

describe('COPY binary encoding', () => {
  const numeric = (unscaled: bigint, scale: number) => {
    const o = new BinaryOut();
    writeNumeric(o, unscaled, scale);
    const b = o.take();
    const n = b.readInt16BE(4);
    return {
      len: b.readInt32BE(0),
      ndigits: n,
      weight: b.readInt16BE(6),
      sign: b.readUInt16BE(8),
      dscale: b.readUInt16BE(10),
      digits: Array.from({ length: n }, (_, i) => b.readUInt16BE(12 + 2 * i)),
    };
  };

  it('writes numeric as base-10000 digits with weight, sign and display scale', () => {
    expect(numeric(12345678n, 3)).toEqual({
      len: 14,
      ndigits: 3,
      weight: 1,
      sign: 0,
      dscale: 3,
      digits: [1, 2345, 6780],
    });
    expect(numeric(-1n, 4)).toEqual({
      len: 10,
      ndigits: 1,
      weight: -1,
      sign: 0x4000,
      dscale: 4,
      digits: [1],
    });
    expect(numeric(100000000n, 0)).toEqual({
      len: 10,
      ndigits: 1,
      weight: 2,
      sign: 0,
      dscale: 0,
      digits: [1],
    });
    expect(numeric(0n, 2)).toEqual({ len: 8, ndigits: 0, weight: 0, sign: 0, dscale: 2, digits: [] });
    expect(numeric(1n, 20)).toEqual({ len: 10, ndigits: 1, weight: -5, sign: 0, dscale: 20, digits: [1] });
  });

  it('writes the same numeric bytes on the fast (double) path as from the digits', () => {
    let seed = 11;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const bytes = (f: (o: BinaryOut) => void) => {
      const o = new BinaryOut();
      f(o);
      return o.take().toString('hex');
    };
    const values = [0, 1, -1, 9999, 10000, -10000, 2 ** 43 - 1, -(2 ** 43) + 1, 1e12, 123456789012];
    for (let i = 0; i < 3000; i++)
      values.push(Math.trunc(((rnd() - 0.5) * 2 ** 44) / 2 ** Math.floor(rnd() * 40)));
    for (const v of values) {
      for (const scale of [0, 1, 2, 3, 4, 5, 8, 12, 20]) {
        expect(bytes((o) => writeSmallNumeric(o, v, scale))).toBe(
          bytes((o) => writeNumericDigits(o, BigInt(v), scale)),
        );
      }
    }
  });

  it('writes int64 and timestamps exactly, also beyond 2^53', () => {
    const field8 = (f: ReturnType<typeof binaryField>, v: bigint) => {
      const o = new BinaryOut();
      f!(o, v, 0);
      return o.take().readBigInt64BE(4);
    };
    const int8 = binaryField(t.int64(), OID.int8, 'c');
    const ts = binaryField(t.timestamp('us', true), OID.timestamptz, 'c');
    const big = 2n ** 53n;
    for (const v of [
      0n,
      1n,
      -1n,
      2n ** 32n,
      -(2n ** 32n) - 1n,
      big - 1n,
      big,
      big + 1n,
      -big - 1n,
      2n ** 63n - 1n,
      -(2n ** 63n),
    ]) {
      expect(field8(int8, v)).toBe(v);
      if (v > -(2n ** 62n) && v < 2n ** 62n) expect(field8(ts, v)).toBe(v - 946_684_800_000_000n);
    }
  });

  it('has an encoder only where the column type matches exactly', () => {
    expect(binaryField(t.int32(), OID.int8, 'c')).toBeDefined();
    expect(binaryField(t.int64(), OID.int4, 'c')).toBeUndefined();
    expect(binaryField(t.int(16, false), OID.int2, 'c')).toBeUndefined();
    expect(binaryField(t.int(64, false), OID.numeric, 'c')).toBeDefined();
    expect(binaryField(t.double(), OID.float4, 'c')).toBeUndefined();
    expect(binaryField(t.int32(), OID.text, 'c')).toBeUndefined();
    expect(binaryField(t.list(t.int32()), OID.jsonb, 'c')).toBeDefined();
  });

  it('refuses a NUL in text and nanosecond digits, naming column and row', () => {
    const o = new BinaryOut();
    expect(() => binaryField(t.string(), OID.text, 'name')!(o, 'a\u0000', 6)).toThrowError(
      /row 7: column "name": .*NUL/,
    );
    expect(() => binaryField(t.timestamp('ns', true), OID.timestamptz, 'at')!(o, 1_001n, 0)).toThrowError(
      /row 1: column "at": .*nanosecond/,
    );
  });
});

describe('jsonb keeps one value per key: a map with a repeated key is refused', () => {
  it('finds a repeated string key at any depth, naming column and row', () => {
    const type = t.list(t.struct([field('m', t.map(t.string(), t.int32()))]));
    const guard = duplicateKeyGuard(type, 'c')!;
    expect(() =>
      guard(
        [
          [
            [
              ['a', 1],
              ['b', 2],
            ],
          ],
        ],
        0,
      ),
    ).not.toThrow();
    expect(() =>
      guard(
        [
          [null],
          [
            [
              ['a', 1],
              ['a', 2],
            ],
          ],
        ],
        4,
      ),
    ).toThrowError(/row 5: column "c": a map holds the key "a" more than once/);
    expect(duplicateKeyGuard(t.list(t.map(t.int32(), t.string())), 'c')).toBeUndefined();
    expect(duplicateKeyGuard(t.struct([field('x', t.int32())]), 'c')).toBeUndefined();
    expect(() =>
      fieldEncoder(t.map(t.string(), t.int32()), 'm')(
        [
          ['k', 1],
          ['k', 2],
        ],
        0,
      ),
    ).toThrowError(/more than once/);
    expect(() =>
      binaryField(t.map(t.string(), t.int32()), OID.jsonb, 'm')!(
        new BinaryOut(),
        [
          ['k', 1],
          ['k', 2],
        ],
        0,
      ),
    ).toThrowError(/more than once/);
  });
});
