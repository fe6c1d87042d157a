import { inputError } from '../../errors/index.js';
import type { ByteSource } from '../../storage/byte-source.js';
import { AvroDecodeError, Cursor, Overrun } from './cursor.js';

/**
 * The header of an Avro object container file: `Obj\x01`, a metadata map (bytes values, among them
 * `avro.schema` and `avro.codec`), then the 16-byte sync marker that ends every block.
 */
export interface AvroHeader {
  readonly schemaText: string;
  /** `avro.codec`, `null` when absent (the spec's default). */
  readonly codec: string;
  readonly sync: Uint8Array;
  /** Byte offset of the first block. */
  readonly dataStart: number;
}

const MAGIC = [0x4f, 0x62, 0x6a, 0x01]; // "Obj" 1
/** The first read; a header with a large schema is re-read with a larger window until it fits. */
const FIRST_WINDOW = 64 * 1024;
/** No real schema comes near this; a header claiming more is corrupt, and is not read into memory. */
const MAX_HEADER = 64 * 1024 * 1024;

/**
 * Reads and checks the header. Also returns the bytes read (from offset 0), which often hold the first
 * blocks' headers too; they are not kept in the header, so an opened part does not pin them.
 */
export async function readHeader(source: ByteSource): Promise<{ header: AvroHeader; window: Uint8Array }> {
  const file = source.name;
  if (source.size < MAGIC.length) {
    const problem = `not an Avro file: only ${source.size} bytes, shorter than the magic bytes`;
    throw inputError('RESULTS_INVALID', problem, { file });
  }
  let window = Math.min(FIRST_WINDOW, source.size);
  for (;;) {
    const bytes = await source.read(0, window);
    try {
      return { header: parseHeader(bytes, file), window: bytes };
    } catch (e) {
      if (!(e instanceof Overrun)) throw e;
      if (e.wantEnd > source.size) {
        const problem =
          'truncated: the file ends inside its Avro header (or the header holds a corrupt length)';
        throw inputError('RESULTS_INVALID', problem, { file }, { cause: e });
      }
      if (e.wantEnd > MAX_HEADER) {
        const problem = `the Avro header claims more than ${MAX_HEADER} bytes: it is corrupt`;
        throw inputError('RESULTS_INVALID', problem, { file });
      }
      window = Math.min(source.size, Math.max(window * 2, e.wantEnd + 1024));
    }
  }
}

function parseHeader(bytes: Uint8Array, file: string): AvroHeader {
  if (!MAGIC.every((m, i) => bytes[i] === m)) {
    const seen = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw inputError(
      'RESULTS_INVALID',
      `not an Avro object container file: wrong magic bytes (${seen}, expected 4f 62 6a 01 "Obj\\x01")`,
      { file },
    );
  }
  const c = new Cursor(bytes, MAGIC.length);
  const meta = new Map<string, Uint8Array>();
  try {
    for (let n = c.longNumber(); n !== 0; n = c.longNumber()) {
      if (n < 0) {
        n = -n;
        c.longNumber(); // the block's byte size
      }
      for (let i = 0; i < n; i++) meta.set(c.string(), c.bytesView());
    }
  } catch (e) {
    if (e instanceof Overrun || !(e instanceof AvroDecodeError)) throw e;
    throw inputError(
      'RESULTS_INVALID',
      `the Avro header's metadata is corrupt: ${e.message}`,
      { file },
      { cause: e },
    );
  }
  const sync = c.fixedView(16).slice();
  const schema = meta.get('avro.schema');
  if (schema === undefined) {
    throw inputError('RESULTS_INVALID', 'the Avro header has no avro.schema', { file });
  }
  const codec = meta.get('avro.codec');
  const text = new TextDecoder();
  return {
    schemaText: text.decode(schema),
    codec: codec === undefined || codec.length === 0 ? 'null' : text.decode(codec),
    sync,
    dataStart: c.pos,
  };
}
