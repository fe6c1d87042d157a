import { hostname } from 'node:os';
import type { S3Client } from '@aws-sdk/client-s3';
import { stagingName, stagingSession } from '../../domain/publish/naming.js';
import type { Field, Value } from '../../domain/schema/index.js';
import type { OpenedResults, ResultFormat } from '../../formats/reader.js';
import type { ByteSource } from '../../storage/byte-source.js';
import { localSource } from '../../storage/local.js';
import { parseS3Uri, type S3Location, s3Uri } from '../../storage/s3/config.js';
import { listPrefix } from '../../storage/s3/list.js';
import { headObject, s3Source } from '../../storage/s3/source.js';
import {
  deletePrefix,
  type ManifestEntry,
  putManifest,
  putObject,
  uploadStream,
} from '../../storage/s3/upload.js';
import { toJsonText } from '../encode/json-text.js';

/**
 * Where a publish's staged objects go: `<stagingUri>/jobpub_stg_<session hex>/` holds the uploaded part
 * files (local results only), `manifest.json` (always) and `_jobpub_owner` (host, pid, time: whether the
 * publish that wrote the folder still runs). Redshift never reads the owner file: COPY reads the manifest's
 * entries only.
 */
export const OWNER_FILE = '_jobpub_owner';
export const MANIFEST_FILE = 'manifest.json';

const EXT: Readonly<Record<ResultFormat, string>> = {
  pqt: 'parquet',
  avro: 'avro',
  csv: 'csv',
  json: 'json',
};

export function stagingRoot(stagingUri: string): S3Location {
  const root = parseS3Uri(stagingUri);
  return { bucket: root.bucket, key: root.key.replace(/\/+$/, '') };
}

const join = (root: S3Location, ...names: string[]): S3Location => ({
  bucket: root.bucket,
  key: [root.key, ...names].filter((k) => k !== '').join('/'),
});

export function sessionFolder(stagingUri: string, sessionId: string): S3Location {
  return join(stagingRoot(stagingUri), stagingName(sessionId, 'stg'));
}

export interface Staged {
  readonly manifest: S3Location;
  readonly entries: readonly ManifestEntry[];
  /** Bytes uploaded (0 when the results were already in S3). */
  readonly bytes: number;
  /** JSON arrays were rewritten as one object per line (Redshift's JSON 'auto' reads objects, not arrays). */
  readonly rewritten: boolean;
}

/**
 * Stages one publish's results for COPY and writes the manifest listing exactly their files:
 * - results already in S3 (every part an `s3://` URI) stay where they are: the manifest lists them with
 *   their sizes (from HEAD; Redshift needs `content_length` for Parquet);
 * - local results are uploaded unchanged, one object per part, into the session's folder;
 * - JSON parts written as one top-level array are rewritten as one object per line (one object), since
 *   COPY's JSON 'auto' reads objects only.
 */
export async function stageResults(
  client: S3Client,
  folder: S3Location,
  results: OpenedResults,
  signal?: AbortSignal,
): Promise<Staged> {
  await putObject(
    client,
    join(folder, OWNER_FILE),
    JSON.stringify({ host: hostname(), pid: process.pid, at: Date.now() }),
    'application/json',
  );
  const inS3 = results.files.length > 0 && results.files.every((f) => /^s3[an]?:\/\//i.test(f));
  const sources = await Promise.all(
    results.files.map(async (f): Promise<ByteSource> => {
      if (!inS3) return localSource(f);
      const at = parseS3Uri(f);
      return s3Source(client, at, await headObject(client, at));
    }),
  );
  let entries: ManifestEntry[];
  let bytes = 0;
  let rewritten = false;
  if (results.format === 'json' && (await anyArray(sources))) {
    const target = join(folder, `part-00000.${EXT.json}`);
    let size = 0;
    const lines = async function* () {
      for await (const chunk of ndjson(results)) {
        size += chunk.byteLength;
        yield chunk;
      }
    };
    await uploadStream(client, target, lines(), {
      contentType: 'application/x-ndjson',
      ...(signal ? { signal } : {}),
    });
    entries = [{ uri: s3Uri(target), size }];
    bytes = size;
    rewritten = true;
  } else if (inS3) {
    entries = sources.map((s) => ({ uri: s.name, size: s.size }));
  } else {
    entries = [];
    for (const [i, s] of sources.entries()) {
      const target = join(folder, `part-${String(i).padStart(5, '0')}.${EXT[results.format]}`);
      await uploadStream(client, target, s.stream(), signal ? { signal } : {});
      entries.push({ uri: s3Uri(target), size: s.size });
      bytes += s.size;
    }
  }
  const manifest = join(folder, MANIFEST_FILE);
  await putManifest(client, manifest, entries);
  return { manifest, entries, bytes, rewritten };
}

/** Whether some part is a JSON array (its first byte after a BOM and white space is `[`). */
async function anyArray(sources: readonly ByteSource[]): Promise<boolean> {
  for (const s of sources) {
    const head = Buffer.from(await s.read(0, Math.min(s.size, 4096)));
    const text = head.toString('utf8').replace(/^\uFEFF/, '');
    if (text.trimStart().startsWith('[')) return true;
  }
  return false;
}

/** The results as one JSON object per line, field names as the results have them; 1 MiB at a time. */
async function* ndjson(results: OpenedResults): AsyncGenerator<Uint8Array> {
  const fields: readonly Field[] = results.schema.fields;
  const keys = fields.map((f) => `${JSON.stringify(f.name)}:`);
  let text = '';
  for await (const batch of results.batches()) {
    for (let i = 0; i < batch.numRows; i++) {
      const parts = fields.map(
        (f, c) => `${keys[c]}${toJsonText(f.type, (batch.columns[c]?.get(i) ?? null) as Value)}`,
      );
      text += `{${parts.join(',')}}\n`;
      if (text.length >= 1 << 20) {
        yield Buffer.from(text, 'utf8');
        text = '';
      }
    }
  }
  if (text !== '') yield Buffer.from(text, 'utf8');
}

/** Removes a session's staged objects (never the results themselves: they are not under the folder). */
export async function removeStaged(client: S3Client, folder: S3Location): Promise<number> {
  return deletePrefix(client, folder);
}

/**
 * Folders of publishes that no longer run, left by a crash: removed before this publish stages its own.
 * `alive` answers for a session id (this process's own publishes, or another's owner file).
 */
export async function removeLeftovers(
  client: S3Client,
  stagingUri: string,
  self: string,
  alive: (sessionId: string, owner: S3Location) => Promise<boolean>,
): Promise<string[]> {
  const root = stagingRoot(stagingUri);
  const prefix = root.key === '' ? '' : `${root.key}/`;
  const { folders } = await listPrefix(client, root.bucket, prefix);
  const removed: string[] = [];
  for (const f of folders) {
    const name = f.slice(prefix.length).replace(/\/$/, '');
    const owner = stagingSession(name);
    if (owner === undefined || owner === self) continue;
    const folder = join(root, name);
    if (await alive(owner, join(folder, OWNER_FILE))) continue;
    await deletePrefix(client, folder);
    removed.push(s3Uri(folder));
  }
  return removed;
}

/** Another host's folder counts as alive for this long (its process cannot be checked from here). */
const FOREIGN_HOST_GRACE_MS = 24 * 3600 * 1000;

/**
 * Whether the process that wrote an owner file still runs: on this host by its pid, on another for a day
 * after it started. No owner file: nobody (a crash before it was written).
 */
export async function ownerAlive(client: S3Client, owner: S3Location): Promise<boolean> {
  const info = await headObject(client, owner, { missing: 'undefined' });
  if (!info) return false;
  let o: { host?: string; pid?: number; at?: number };
  try {
    const source = await s3Source(client, owner, info);
    o = JSON.parse(Buffer.from(await source.read(0, info.size)).toString('utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) return false;
    throw e;
  }
  if (o.host !== hostname()) return Date.now() - Number(o.at ?? 0) < FOREIGN_HOST_GRACE_MS;
  if (o.pid === process.pid) return false; // this process: the caller already knows its own publishes
  try {
    process.kill(Number(o.pid), 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
