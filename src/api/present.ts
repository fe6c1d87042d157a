import type { ConnectionRecord } from '../store/connections.js';
import type { Flow, Recipe } from '../store/flows.js';
import type { JobGroup, ResultRecord } from '../store/job-groups.js';
import type { JobRecord } from '../store/jobs.js';
import type { Person } from '../store/people.js';
import type { ApiToken } from '../store/tokens.js';

/** Stored records as the API shows them (api.md). Credentials never leave: only `hasCredentials`. */
export const presentPerson = (p: Person) => ({
  id: p.id,
  email: p.email,
  name: p.name,
  isAdmin: p.isAdmin,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

export const presentToken = (t: ApiToken) => ({
  tokenId: t.tokenId,
  description: t.description,
  expiredAt: t.expiredAt,
  lastUsed: t.lastUsed,
  createdAt: t.createdAt,
});

export const presentConnection = (c: ConnectionRecord) => ({
  id: c.id,
  name: c.name,
  vendor: c.vendor,
  type: c.type,
  host: c.host,
  port: c.port,
  ssl: c.ssl,
  params: c.params,
  credentialType: c.credentialType,
  hasCredentials: c.credentialsSealed !== null,
  isGlobal: c.isGlobal,
  description: c.description,
  creator: { id: c.creatorId },
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

export const presentFlow = (f: Flow) => ({
  id: f.id,
  name: f.name,
  description: f.description,
  creator: { id: f.creatorId },
  createdAt: f.createdAt,
  updatedAt: f.updatedAt,
});

export const presentRecipe = (r: Recipe) => ({
  id: r.id,
  name: r.name,
  flow: { id: r.flowId },
  creator: { id: r.creatorId },
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export const presentResult = (r: ResultRecord) => ({
  format: r.format,
  uri: r.uri,
  connection: r.connectionId === null ? null : { id: r.connectionId },
  ...(r.options.header !== undefined ? { header: r.options.header } : {}),
  ...(r.options.delimiter !== undefined ? { delimiter: r.options.delimiter } : {}),
  rowCount: r.rowCount,
  schema: r.schema.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
  files: [...r.files],
});

export const presentJob = (j: JobRecord) => ({
  id: j.id,
  jobType: 'publish' as const,
  status: j.status,
  sessionId: j.sessionId,
  jobGroup: { id: j.jobGroupId },
  connection: { id: j.connectionId },
  path: [...j.path],
  table: j.table,
  finalTable: j.finalTable,
  action: j.action,
  inputFormat: j.inputFormat,
  percentComplete: j.percentComplete,
  rowsTotal: j.rowsTotal,
  rowsWritten: j.rowsWritten,
  bytesRead: j.bytesRead,
  phase: j.phase,
  steps: j.steps.map((s) => ({ ...s })),
  warnings: [...j.warnings],
  errorMessage: j.errorMessage,
  attempts: j.attempts,
  createdAt: j.createdAt,
  startedAt: j.startedAt,
  finishedAt: j.finishedAt,
  lastHeartbeatAt: j.lastHeartbeatAt,
});

export const presentJobGroup = (g: JobGroup) => ({
  id: g.id,
  status: g.status,
  wrangledDataset: { id: g.recipeId },
  creator: { id: g.creatorId },
  results: g.results.map(presentResult),
  createdAt: g.createdAt,
  updatedAt: g.updatedAt,
});
