import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printSchema } from '../domain/schema/index.js';
import { JobpubError } from '../errors/index.js';
import { openParts, openResults } from '../formats/open.js';
import type { OpenedResults, ResultFormat } from '../formats/reader.js';
import type { S3ConnectionConfig } from '../storage/s3/config.js';
import type { ResultRecord } from '../store/job-groups.js';

/** Where results may be read: local roots, and the `s3` connection a result names. */
export interface ResultAccess {
  readonly roots: readonly string[];
  /** The S3 settings of connection `id` (checked for the caller beforehand). */
  s3For(connectionId: number): Promise<S3ConnectionConfig>;
}

export interface ResultInput {
  readonly format: ResultFormat;
  readonly uri: string;
  readonly connection?: { id: number } | undefined;
  readonly header?: boolean | undefined;
  readonly delimiter?: string | undefined;
}

const inside = (root: string, p: string) => {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * A `file://` URI as a local path that lies under one of the storage roots, after resolving `..` and
 * symbolic links; anything else is refused, so no caller can read the server's own files.
 */
export async function localPath(uri: string, roots: readonly string[]): Promise<string> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new JobpubError('VALIDATION', `results uri "${uri}" is not a URI (file:///… or s3://…)`);
  }
  if (url.protocol === 's3:') {
    throw new JobpubError(
      'VALIDATION',
      `results uri "${uri}": an s3:// result needs "connection": {"id"} of an s3 connection`,
    );
  }
  if (url.protocol !== 'file:' || (url.host !== '' && url.host !== 'localhost')) {
    throw new JobpubError('VALIDATION', `results uri "${uri}" must be a file:///absolute/path URI`);
  }
  const raw = fileURLToPath(url);
  const lexical = path.resolve(raw);
  const realRoots = await Promise.all(roots.map((r) => realpath(r).catch(() => r)));
  const outside = () =>
    new JobpubError('VALIDATION', `results uri "${uri}" is outside the storage roots (JOBPUB_STORAGE_ROOTS)`);
  if (!roots.some((r) => inside(r, lexical)) && !realRoots.some((r) => inside(r, lexical))) throw outside();
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    throw new JobpubError('RESULTS_NOT_FOUND', `results uri "${uri}": no such file or folder`);
  }
  if (!realRoots.some((r) => inside(r, real))) throw outside();
  return real;
}

/** Opens a registered (or to-be-registered) result, re-checking where every part lies. */
export async function openChecked(
  r: Pick<ResultRecord, 'uri' | 'format' | 'options' | 'connectionId'>,
  access: ResultAccess,
): Promise<OpenedResults> {
  if (r.connectionId !== null) return openS3(r, r.connectionId, access);
  const roots = access.roots;
  const location = await localPath(r.uri, roots);
  const opened = await openResults(location, r.format, r.options);
  const realRoots = await Promise.all(roots.map((x) => realpath(x).catch(() => x)));
  for (const f of opened.files) {
    const real = await realpath(f);
    if (!realRoots.some((root) => inside(root, real))) {
      throw new JobpubError(
        'VALIDATION',
        `results uri "${r.uri}": part file ${path.basename(f)} links outside the storage roots`,
      );
    }
  }
  return opened;
}

/** An s3:// result through its connection: within the connection's bucket and prefix, read by range. */
async function openS3(
  r: Pick<ResultRecord, 'uri' | 'format' | 'options'>,
  connectionId: number,
  access: ResultAccess,
): Promise<OpenedResults> {
  const s3 = await import('../storage/s3/index.js');
  const location = s3.parseS3Uri(r.uri);
  const config = await access.s3For(connectionId);
  s3.checkLocationAllowed(config, location);
  const client = await s3.createS3Client(config);
  return openParts(await s3.listS3Parts(client, location), r.format, r.options);
}

/** Registration: opens every result and records its schema, files and row count (api.md, Job groups). */
export async function describeResult(
  input: ResultInput,
  connectionId: number | null,
  access: ResultAccess,
): Promise<ResultRecord> {
  const options = {
    ...(input.header !== undefined ? { header: input.header } : {}),
    ...(input.delimiter !== undefined ? { delimiter: input.delimiter } : {}),
  };
  if (connectionId !== null && !/^s3[an]?:\/\//i.test(input.uri)) {
    throw new JobpubError('VALIDATION', `results uri "${input.uri}": an s3 connection reads s3:// URIs only`);
  }
  const opened = await openChecked({ uri: input.uri, format: input.format, options, connectionId }, access);
  return {
    format: input.format,
    uri: input.uri,
    connectionId,
    options,
    rowCount: opened.rowCount,
    schema: printSchema(opened.schema),
    files: opened.files.map((f) => (f.startsWith('s3://') ? f : pathToFileURL(f).href)),
  };
}
