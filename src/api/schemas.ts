import * as z from 'zod/v4';

/** Shared request and response pieces (api.md, Conventions). */
export const Ref = z.object({ id: z.number().int().positive() });

export const IdParams = z.object({
  id: z.coerce.number().int().positive().meta({ description: 'The object id' }),
});

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(25),
  offset: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  sort: z.enum(['id', '-id', 'createdAt', '-createdAt']).default('id'),
});

export const Timestamp = z.string().meta({ description: 'ISO-8601 UTC with milliseconds' });

export const Exception = z
  .object({
    exception: z.object({ name: z.string(), message: z.string(), details: z.string() }),
  })
  .meta({ id: 'Exception' });

export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), count: z.number().int() });

const STATUS_TEXT: Record<number, string> = {
  400: 'ValidationFailed',
  401: 'AuthenticationFailed',
  403: 'AccessControlException',
  404: 'DataNotFoundException',
  409: 'Conflict',
  410: 'Gone',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequestsException',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** The error responses a route can give, each the spec's exception JSON. 401, 429 and 500 apply to all. */
export function errors(...codes: number[]) {
  const out: Record<
    number,
    { description: string; content: { 'application/json': { schema: typeof Exception } } }
  > = {};
  for (const c of [...new Set([400, 401, 429, 500, ...codes])].sort()) {
    out[c] = {
      description: STATUS_TEXT[c] ?? 'Error',
      content: { 'application/json': { schema: Exception } },
    };
  }
  return out;
}

export const ok = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});
