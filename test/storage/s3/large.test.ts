import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Source } from '../../../src/storage/s3/source.js';
import { uploadStream } from '../../../src/storage/s3/upload.js';
import { ensureMoto, freshBucket, motoClient, pseudoRandom, sha256 } from './moto.js';

let client: S3Client;

beforeAll(async () => {
  await ensureMoto();
  client = await motoClient();
});
afterAll(() => client?.destroy());

const MiB = 1 << 20;

// A full collection before each sample, so RSS shows what is still referenced, not garbage V8 has not
// collected yet: holding the object in memory would show, dropped chunks do not.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const SIZE = 64 * MiB;

/**
 * Samples memory after a full collection: `rss` (the process's resident memory, which also keeps pages
 * the allocator has not handed back yet) and `live` (V8 heap + Buffers still referenced, exact). Each is the
 * peak growth over the start.
 */
function memoryMeter() {
  const live = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  gc();
  const start = { rss: process.memoryUsage.rss(), live: live() };
  const peak = { ...start };
  return {
    sample() {
      gc();
      peak.rss = Math.max(peak.rss, process.memoryUsage.rss());
      peak.live = Math.max(peak.live, live());
    },
    get rss() {
      return peak.rss - start.rss;
    },
    get live() {
      return peak.live - start.live;
    },
  };
}

const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

/** Passes chunks through, sampling memory every 8 MiB. */
async function* metered(
  chunks: AsyncIterable<Uint8Array>,
  meter: { sample(): void },
  seen = { bytes: 0, count: 0, largest: 0 },
) {
  let last = 0;
  for await (const c of chunks) {
    seen.bytes += c.byteLength;
    seen.count++;
    seen.largest = Math.max(seen.largest, c.byteLength);
    if (seen.bytes - last >= 8 * MiB) {
      last = seen.bytes;
      meter.sample();
    }
    yield c;
  }
}

describe('a 64 MiB object', () => {
  it('uploads and streams back with bounded memory, byte for byte', async () => {
    const bucket = await freshBucket(client, 'large');
    const location = { bucket, key: 'results/big.bin' };

    // Upload: lib-storage holds at most (queueSize + 1) parts of 8 MiB, not the 64 MiB.
    const uploader = await motoClient();
    const upMeter = memoryMeter();
    const up = await uploadStream(uploader, location, metered(pseudoRandom(SIZE), upMeter));
    upMeter.sample();
    uploader.destroy();
    await new Promise((r) => setTimeout(r, 200)); // let the uploader's sockets close before the next baseline
    expect(up.parts).toBe(8);
    // By design (queueSize + 2) × partSize = 32 MiB; measured 26 MiB live, with single samples up to ~17 MiB
    // higher (a transient allocation outside jobpub's code, also seen while streaming). Holding the whole
    // body would be 64 MiB or more.
    expect(upMeter.live, `upload: live memory grew by ${mib(upMeter.live)}`).toBeLessThan((SIZE * 3) / 4);
    expect(upMeter.rss, `upload: RSS grew by ${mib(upMeter.rss)}`).toBeLessThan(SIZE);

    // Stream: chunk by chunk, each dropped after hashing.
    const src = await s3Source(client, location);
    expect(src.size).toBe(SIZE);
    const seen = { bytes: 0, count: 0, largest: 0 };
    const downMeter = memoryMeter();
    const down = await sha256(metered(src.stream(), downMeter, seen));
    downMeter.sample();
    expect(down).toEqual(await sha256(pseudoRandom(SIZE)));
    expect(seen.bytes).toBe(SIZE);
    expect(seen.count).toBeGreaterThan(64); // many chunks, none of them the whole object
    expect(seen.largest).toBeLessThanOrEqual(4 * MiB);
    // Measured under 2 MiB live and about 10 MiB RSS, with the same occasional ~17 MiB sample as above.
    expect(downMeter.live, `streaming: live memory grew by ${mib(downMeter.live)}`).toBeLessThan(
      (SIZE * 3) / 8,
    );
    expect(downMeter.rss, `streaming: RSS grew by ${mib(downMeter.rss)}`).toBeLessThan(SIZE / 2);
  });
});
