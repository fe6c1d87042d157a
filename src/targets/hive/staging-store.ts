import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { S3Client } from '@aws-sdk/client-s3';
import { JobpubError } from '../../errors/index.js';
import {
  checkLocationAllowed,
  createS3Client,
  deletePrefix,
  headObject,
  listPrefix,
  putObject,
  type S3ConnectionConfig,
  type S3Location,
  s3Source,
  uploadStream,
} from '../../storage/s3/index.js';
import type { HiveConfig } from '../config.js';
import { OWNER_FILE, ownerText, ownerTextAlive } from './locks.js';

/**
 * Where a Hive publish stages its files: one folder per publish (named like its staging table,
 * `jobpub_stg_<session>`) under the connection's `stagingUri`, which the Hive server must read too. The
 * loader and the leftover sweep (connection.ts) use only this interface:
 *
 * - `file://` (FileStagingStore): a folder of a filesystem both jobpub and the server see (NFS, a shared
 *   volume, or one machine). Verified against the Spark Thrift Server.
 * - `s3a://bucket/prefix` (S3aStagingStore): objects in S3 written with the `s3` connection's keys
 *   (`HiveConfig.stagingS3`); the server reads them through Hadoop's S3A filesystem, so the EXTERNAL table's
 *   LOCATION is spelled `s3a://bucket/key`. S3 has no folders: a folder is a key prefix, and it exists once
 *   a file is written under it.
 *
 * A folder holds OWNER_FILE (host, pid, start time: who owns it) and the Parquet part files; the owner
 * file's name starts with `_`, which Hadoop and Spark skip when they read the folder.
 */
export interface StagingStore {
  /** The staging root, as configured (for messages). */
  readonly root: string;
  /** What goes into the staging table's LOCATION for this folder. */
  uri(folder: string): string;
  /** Writes one file of a folder (creating the folder when needed), streamed. */
  writeFile(folder: string, name: string, body: AsyncIterable<Uint8Array> | Uint8Array): Promise<void>;
  /** Claims a folder for this process (OWNER_FILE); the first write of a publish. */
  writeOwner(folder: string): Promise<void>;
  /** The names of the folders under the root (staging folders and anything else; the caller filters). */
  listFolders(): Promise<string[]>;
  /** Removes a folder and everything in it; a missing folder is not an error. */
  removeFolder(folder: string): Promise<void>;
  /** Whether the process that owns a folder still runs (locks.ts, ownerTextAlive); no owner file: false. */
  ownerAlive(folder: string): Promise<boolean>;
  /** Releases what the store holds (an S3 client's sockets). */
  close(): Promise<void>;
}

/** The staging store of a Hive connection: `file://` or `s3a://` (with `stagingS3`). */
export function openStagingStore(config: Pick<HiveConfig, 'stagingUri' | 'stagingS3'>): StagingStore {
  const uri = config.stagingUri;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new JobpubError(
      'USAGE',
      'the Hive staging location is not a URI (expected file:///absolute/path or s3a://bucket/prefix)',
    );
  }
  if (url.protocol === 'file:') return new FileStagingStore(fileURLToPath(url));
  if (url.protocol === 's3a:') {
    if (config.stagingS3 === undefined) {
      throw new JobpubError(
        'USAGE',
        'Hive staging on s3a:// needs S3 settings: an `s3` connection (params.stagingConnection) or the s3_* URL parameters',
      );
    }
    return new S3aStagingStore(s3aRoot(uri), config.stagingS3);
  }
  throw new JobpubError(
    'USAGE',
    `Hive staging on ${url.protocol}// is not supported: use a file:// folder the Hive server also sees, or s3a://bucket/prefix`,
  );
}

/** `s3a://bucket/some/prefix/` → { bucket, key: 'some/prefix' } (no leading or trailing `/`). */
export function s3aRoot(uri: string): S3Location {
  const m = /^s3a:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/([^?#]*))?$/.exec(uri);
  const key = (m?.[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (!m || key.includes('//')) {
    throw new JobpubError(
      'USAGE',
      `the Hive staging location must be s3a://bucket/prefix (a valid bucket name, no empty path segment): ${uri}`,
    );
  }
  return { bucket: m[1]!, key };
}

/** Folders being removed (claimed by a rename first); dot: never a staging name, skipped by Hadoop. */
const GONE_PREFIX = '.jobpub_gone_';
const GONE_STALE_MS = 3600 * 1000;

/** `file://` staging: a local folder per publish. */
export class FileStagingStore implements StagingStore {
  readonly root: string;

  constructor(private readonly dir: string) {
    this.root = pathToFileURL(dir).href;
  }

  #at(folder: string, name?: string): string {
    return name === undefined ? path.join(this.dir, folder) : path.join(this.dir, folder, name);
  }

  uri(folder: string): string {
    return pathToFileURL(this.#at(folder)).href;
  }

  async writeFile(folder: string, name: string, body: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    await mkdir(this.#at(folder), { recursive: true });
    const dest = this.#at(folder, name);
    if (body instanceof Uint8Array) await writeFile(dest, body);
    else await pipeline(Readable.from(body), createWriteStream(dest));
  }

  async writeOwner(folder: string): Promise<void> {
    await mkdir(this.#at(folder), { recursive: true });
    await writeFile(this.#at(folder, OWNER_FILE), ownerText());
  }

  /**
   * The entries of the root. Claims of a sweep that died while removing them (`.jobpub_gone_…`, older than
   * an hour) are removed here, and never listed.
   */
  async listFolders(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: string[] = [];
    for (const name of names) {
      if (!name.startsWith(GONE_PREFIX)) {
        out.push(name);
        continue;
      }
      const at = path.join(this.dir, name);
      const info = await stat(at).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > GONE_STALE_MS)
        await rm(at, { recursive: true, force: true }).catch(() => {});
    }
    return out;
  }

  /**
   * Several publishes (of this or other processes) may remove one folder at once: it is first claimed by
   * renaming it to a private `.jobpub_gone_…` name (one rename wins, the others find nothing), then removed.
   */
  async removeFolder(folder: string): Promise<void> {
    const claimed = path.join(
      this.dir,
      `${GONE_PREFIX}${folder}_${process.pid}_${randomBytes(4).toString('hex')}`,
    );
    try {
      await rename(this.#at(folder), claimed);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    await rm(claimed, { recursive: true, force: true });
  }

  async ownerAlive(folder: string): Promise<boolean> {
    return ownerTextAlive(await readFile(this.#at(folder, OWNER_FILE), 'utf8').catch(() => undefined));
  }

  async close(): Promise<void> {}
}

/**
 * `s3a://bucket/prefix` staging: objects `prefix/<folder>/<name>`, written with the `s3` connection's keys
 * (storage/s3: multipart uploads, so a part file is never whole in memory on the way). The Hive server
 * reads them with its own S3A configuration (fs.s3a.* keys or an instance role), which must reach the
 * same bucket. Removing a folder is deleting its prefix: two sweeps removing it at once both succeed.
 */
export class S3aStagingStore implements StagingStore {
  readonly root: string;
  #client: Promise<S3Client> | undefined;

  constructor(
    private readonly at: S3Location,
    private readonly s3: S3ConnectionConfig,
  ) {
    this.root = `s3a://${at.bucket}/${at.key}`;
  }

  /** The client, made on first use (the SDK is loaded then, not when the module is). */
  #s3(): Promise<S3Client> {
    if (this.#client === undefined) {
      // The connection's bucket and prefix, when it has them, bound where staging may write.
      checkLocationAllowed(this.s3, this.at);
      const made = createS3Client(this.s3);
      made.catch(() => {
        if (this.#client === made) this.#client = undefined;
      });
      this.#client = made;
    }
    return this.#client;
  }

  /** The key of a folder (no trailing `/`) or of one of its files. */
  key(folder: string, name?: string): string {
    return [this.at.key, folder, name].filter((p) => p !== undefined && p !== '').join('/');
  }

  uri(folder: string): string {
    return `s3a://${this.at.bucket}/${this.key(folder)}`;
  }

  async writeFile(folder: string, name: string, body: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    const client = await this.#s3();
    await uploadStream(client, { bucket: this.at.bucket, key: this.key(folder, name) }, body, {
      contentType: 'application/octet-stream',
    });
  }

  async writeOwner(folder: string): Promise<void> {
    const client = await this.#s3();
    await putObject(
      client,
      { bucket: this.at.bucket, key: this.key(folder, OWNER_FILE) },
      ownerText(),
      'application/json',
    );
  }

  async listFolders(): Promise<string[]> {
    const client = await this.#s3();
    const prefix = this.at.key === '' ? '' : `${this.at.key}/`;
    const { folders } = await listPrefix(client, this.at.bucket, prefix);
    return folders.map((f) => f.slice(prefix.length).replace(/\/$/, '')).filter((n) => n !== '');
  }

  async removeFolder(folder: string): Promise<void> {
    const client = await this.#s3();
    await deletePrefix(client, { bucket: this.at.bucket, key: this.key(folder) });
  }

  async ownerAlive(folder: string): Promise<boolean> {
    const client = await this.#s3();
    const owner: S3Location = { bucket: this.at.bucket, key: this.key(folder, OWNER_FILE) };
    const info = await headObject(client, owner, { missing: 'undefined' });
    if (info === undefined) return false;
    let text: string | undefined;
    try {
      const source = await s3Source(client, owner, info);
      text = Buffer.from(await source.read(0, info.size)).toString('utf8');
    } catch (e) {
      // Deleted between the HEAD and the GET: nobody owns it any more.
      if ((e as { code?: string }).code === 'RESULTS_NOT_FOUND') return false;
      throw e;
    }
    return ownerTextAlive(text);
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client) (await client.catch(() => undefined))?.destroy();
  }
}
