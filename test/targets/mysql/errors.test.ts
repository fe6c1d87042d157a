import { describe, expect, it } from 'vitest';
import { JobpubError } from '../../../src/errors/index.js';
import { isLocalInfileRefused, mapMysqlError, mysqlErrorCode } from '../../../src/targets/mysql/errors.js';

const server = (errno: number, sqlState: string, code = 'ER_X') =>
  Object.assign(new Error(`server says ${errno}`), { errno, sqlState, code, sqlMessage: `message ${errno}` });

describe('mysql error mapping (by errno and code, never by text)', () => {
  it.each([
    [1213, '40001'], // deadlock
    [1205, 'HY000'], // lock wait timeout
    [1040, '08004'], // too many connections
    [1053, '08S01'], // server shutdown
    [1927, '70100'], // connection killed (MariaDB)
    [2013, 'HY000'], // lost connection
    [2006, 'HY000'], // server gone
  ])('errno %i is transient', (errno, state) => {
    expect(mysqlErrorCode(server(errno, state))).toBe('TARGET_UNAVAILABLE');
  });

  it.each([
    [1264, '22003'], // out of range
    [1265, '01000'], // data truncated
    [1292, '22007'], // incorrect datetime value
    [1366, 'HY000'], // incorrect integer value
    [1406, '22001'], // data too long
    [1048, '23000'], // column cannot be null
    [1062, '23000'], // duplicate key
    [1146, '42S02'], // no such table
    [1054, '42S22'], // unknown column
    [1064, '42000'], // syntax
    [1045, '28000'], // access denied
    [1142, '42000'], // command denied
  ])('errno %i is terminal', (errno, state) => {
    expect(mysqlErrorCode(server(errno, state))).toBe('TARGET_REJECTED');
  });

  it('maps socket and protocol failures as transient', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'PROTOCOL_CONNECTION_LOST']) {
      expect(mysqlErrorCode(Object.assign(new Error('x'), { code, errno: -111 }))).toBe('TARGET_UNAVAILABLE');
    }
    expect(
      mysqlErrorCode(
        Object.assign(new Error("Can't add new command when connection is in closed state"), { fatal: true }),
      ),
    ).toBe('TARGET_UNAVAILABLE');
    expect(mysqlErrorCode(server(9999, '08S01'))).toBe('TARGET_UNAVAILABLE'); // any connection-class SQLSTATE
  });

  it('keeps JobpubErrors, quotes the server message with its number, knows a refused LOAD DATA LOCAL', () => {
    const own = new JobpubError('TARGET_REJECTED', 'mine');
    expect(mapMysqlError(own)).toBe(own);
    const e = mapMysqlError(server(1146, '42S02'), 'loading `db`.`t`');
    expect(e.message).toBe('MySQL: loading `db`.`t`: message 1146 (error 1146, SQLSTATE 42S02)');
    expect(e.terminal).toBe(true);
    for (const errno of [4166, 3948, 1148]) expect(isLocalInfileRefused(server(errno, '42000'))).toBe(true);
    expect(isLocalInfileRefused(server(1146, '42S02'))).toBe(false);
  });
});
