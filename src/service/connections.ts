import { CREDENTIAL_FIELDS, type ResolvedConnection, VENDORS } from '../connections/vendors.js';
import { JobpubError } from '../errors/index.js';
import type { ConnectionFields, ConnectionRecord } from '../store/connections.js';
import type { Target } from '../targets/contract.js';
import { createTarget } from '../targets/registry.js';
import { canSeeConnection, gone, notFound } from './access.js';
import type { Caller, Deps } from './deps.js';
import type { ResultAccess } from './results.js';

/**
 * A connection named in a request body: missing or deleted is a 400 naming it; one that exists but is
 * neither the caller's, shared with them nor global is a 403 (api.md, Publish validation).
 */
export async function usableConnection(deps: Deps, caller: Caller, id: number): Promise<ConnectionRecord> {
  const c = await deps.store.connections.byId(id);
  if (!c || c.deletedAt) throw new JobpubError('VALIDATION', `connection ${id} does not exist`);
  const role = await deps.store.connections.sharedRole(c.id, caller.id);
  if (!canSeeConnection(caller, c, role)) {
    throw new JobpubError('FORBIDDEN', `connection ${c.id} is not shared with you`);
  }
  return c;
}

/** Where the service may read results: the storage roots, and `s3` connections' buckets. */
export function resultAccess(deps: Deps): ResultAccess {
  return {
    roots: deps.config.storageRoots,
    async s3For(id) {
      const c = await deps.store.connections.byId(id);
      if (!c || c.deletedAt) throw new JobpubError('VALIDATION', `connection ${id} does not exist`);
      const spec = VENDORS[c.vendor];
      if (!spec?.toStorage) {
        throw new JobpubError(
          'VALIDATION',
          `connection ${id} (${c.vendor}) is not a storage connection: use an s3 one`,
        );
      }
      return spec.toStorage(resolve(deps, c));
    },
  };
}

/** A connection the caller may see, or 404 / 410. */
export async function visibleConnection(deps: Deps, caller: Caller, id: number): Promise<ConnectionRecord> {
  const c = await deps.store.connections.byId(id);
  if (!c) throw notFound('connection', id);
  const role = await deps.store.connections.sharedRole(id, caller.id);
  if (!canSeeConnection(caller, c, role)) throw notFound('connection', id);
  if (c.deletedAt) throw gone('connection', id);
  return c;
}

export function resolve(deps: Deps, c: ConnectionRecord): ResolvedConnection {
  return {
    host: c.host,
    port: c.port,
    ssl: c.ssl,
    params: c.params,
    credentials: c.credentialsSealed ? JSON.parse(deps.box.open(c.credentialsSealed)) : [],
  };
}

/** The publish target a connection names, or a 400 when its vendor is not a table target. */
export async function targetOf(deps: Deps, c: ConnectionRecord): Promise<Target> {
  const spec = VENDORS[c.vendor];
  if (!spec?.toTarget) {
    throw new JobpubError(
      'VALIDATION',
      `connection ${c.id} (${c.vendor}) is not a table target: publish to a database connection`,
    );
  }
  const storage = resultAccess(deps).s3For;
  return createTarget(await spec.toTarget(resolve(deps, c), { dataDir: deps.config.dataDir, storage }));
}

/** Connects and disconnects; a failure is a 400 with the driver's reason (never the credentials). */
export async function checkConnection(deps: Deps, c: ConnectionRecord): Promise<void> {
  const target = await targetOf(deps, c);
  let conn: Awaited<ReturnType<Target['connect']>> | undefined;
  try {
    conn = await target.connect();
    await conn.execute('SELECT 1');
  } catch (e) {
    const err = target.mapError(e);
    throw new JobpubError('VALIDATION', `connection ${c.id} failed: ${err.message}`, {}, { cause: err });
  } finally {
    await conn?.close().catch(() => {});
  }
}

export interface ConnectionInput {
  readonly name: string;
  readonly vendor: string;
  readonly type?: string | undefined;
  readonly host?: string | null | undefined;
  readonly port?: number | null | undefined;
  readonly ssl?: boolean | undefined;
  readonly params?: Record<string, unknown> | undefined;
  readonly credentialType?: string | undefined;
  readonly credentials?: readonly Record<string, unknown>[] | undefined;
  readonly isGlobal?: boolean | undefined;
  readonly description?: string | undefined;
}

/**
 * A connection body checked against its vendor (api.md, Connections table) and sealed for storage. The
 * messages name the field; they never repeat a credential's value.
 */
export async function connectionFields(
  deps: Deps,
  caller: Caller,
  input: ConnectionInput,
): Promise<ConnectionFields> {
  const invalid = (d: string) => new JobpubError('VALIDATION', d);
  const spec = VENDORS[input.vendor];
  if (!spec) throw invalid(`vendor must be one of ${Object.keys(VENDORS).join(', ')}`);
  if (input.type !== undefined && input.type !== spec.type) {
    throw invalid(`type must be "${spec.type}" for vendor ${input.vendor}`);
  }
  if (spec.needsHost && !input.host) throw invalid(`host is required for vendor ${input.vendor}`);
  const params = spec.params.safeParse(input.params ?? {});
  if (!params.success) {
    const i = params.error.issues[0]!;
    throw invalid(`params${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`);
  }
  const credentialType = input.credentialType ?? spec.credentialTypes[0]!;
  if (!spec.credentialTypes.includes(credentialType)) {
    throw invalid(
      `credentialType must be one of ${spec.credentialTypes.join(', ')} for vendor ${input.vendor}`,
    );
  }
  const fields = CREDENTIAL_FIELDS[credentialType] ?? [];
  const creds = input.credentials ?? [];
  if (fields.length === 0 && creds.length > 0) {
    throw invalid(`credentials must be empty for credentialType ${credentialType}`);
  }
  if (fields.length > 0) {
    if (creds.length !== 1)
      throw invalid(`credentials must hold exactly one entry for credentialType ${credentialType}`);
    const c = creds[0]!;
    for (const f of fields) {
      if (typeof c[f] !== 'string' || (f === 'username' && c[f] === '')) {
        throw invalid(`credentials[0].${f} is required (a string)`);
      }
    }
    const extra = Object.keys(c).find((k) => !fields.includes(k));
    if (extra) throw invalid(`credentials[0].${extra} is not a field of credentialType ${credentialType}`);
  }
  if (input.isGlobal && !caller.isAdmin) {
    throw new JobpubError('FORBIDDEN', 'only an admin can create a global connection');
  }
  if (spec.toTarget) {
    // Refused now, not at publish time: a path outside the data directory (DuckDB, Hive staging), an
    // s3Connection (Redshift) or stagingConnection (Hive, s3a://) that is missing, not the caller's to use,
    // or not an s3 one.
    const access = resultAccess(deps);
    await spec.toTarget(
      {
        host: input.host ?? null,
        port: input.port ?? null,
        ssl: false,
        params: params.data,
        credentials: [],
      },
      {
        dataDir: deps.config.dataDir,
        storage: async (id) => access.s3For((await usableConnection(deps, caller, id)).id),
      },
    );
  }
  return {
    name: input.name,
    vendor: input.vendor,
    type: spec.type,
    host: spec.needsHost ? (input.host ?? null) : null,
    port: spec.needsHost ? (input.port ?? spec.defaultPort ?? null) : null,
    ssl: input.ssl ?? false,
    params: params.data,
    credentialType,
    credentialsSealed: fields.length > 0 ? deps.box.seal(JSON.stringify(creds)) : null,
    isGlobal: input.isGlobal ?? false,
    description: input.description ?? '',
  };
}
