import { inputError } from '../../errors/index.js';
import type { ByteSource } from '../../storage/byte-source.js';
import { type BlockHeader, checkSync, parseBlockHeader } from './block-scan.js';
import { Cursor } from './cursor.js';
import type { AvroHeader } from './header.js';

/**
 * The blocks of a file, front to back, through ByteSource.stream(): at most one block plus one stream
 * chunk is held at a time. Each block's sync marker is checked before the block is handed on.
 */
export interface RawBlock extends BlockHeader {
  /** The block's data as stored (still compressed). */
  readonly data: Uint8Array;
}

export async function* readBlocks(source: ByteSource, header: AvroHeader): AsyncGenerator<RawBlock> {
  const file = source.name;
  const chunks = source.stream(header.dataStart, source.size)[Symbol.asyncIterator]();
  const queue = new ChunkQueue(chunks);
  let pos = header.dataStart;
  try {
    for (let index = 1; pos < source.size; index++) {
      await queue.fill(Math.min(20, source.size - pos));
      const head = queue.peek(Math.min(20, queue.buffered));
      const block = parseBlockHeader(new Cursor(head), index, pos, file);
      const total = block.headerLength + block.size + 16;
      if ((await queue.fill(total)) < total) {
        throw inputError(
          'RESULTS_INVALID',
          `truncated: block ${index} (byte offset ${pos}) needs ${total} bytes but the file ends ${queue.buffered} bytes after its start`,
          { file },
        );
      }
      queue.skip(block.headerLength);
      const data = queue.take(block.size);
      checkSync(queue.take(16), header.sync, index, pos, file);
      yield { index, offset: pos, count: block.count, size: block.size, data };
      pos += total;
    }
  } finally {
    // A reader that stops early (an error, a consumer's break) closes the file stream too.
    await chunks.return?.();
  }
}

/** Bytes from an async chunk iterator, consumed from the front; copies only what spans two chunks. */
class ChunkQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // offset into chunks[0]
  buffered = 0;
  private done = false;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  /** Pulls chunks until `n` bytes are buffered or the stream ends; returns the bytes buffered. */
  async fill(n: number): Promise<number> {
    while (this.buffered < n && !this.done) {
      const r = await this.source.next();
      if (r.done) this.done = true;
      else if (r.value.length > 0) {
        this.chunks.push(r.value);
        this.buffered += r.value.length;
      }
    }
    return this.buffered;
  }

  /** The next `n` buffered bytes, without consuming them. */
  peek(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first && first.length - this.head >= n) return first.subarray(this.head, this.head + n);
    const out = new Uint8Array(n);
    let o = 0;
    let h = this.head;
    for (const c of this.chunks) {
      if (o === n) break;
      const part = c.subarray(h, Math.min(c.length, h + n - o));
      out.set(part, o);
      o += part.length;
      h = 0;
    }
    return out;
  }

  /** Consumes `n` buffered bytes and returns them (a view when they lie in one chunk). */
  take(n: number): Uint8Array {
    const out = this.peek(n);
    this.skip(n);
    return out;
  }

  skip(n: number): void {
    this.buffered -= n;
    let left = n;
    while (left > 0) {
      const first = this.chunks[0]!;
      const avail = first.length - this.head;
      if (avail > left) {
        this.head += left;
        return;
      }
      left -= avail;
      this.chunks.shift();
      this.head = 0;
    }
  }
}
