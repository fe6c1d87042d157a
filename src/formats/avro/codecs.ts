import { inflateRawSync } from 'node:zlib';
import { crc32, snappyUncompress } from './snappy.js';

/**
 * The block codecs we read. Avro also names bzip2, xz, zstandard and lz4; a file using one of them is
 * refused when opened, before any block is read, naming the codec.
 */
export const CODECS = ['null', 'deflate', 'snappy'] as const;
export type Codec = (typeof CODECS)[number];

export function isSupportedCodec(name: string): name is Codec {
  return (CODECS as readonly string[]).includes(name);
}

/** A block's data as stored → its serialized rows. Throws an Error whose message says what is wrong. */
export function decompressBlock(codec: Codec, data: Uint8Array): Uint8Array {
  switch (codec) {
    case 'null':
      return data;
    case 'deflate':
      return inflate(data);
    case 'snappy':
      return unsnappy(data);
  }
}

function inflate(data: Uint8Array): Uint8Array {
  try {
    const out = inflateRawSync(data);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new Error(`deflate data is corrupt (${(e as Error).message})`);
  }
}

/** Avro's snappy: a raw snappy block, then the CRC-32 of the uncompressed bytes, 4 bytes big-endian. */
function unsnappy(data: Uint8Array): Uint8Array {
  if (data.length < 4) throw new Error('snappy block is shorter than its 4-byte checksum');
  const body = data.subarray(0, data.length - 4);
  let out: Uint8Array;
  try {
    out = snappyUncompress(body);
  } catch (e) {
    throw new Error(`snappy data is corrupt (${(e as Error).message})`);
  }
  const at = data.length - 4;
  const stored = ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;
  const actual = crc32(out);
  if (stored !== actual) {
    throw new Error(
      `snappy checksum mismatch: the block says CRC-32 ${hex(stored)}, its uncompressed data has ${hex(actual)}`,
    );
  }
  return out;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
