import type { FastifyError, FastifyInstance } from 'fastify';
import { ERRORS, isJobpubError } from '../errors/index.js';
import { redact } from '../publish/redact.js';

/** The first line of every exception, per `exception.name` (api.md, Conventions). */
const TITLES: Record<string, string> = {
  ValidationFailed: 'Input validation failed',
  AuthenticationFailed: 'Authentication failed',
  AccessControlException: 'Access denied',
  DataNotFoundException: 'Data not found',
  RouteNotFoundException: 'Route not found',
  Conflict: 'Conflict',
  Gone: 'Gone',
  UnsupportedMediaType: 'Unsupported media type',
  TooManyRequestsException: 'Too many requests',
  ServiceUnavailable: 'Service unavailable',
  InternalError: 'Internal error',
};

export interface ApiException {
  readonly status: number;
  readonly body: { exception: { name: string; message: string; details: string } };
}

export function exception(status: number, name: string, details: string): ApiException {
  return { status, body: { exception: { name, message: TITLES[name] ?? name, details: redact(details) } } };
}

type ValidationIssue = { instancePath?: string; message?: string };

/** Fastify's and zod's validation issues in words: `body.action: must be one of …`. */
function validationDetails(err: FastifyError): string {
  const where = err.validationContext ?? 'request';
  const issues = (err.validation ?? []) as ValidationIssue[];
  return issues
    .slice(0, 5)
    .map((i) => {
      const field = (i.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
      const message = i.message ?? 'is invalid';
      // "action must be one of …" reads as a sentence (api.md's example); zod's own words follow a colon.
      const sep = /^(must|is|are) /.test(message) ? ' ' : ': ';
      return `${field ? `${where === 'body' ? '' : `${where}.`}${field}` : where}${sep}${message}`;
    })
    .join('; ');
}

/** Any thrown value as the spec's exception JSON; unknown failures are a 500 that names nothing inside. */
export function toException(err: unknown): ApiException {
  if (isJobpubError(err)) {
    const spec = ERRORS[err.code];
    return exception(spec.status, spec.exceptionName, err.message);
  }
  const e = err as FastifyError;
  if (e.validation) return exception(400, 'ValidationFailed', validationDetails(e));
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return exception(415, 'UnsupportedMediaType', 'the request body must be application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return exception(400, 'ValidationFailed', 'the request body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return exception(400, 'ValidationFailed', 'the request body is not valid JSON');
    case 'FST_ERR_BAD_URL':
      return exception(400, 'ValidationFailed', 'the URL path holds a malformed %-escape');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return exception(400, 'ValidationFailed', 'a path parameter is longer than 100 characters');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return exception(400, 'ValidationFailed', 'the request body is larger than 1 MiB');
  }
  if (e instanceof SyntaxError)
    return exception(400, 'ValidationFailed', 'the request body is not valid JSON');
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return exception(400, 'ValidationFailed', e.message);
  }
  return exception(500, 'InternalError', 'an unexpected failure inside jobpub; the log has the details');
}

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const ex = toException(err);
    if (ex.status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ status: ex.status, exception: ex.body.exception.name }, 'request refused');
    return reply.status(ex.status).send(ex.body);
  });
  app.setNotFoundHandler((req, reply) => {
    const ex = exception(404, 'RouteNotFoundException', `no route ${req.method} ${req.url.split('?')[0]}`);
    return reply.status(404).send(ex.body);
  });
}
