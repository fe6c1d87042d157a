#!/usr/bin/env node
// Prints the answer of one SQL query on a DuckDB file, read-only (to look at what a publish wrote).
// Usage: node scripts/duckdb-query.mjs data/warehouse.duckdb "SELECT * FROM orders_20261204193000 LIMIT 5"
import { DuckDBInstance } from '@duckdb/node-api';

const [file, sql] = process.argv.slice(2);
if (!file || !sql) {
  console.error('usage: node scripts/duckdb-query.mjs <file.duckdb> "<SQL>"');
  process.exit(2);
}
const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
const conn = await db.connect();
console.table((await conn.runAndReadAll(sql)).getRowObjectsJson());
conn.closeSync();
db.closeSync();
