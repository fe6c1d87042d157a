/**
 * The only way readers see bytes: a named, sized, random-access source. Local files, S3 objects and
 * in-memory test buffers are interchangeable behind it (after hyparquet's AsyncBuffer).
 */
export interface ByteSource {
  /** The path or URI, as shown in error messages. */
  readonly name: string;
  /** Total length in bytes. */
  readonly size: number;
  /** Bytes [start, end). Throws when the range runs past the end. */
  read(start: number, end: number): Promise<Uint8Array>;
  /** Bytes [start, end) in chunks, for formats read front to back. Bounded memory: no whole-file reads. */
  stream(start?: number, end?: number): AsyncIterable<Uint8Array>;
}

/** A ByteSource over bytes already in memory (tests, small inline data). */
export function memorySource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    async read(start, end) {
      if (start < 0 || end > bytes.byteLength || start > end) {
        throw new RangeError(`${name}: range ${start}-${end} is outside the ${bytes.byteLength} bytes`);
      }
      return bytes.subarray(start, end);
    },
    async *stream(start = 0, end = bytes.byteLength) {
      const chunk = 1 << 20;
      for (let at = start; at < end; at += chunk) yield bytes.subarray(at, Math.min(end, at + chunk));
    },
  };
}
