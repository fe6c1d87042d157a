/**
 * Child process of the format bench: reads one result completely, touching every value, and prints
 * {rows, openMs, totalMs, peakRssMB} as JSON. Run alone so its peak RSS is its own.
 */
import { performance } from 'node:perf_hooks';
import { openResults } from '../src/formats/open.js';
import type { ResultFormat } from '../src/formats/reader.js';

const [location, format] = process.argv.slice(2) as [string, ResultFormat];
let peak = process.memoryUsage.rss();
const sample = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 20);

const t0 = performance.now();
const results = await openResults(location, format);
const openMs = performance.now() - t0;
let rows = 0;
let touched = 0;
for await (const batch of results.batches()) {
  for (const col of batch.columns) {
    for (let i = 0; i < batch.numRows; i++) if (col.get(i) !== null) touched++;
  }
  rows += batch.numRows;
  peak = Math.max(peak, process.memoryUsage.rss());
}
const totalMs = performance.now() - t0;
clearInterval(sample);
// resourceUsage().maxRSS is the kernel's own high-water mark, in KiB; the sampler is a cross-check.
const maxRssKiB = process.resourceUsage().maxRSS;
if (rows !== results.rowCount) throw new Error(`read ${rows} rows, expected ${results.rowCount}`);
process.stdout.write(
  `${JSON.stringify({ rows, values: touched, openMs, totalMs, peakRssMB: Math.max(peak / 2 ** 20, maxRssKiB / 1024) })}\n`,
);
