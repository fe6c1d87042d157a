import type { LoadErrorRow } from './errors.js';
import type { Queryable } from './introspect.js';

/**
 * The rows of the load-error system tables for a COPY that just failed, newest first. A failed COPY aborts
 * its transaction (and Redshift has no savepoints), so this runs on a second connection: the tables are
 * system logs, written whether the COPY's transaction commits or not, and show a user their own loads.
 *
 * The COPY is found by its session (the process id of the loading connection, `pg_backend_pid()`) and a
 * start time no earlier than that connection's opening (less a minute for clock skew), so an older
 * connection that had the same process id is not mistaken for it. SYS_LOAD_ERROR_DETAIL first (provisioned
 * and serverless); STL_LOAD_ERRORS when the SYS view is missing or has nothing (older clusters).
 */
const SYS = (pid: number, since: string) =>
  `SELECT TRIM(file_name) AS file, line_number AS line, TRIM(column_name) AS col, error_code AS code, TRIM(error_message) AS reason
FROM sys_load_error_detail WHERE session_id = ${pid} AND start_time >= '${since}' ORDER BY start_time DESC LIMIT 10`;

const STL = (pid: number, since: string) =>
  `SELECT TRIM(filename) AS file, line_number AS line, TRIM(colname) AS col, err_code AS code, TRIM(err_reason) AS reason
FROM stl_load_errors WHERE session = ${pid} AND starttime >= '${since}' ORDER BY starttime DESC LIMIT 10`;

interface Row {
  file: string | null;
  line: string | number | null;
  col: string | null;
  code: string | number | null;
  reason: string | null;
}

export function loadErrorQueries(pid: number, openedAt: Date): { sys: string; stl: string } {
  if (!Number.isSafeInteger(pid)) throw new Error(`not a process id: ${pid}`);
  const since = new Date(openedAt.getTime() - 60_000).toISOString().replace('T', ' ').replace('Z', '');
  return { sys: SYS(pid, since), stl: STL(pid, since) };
}

export async function readLoadErrors(db: Queryable, pid: number, openedAt: Date): Promise<LoadErrorRow[]> {
  const q = loadErrorQueries(pid, openedAt);
  const read = async (sql: string): Promise<Row[]> => {
    try {
      return (await db.query<Row>(sql)).rows;
    } catch {
      return []; // the view is missing here (an older cluster, or serverless for STL)
    }
  };
  let rows = await read(q.sys);
  if (rows.length === 0) rows = await read(q.stl);
  return rows.map((r) => ({
    file: r.file ?? '',
    line: r.line === null ? undefined : Number(r.line),
    column: r.col ?? undefined,
    code: r.code === null ? undefined : Number(r.code),
    reason: r.reason ?? 'load error',
  }));
}
