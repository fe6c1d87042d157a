import * as z from 'zod/v4';
import { Ref, Timestamp } from './schemas.js';

/** Response shapes, one per resource (they document the API and check every answer before it leaves). */
const nullableTime = Timestamp.nullable();

export const PersonModel = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    isAdmin: z.boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Person' });

export const TokenInfoModel = z
  .object({
    tokenId: z.string(),
    description: z.string(),
    expiredAt: nullableTime.meta({ description: 'null: never expires' }),
    lastUsed: nullableTime,
    createdAt: Timestamp,
  })
  .meta({ id: 'TokenInfo' });

export const ConnectionModel = z
  .object({
    id: z.number().int(),
    name: z.string(),
    vendor: z.string(),
    type: z.string(),
    host: z.string().nullable(),
    port: z.number().int().nullable(),
    ssl: z.boolean(),
    params: z.record(z.string(), z.unknown()),
    credentialType: z.string(),
    hasCredentials: z.boolean(),
    isGlobal: z.boolean(),
    description: z.string(),
    creator: Ref,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Connection' });

export const FlowModel = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string(),
    creator: Ref,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Flow' });

export const RecipeModel = z
  .object({
    id: z.number().int(),
    name: z.string(),
    flow: Ref,
    creator: Ref,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'WrangledDataset' });

export const ResultModel = z
  .object({
    format: z.enum(['pqt', 'avro', 'csv', 'json']),
    uri: z.string(),
    connection: Ref.nullable(),
    header: z.boolean().optional(),
    delimiter: z.string().optional(),
    rowCount: z.number().int(),
    schema: z.array(z.object({ name: z.string(), type: z.string(), nullable: z.boolean() })),
    files: z.array(z.string()),
  })
  .meta({ id: 'Result' });

export const StepModel = z.object({
  name: z.string(),
  status: z.string(),
  ms: z.number(),
  sql: z.string().optional(),
  error: z.string().optional(),
});

export const JobModel = z
  .object({
    id: z.number().int(),
    jobType: z.literal('publish'),
    status: z.enum(['Pending', 'InProgress', 'Complete', 'Failed', 'Canceled']),
    sessionId: z.string(),
    jobGroup: Ref,
    connection: Ref,
    path: z.array(z.string()),
    table: z.string(),
    finalTable: z.string().nullable(),
    action: z.string(),
    inputFormat: z.string(),
    percentComplete: z.number().int(),
    rowsTotal: z.number().int(),
    rowsWritten: z.number().int(),
    bytesRead: z.number().int(),
    phase: z.string().nullable(),
    steps: z.array(StepModel),
    warnings: z.array(z.string()),
    errorMessage: z.string().nullable(),
    attempts: z.number().int(),
    createdAt: Timestamp,
    startedAt: nullableTime,
    finishedAt: nullableTime,
    lastHeartbeatAt: nullableTime,
  })
  .meta({ id: 'Job' });

export const JobGroupModel = z
  .object({
    id: z.number().int(),
    status: z.enum(['Created', 'Pending', 'InProgress', 'Complete', 'Failed', 'Canceled']),
    wrangledDataset: z.union([RecipeModel, Ref]),
    creator: Ref,
    results: z.array(ResultModel),
    jobs: z.array(JobModel).optional(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'JobGroup' });
