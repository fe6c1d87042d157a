import { describe, expect, it } from 'vitest';
import { JobpubError } from '../../../src/errors/index.js';
import { duckdbErrorType, mapDuckdbError } from '../../../src/targets/duckdb/errors.js';

describe('duckdb error mapping (by DuckDB error type)', () => {
  it.each([
    [
      "Conversion Error: Could not convert string 'x' to INT32\n\nLINE 1: ...",
      'Conversion',
      'TARGET_REJECTED',
    ],
    ['Constraint Error: NOT NULL constraint failed: tt.a', 'Constraint', 'TARGET_REJECTED'],
    ['Parser Error: syntax error at or near "selec"', 'Parser', 'TARGET_REJECTED'],
    ['Catalog Error: Table with name nope does not exist!\nDid you mean "x"?', 'Catalog', 'TARGET_REJECTED'],
    ['Binder Error: Referenced column "x" not found', 'Binder', 'TARGET_REJECTED'],
    ['Invalid Input Error: bad', 'Invalid Input', 'TARGET_REJECTED'],
    ['Out of Range Error: Overflow', 'Out of Range', 'TARGET_REJECTED'],
    [
      'TransactionContext Error: Catalog write-write conflict on create with "t"',
      'TransactionContext',
      'TARGET_UNAVAILABLE',
    ],
    ['IO Error: No space left on device', 'IO', 'TARGET_UNAVAILABLE'],
    ['Out of Memory Error: failed to allocate', 'Out of Memory', 'TARGET_UNAVAILABLE'],
    ['INTERRUPT Error: Interrupted!', 'INTERRUPT', 'TARGET_UNAVAILABLE'],
    ['FATAL Error: database has been invalidated', 'FATAL', 'TARGET_UNAVAILABLE'],
  ])('%s', (message, type, code) => {
    const e = new Error(message);
    expect(duckdbErrorType(e)).toBe(type);
    const mapped = mapDuckdbError(e);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toBe(`DuckDB: ${message.split('\n')[0]}`);
    expect(mapped.cause).toBe(e);
  });

  it('takes an error without a DuckDB type (appender, JS) as rejected', () => {
    expect(mapDuckdbError(new Error('Failed to append: NOT NULL constraint failed: s2.a')).code).toBe(
      'TARGET_REJECTED',
    );
    expect(mapDuckdbError('weird').code).toBe('TARGET_REJECTED');
  });

  it('passes coded errors through', () => {
    const e = new JobpubError('TARGET_BUSY', 'held');
    expect(mapDuckdbError(e)).toBe(e);
  });
});
