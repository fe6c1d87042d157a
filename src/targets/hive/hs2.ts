import { Hs2Error } from './errors.js';

/**
 * A small HiveServer2 client over the `hive-driver` package's Thrift bindings (TCLIService). It keeps what
 * jobpub needs that the package's higher-level classes drop: the SQLSTATE of a failed statement, and exact
 * values (a bigint as a bigint, a decimal as its text) instead of JavaScript numbers.
 */

export type Cell = null | boolean | number | bigint | string | Buffer;

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

export interface Hs2Options {
  readonly host: string;
  readonly port: number;
  /** `binary` (TCP, framed) or `http` (Thrift over HTTP, path `/cliservice`). */
  readonly transport: 'binary' | 'http';
  /** NOSASL: raw Thrift; NONE / PLAIN: SASL PLAIN with the user (and password, for PLAIN / LDAP). */
  readonly auth: 'NOSASL' | 'NONE' | 'PLAIN';
  readonly user: string;
  readonly password?: string | undefined;
  readonly database: string;
  /** Session settings sent with OpenSession (`set:hiveconf:…` / `spark.sql.…`). */
  readonly configuration?: Readonly<Record<string, string>>;
}

interface TStatus {
  statusCode: number;
  sqlState?: string | null;
  errorCode?: number | null;
  errorMessage?: string | null;
  infoMessages?: string[] | null;
}
interface OperationHandle {
  hasResultSet: boolean;
}
// biome-ignore lint/suspicious/noExplicitAny: the generated Thrift bindings are untyped JavaScript.
type Thrift = any;

const SUCCESS = 0;
const SUCCESS_WITH_INFO = 1;
const FINISHED = 2;
const POLL_MS = 50;
const FETCH_ROWS = 10_000;

function check(status: TStatus | undefined, what: string): void {
  if (!status) throw new Hs2Error(`${what}: no status in the server's answer`, undefined, undefined, true);
  if (status.statusCode === SUCCESS || status.statusCode === SUCCESS_WITH_INFO) return;
  throw new Hs2Error(
    status.errorMessage || `${what} failed (status ${status.statusCode})`,
    status.sqlState ?? undefined,
    status.errorCode ?? undefined,
    false,
  );
}

/** A transport failure (socket closed, refused, Thrift framing) as an Hs2Error that says so. */
function transportError(e: unknown): Hs2Error {
  if (e instanceof Hs2Error) return e;
  const err = new Hs2Error(
    `HiveServer2 connection failed: ${e instanceof Error ? e.message : String(e)}`,
    undefined,
    undefined,
    true,
    { cause: e },
  );
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') Object.assign(err, { code });
  return err;
}

export class Hs2Session {
  #closed = false;
  /** The last connection error the socket reported (it breaks every later call). */
  #lost: unknown;

  private constructor(
    private readonly client: Thrift,
    private readonly driver: Thrift,
    private readonly types: Thrift,
    private readonly handle: unknown,
  ) {
    client.on('error', (e: unknown) => {
      this.#lost = e;
    });
    client.on('close', () => {
      this.#lost ??= new Error('the HiveServer2 connection closed');
    });
  }

  static async open(o: Hs2Options): Promise<Hs2Session> {
    // Loaded only when a Hive target is used (STYLE: load drivers lazily).
    const mod = (await import('hive-driver')) as Thrift;
    const hive = mod.thrift ? mod : mod.default;
    const types = hive.thrift.TCLIService_types;
    const client = new hive.HiveClient(hive.thrift.TCLIService, types);
    client.on('error', () => {}); // reported through the calls that fail
    const auth =
      o.auth === 'NOSASL'
        ? new hive.auth.NoSaslAuthentication()
        : o.transport === 'http'
          ? new hive.auth.PlainHttpAuthentication({ username: o.user, password: o.password ?? 'x' })
          : new hive.auth.PlainTcpAuthentication({ username: o.user, password: o.password ?? 'x' });
    const connection =
      o.transport === 'http' ? new hive.connections.HttpConnection() : new hive.connections.TcpConnection();
    try {
      await client.connect(
        {
          host: o.host,
          port: o.port,
          ...(o.transport === 'http' ? { options: { path: '/cliservice' } } : {}),
        },
        connection,
        auth,
      );
      const driver = new hive.HiveDriver(types, client.getClient());
      const res = await driver.openSession({
        client_protocol: types.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V8,
        username: o.user,
        ...(o.password !== undefined ? { password: o.password } : {}),
        configuration: { use: o.database, ...(o.configuration ?? {}) },
      });
      check(res.status, 'opening a HiveServer2 session');
      return new Hs2Session(client, driver, types, res.sessionHandle);
    } catch (e) {
      try {
        client.close();
      } catch {}
      throw transportError(e);
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: answers of the untyped Thrift bindings.
  async #call(f: () => Promise<any>): Promise<any> {
    if (this.#lost !== undefined) throw transportError(this.#lost);
    try {
      return await f();
    } catch (e) {
      throw transportError(e);
    }
  }

  /** Runs one statement to its end (asynchronously on the server, polled), answering its rows if any. */
  async query(sql: string): Promise<QueryResult> {
    const res = await this.#call(() =>
      this.driver.executeStatement({ sessionHandle: this.handle, statement: sql, runAsync: true }),
    );
    check(res.status, 'running a statement');
    const op = res.operationHandle as OperationHandle;
    try {
      for (;;) {
        const st = await this.#call(() => this.driver.getOperationStatus({ operationHandle: op }));
        check(st.status, 'waiting for a statement');
        if (st.operationState === FINISHED) break;
        if (st.operationState > FINISHED) {
          throw new Hs2Error(
            st.errorMessage || `the statement ended in state ${st.operationState}`,
            st.sqlState ?? undefined,
            st.errorCode ?? undefined,
            false,
          );
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      if (!op.hasResultSet) return { columns: [], rows: [] };
      return await this.#fetchAll(op);
    } finally {
      await this.#call(() => this.driver.closeOperation({ operationHandle: op })).catch(() => {});
    }
  }

  async #fetchAll(op: OperationHandle): Promise<QueryResult> {
    const meta = await this.#call(() => this.driver.getResultSetMetadata({ operationHandle: op }));
    check(meta.status, 'reading result metadata');
    const columns: string[] = (meta.schema?.columns ?? []).map((c: { columnName: string }) => c.columnName);
    const rows: Cell[][] = [];
    for (;;) {
      const f = await this.#call(() =>
        this.driver.fetchResults({
          operationHandle: op,
          orientation: this.types.TFetchOrientation.FETCH_NEXT,
          maxRows: FETCH_ROWS,
        }),
      );
      check(f.status, 'fetching rows');
      const cols: Cell[][] = (f.results?.columns ?? []).map(decodeColumn);
      const n = cols[0]?.length ?? 0;
      for (let r = 0; r < n; r++) rows.push(cols.map((c) => c[r] ?? null));
      // Spark's server answers hasMoreRows false even mid-way: fetch until a fetch answers no rows.
      if (n === 0) break;
    }
    return { columns, rows };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#lost === undefined) await this.driver.closeSession({ sessionHandle: this.handle });
    } finally {
      this.client.close();
    }
  }
}

interface TColumnValues {
  values: unknown[];
  nulls: Buffer;
}

/** One column of a Thrift row set: values, with the null bitmap applied; int64s as exact bigints. */
function decodeColumn(col: Record<string, TColumnValues | null | undefined>): Cell[] {
  const kind = Object.keys(col).find((k) => col[k] != null);
  if (kind === undefined) return [];
  const { values, nulls } = col[kind]!;
  return values.map((v, i) => {
    const byte = nulls?.[i >> 3] ?? 0;
    if ((byte & (1 << (i & 7))) !== 0) return null;
    if (kind === 'i64Val') {
      const x = v as { buffer: Buffer; offset: number };
      return x.buffer.readBigInt64BE(x.offset);
    }
    return v as Cell;
  });
}
