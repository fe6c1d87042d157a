/**
 * Rows/s of the CSV reader's stages on one file (not a test: run by hand).
 *   npx tsx test/formats/csv/parse-speed.ts <file.csv> [delimiter]
 * CPU time is the figure to trust on a shared machine. Stages: parse only (records counted), first pass (parse + inference), second pass (parse + convert),
 * and both as openResults + batches() would run them.
 */
import { performance } from 'node:perf_hooks';
import { formatType } from '../../../src/domain/schema/index.js';
import { readBatches } from '../../../src/formats/csv/batches.js';
import { ChunkFeed } from '../../../src/formats/csv/chunk-feed.js';
import { csvOptions } from '../../../src/formats/csv/options.js';
import { CsvParser } from '../../../src/formats/csv/parser.js';
import { scanSchema } from '../../../src/formats/csv/schema-scan.js';
import { localSource } from '../../../src/storage/local.js';

const [file, delimiter = ','] = process.argv.slice(2);
if (!file) throw new Error('usage: parse-speed.ts <file.csv> [delimiter]');
const source = await localSource(file);
const options = csvOptions({ delimiter });

async function time(label: string, run: () => Promise<number>) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const rows = await run();
  const wall = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(c0);
  const cpu = (used.user + used.system) / 1e6;
  const rate = (s: number) => Math.round(rows / s).toLocaleString('en-US');
  console.log(
    `${label.padEnd(24)} ${rows} rows: ${rate(cpu)} rows/s of CPU time (${cpu.toFixed(2)} s), ` +
      `${rate(wall)} rows/s of wall time (${wall.toFixed(2)} s)`,
  );
}

await time('parse only', async () => {
  let records = 0;
  const parser = new CsvParser(delimiter, file, () => {
    records++;
  });
  const feed = new ChunkFeed(parser, file);
  for await (const chunk of source.stream()) feed.push(chunk);
  feed.finish();
  return records;
});
const scan = await scanSchema([source], options);
await time('first pass (infer)', async () => (await scanSchema([source], options)).rowCounts[0]!);
console.log(scan.schema.fields.map((f) => `${f.name}: ${formatType(f.type)}`).join(', '));
await time('second pass (convert)', async () => {
  let rows = 0;
  for await (const b of readBatches([source], scan.schema, options, scan.rowCounts)) rows += b.numRows;
  return rows;
});
await time('both passes', async () => {
  const s = await scanSchema([source], options);
  let rows = 0;
  for await (const b of readBatches([source], s.schema, options, s.rowCounts)) rows += b.numRows;
  return rows;
});
