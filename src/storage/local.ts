import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { inputError } from '../errors/index.js';
import type { ByteSource } from './byte-source.js';

const STREAM_CHUNK = 1 << 20;

/** A local file as a ByteSource. Each read opens the file briefly, so no descriptor outlives a call. */
export async function localSource(file: string): Promise<ByteSource> {
  const info = await statOrFail(file);
  if (!info.isFile()) throw inputError('RESULTS_INVALID', 'is not a regular file', { file });
  const size = info.size;
  return {
    name: file,
    size,
    async read(start, end) {
      if (start < 0 || end > size || start > end) {
        throw inputError(
          'RESULTS_INVALID',
          `byte range ${start}-${end} is outside the file (${size} bytes)`,
          {
            file,
          },
        );
      }
      const buf = Buffer.allocUnsafe(end - start);
      const fh = await open(file, 'r');
      try {
        let done = 0;
        while (done < buf.length) {
          const { bytesRead } = await fh.read(buf, done, buf.length - done, start + done);
          if (bytesRead === 0) throw inputError('RESULTS_INVALID', 'file shrank while being read', { file });
          done += bytesRead;
        }
      } finally {
        await fh.close();
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    },
    async *stream(start = 0, end = size) {
      if (end <= start) return;
      const s = createReadStream(file, { start, end: end - 1, highWaterMark: STREAM_CHUNK });
      for await (const chunk of s) {
        const b = chunk as Buffer;
        yield new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      }
    },
  };
}

async function statOrFail(file: string) {
  try {
    return await stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw inputError('RESULTS_NOT_FOUND', 'no such file or folder', { file });
    if (code === 'EACCES') throw inputError('RESULTS_NOT_FOUND', 'permission denied', { file });
    throw inputError('RESULTS_NOT_FOUND', `cannot be opened (${code ?? 'unknown error'})`, { file });
  }
}

/** Spark writes `_SUCCESS`, `_committed_*`, `.part-*.crc` beside the parts: anything starting with `_` or `.`. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('_') || name.startsWith('.');
}

/**
 * The part files of a local result: the file itself, or every non-ignored file of a folder, sorted by name.
 * A nested folder (Hive-style partitioning) is refused rather than silently dropping its partition column.
 */
export async function listLocalParts(location: string): Promise<ByteSource[]> {
  const info = await statOrFail(location);
  if (info.isFile()) return [await localSource(location)];
  if (!info.isDirectory())
    throw inputError('RESULTS_INVALID', 'is neither a file nor a folder', { file: location });
  const entries = (await readdir(location, { withFileTypes: true }))
    .filter((e) => !isIgnoredName(e.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const nested = entries.find((e) => e.isDirectory());
  if (nested) {
    throw inputError(
      'RESULTS_UNSUPPORTED',
      `holds a sub-folder "${nested.name}": partitioned (nested) results are not supported; point at a folder of part files`,
      { file: location },
    );
  }
  const files = entries.filter((e) => e.isFile() || e.isSymbolicLink());
  if (files.length === 0) {
    throw inputError(
      'RESULTS_EMPTY',
      'the folder holds no part files (names starting with _ or . are ignored)',
      {
        file: location,
      },
    );
  }
  return Promise.all(files.map((e) => localSource(path.join(location, e.name))));
}
