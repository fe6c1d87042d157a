import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { compressors } from 'hyparquet-compressors';

/**
 * Page decompression by Parquet codec. Node's zlib does GZIP and BROTLI natively (faster than any JS
 * port); hyparquet-compressors brings SNAPPY (a small WebAssembly build), ZSTD (fzstd, since Node 20's
 * zlib has no zstd) and both LZ4 flavours. LZO has no maintained JS decoder: files using it are refused.
 */
export type Codec = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'LZO' | 'BROTLI' | 'LZ4' | 'ZSTD' | 'LZ4_RAW';

type Decompress = (input: Uint8Array, uncompressedSize: number) => Uint8Array;

const asBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

const DECOMPRESS: Partial<Record<Codec, Decompress>> = {
  UNCOMPRESSED: (input) => input,
  SNAPPY: compressors.SNAPPY!,
  GZIP: (input) => asBytes(gunzipSync(input)),
  BROTLI: (input) => asBytes(brotliDecompressSync(input)),
  ZSTD: compressors.ZSTD!,
  LZ4: compressors.LZ4!,
  LZ4_RAW: compressors.LZ4_RAW!,
};

/** The decompressor for a codec, or undefined when jobpub cannot read it. */
export function decompressorFor(codec: string): Decompress | undefined {
  const f = DECOMPRESS[codec as Codec];
  // An empty page body (all values null in a v2 page) still holds a codec frame; some decoders (the
  // LZ4 block decoder) reject the empty frame, and there is nothing to decode anyway.
  return f && ((input, size) => (size === 0 ? new Uint8Array(0) : f(input, size)));
}
