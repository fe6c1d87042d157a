import type { ColumnType, TableColumn, TableDescription } from '../../domain/schema/compat.js';
import { type Field, type LogicalType, t } from '../../domain/schema/index.js';
import type { TableRef } from '../ddl/nodes.js';
import { qualified } from './dialect.js';
import { Hs2Error } from './errors.js';
import type { Cell, QueryResult } from './hs2.js';

export type Query = (sql: string) => Promise<QueryResult>;

/** SQLSTATE of "no such table or view" (Spark: TABLE_OR_VIEW_NOT_FOUND; Hive: 42S02 on some versions). */
const NO_SUCH_TABLE = new Set(['42P01', '42S02']);
/** SQLSTATE of "no such schema" (Spark: SCHEMA_NOT_FOUND; Hive 42000 with its own code is not used). */
const NO_SUCH_SCHEMA = new Set(['42704', '3F000']);

const text = (c: Cell | undefined): string => (c === null || c === undefined ? '' : String(c)).trim();

/**
 * The columns of a table from `DESCRIBE`: one row per column (name, type, comment) until the first empty
 * name or `# …` section (partition columns are listed again there). Undefined when the table does not exist.
 * Every Hive column is nullable and has no default.
 */
export async function describeTable(q: Query, table: TableRef): Promise<TableDescription | undefined> {
  let res: QueryResult;
  try {
    res = await q(`DESCRIBE ${qualified(table)}`);
  } catch (e) {
    if (
      e instanceof Hs2Error &&
      (NO_SUCH_TABLE.has(e.sqlState ?? '') || NO_SUCH_SCHEMA.has(e.sqlState ?? ''))
    )
      return undefined;
    throw e;
  }
  const columns: TableColumn[] = [];
  const seen = new Set<string>();
  for (const row of res.rows) {
    const name = text(row[0]);
    if (name === '' || name.startsWith('#')) break;
    if (seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    const sqlType = text(row[1]);
    columns.push({ name, sqlType, type: parseHiveType(sqlType), nullable: true, hasDefault: false });
  }
  return { columns };
}

/** Table names in a database (`SHOW TABLES IN`): Spark answers (namespace, tableName, isTemporary), Hive (tab_name). */
export async function listTables(q: Query, database: string): Promise<string[]> {
  const res = await q(`SHOW TABLES IN \`${database.replace(/`/g, '``')}\``);
  const at = Math.max(res.columns.indexOf('tableName'), res.columns.indexOf('tab_name'), 0);
  const temp = res.columns.indexOf('isTemporary');
  return res.rows.filter((r) => temp < 0 || r[temp] !== true).map((r) => text(r[at]));
}

const SCALAR: Readonly<Record<string, LogicalType>> = {
  boolean: t.boolean(),
  tinyint: t.int(8),
  byte: t.int(8),
  smallint: t.int(16),
  short: t.int(16),
  int: t.int(32),
  integer: t.int(32),
  bigint: t.int(64),
  long: t.int(64),
  float: t.float(),
  real: t.float(),
  double: t.double(),
  'double precision': t.double(),
  string: t.string(),
  binary: t.binary(),
  date: t.date(),
  // A wall-clock time: jobpub writes UTC instants as their UTC wall-clock time (every session runs in UTC).
  // Spark keeps microseconds; Hive itself keeps nanoseconds, described here as µs, the stricter reading.
  timestamp: t.timestamp('us', false),
  timestamp_ntz: t.timestamp('us', false),
};

/** A Hive type spelling (`decimal(10,2)`, `array<struct<a:int>>`, `varchar(20)`) in logical terms. */
export function parseHiveType(spelling: string): ColumnType {
  try {
    const p = new TypeParser(spelling);
    const type = p.type();
    p.end();
    return type;
  } catch {
    return { kind: 'unknown', name: spelling };
  }
}

class TypeParser {
  #at = 0;
  constructor(private readonly s: string) {}

  #skip() {
    while (this.s[this.#at] === ' ') this.#at++;
  }
  #eat(ch: string): boolean {
    this.#skip();
    if (this.s[this.#at] !== ch) return false;
    this.#at++;
    return true;
  }
  #expect(ch: string) {
    if (!this.#eat(ch)) throw new Error(`expected ${ch}`);
  }
  #word(): string {
    this.#skip();
    const m = /^[A-Za-z_][A-Za-z0-9_ ]*?(?=[<(:,> ]|$)/.exec(this.s.slice(this.#at));
    if (!m) throw new Error('expected a name');
    this.#at += m[0].length;
    return m[0].toLowerCase();
  }
  #number(): number {
    this.#skip();
    const m = /^\d+/.exec(this.s.slice(this.#at));
    if (!m) throw new Error('expected a number');
    this.#at += m[0].length;
    return Number(m[0]);
  }
  /** A struct field name: plain, or backtick-quoted with doubled backticks. */
  #fieldName(): string {
    this.#skip();
    if (this.s[this.#at] === '`') {
      let out = '';
      this.#at++;
      for (;;) {
        const ch = this.s[this.#at++];
        if (ch === undefined) throw new Error('unterminated name');
        if (ch === '`') {
          if (this.s[this.#at] === '`') {
            out += '`';
            this.#at++;
          } else return out;
        } else out += ch;
      }
    }
    const m = /^[^:<>,]+/.exec(this.s.slice(this.#at));
    if (!m) throw new Error('expected a field name');
    this.#at += m[0].length;
    return m[0].trim();
  }

  end() {
    this.#skip();
    if (this.#at !== this.s.length) throw new Error('trailing text');
  }

  type(): LogicalType {
    const w = this.#word();
    if (w === 'decimal' || w === 'numeric' || w === 'dec') {
      if (!this.#eat('(')) return t.decimal(10, 0); // Hive's default decimal
      const p = this.#number();
      const s = this.#eat(',') ? this.#number() : 0;
      this.#expect(')');
      return t.decimal(p, s);
    }
    if (w === 'varchar' || w === 'char') {
      // A length-limited text column: a longer value would be cut, so it is not described as text.
      throw new Error('length-limited text');
    }
    if (w === 'array') {
      this.#expect('<');
      const element = this.type();
      this.#expect('>');
      return t.list(element, true);
    }
    if (w === 'map') {
      this.#expect('<');
      const key = this.type();
      this.#expect(',');
      const value = this.type();
      this.#expect('>');
      return t.map(key, value, true);
    }
    if (w === 'struct') {
      this.#expect('<');
      const fields: Field[] = [];
      if (!this.#eat('>')) {
        do {
          const name = this.#fieldName();
          this.#expect(':');
          fields.push({ name, type: this.type(), nullable: true });
          // A field comment (`a:int COMMENT '…'`) is not produced by DESCRIBE of tables jobpub makes.
        } while (this.#eat(','));
        this.#expect('>');
      }
      return t.struct(fields);
    }
    const scalar = SCALAR[w];
    if (!scalar) throw new Error(`unknown type ${w}`);
    return scalar;
  }
}
