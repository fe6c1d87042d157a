import { isJobpubError, JobpubError } from '../../errors/index.js';
import { type S3Location, s3Uri } from './config.js';

/** The shape of an AWS SDK v3 service error (and of Node's network errors), read without importing the SDK. */
interface SdkError {
  readonly name?: string;
  readonly code?: string;
  readonly Code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

// S3 error codes (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). HEAD answers carry no
// body, so the SDK names those errors after the HTTP status: NotFound (404), Forbidden (403).
const DENIED = new Set([
  'AccessDenied',
  'Forbidden',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'AllAccessDisabled',
  'AccountProblem',
  'CredentialsProviderError',
]);
const THROTTLED = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'TimeoutError',
]);
const NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

// What HEAD failures (no body, so the SDK names them "Unknown" or after the status) are called in messages.
const BY_STATUS: Readonly<Record<number, string>> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound' };

export function s3ErrorCode(e: unknown): string {
  const err = (e ?? {}) as SdkError;
  const code = err.Code ?? err.code ?? err.name;
  if (code !== undefined && code !== 'Unknown' && code !== 'UnknownError' && code !== 'Error') return code;
  const httpStatus = status(e);
  if (httpStatus !== undefined) return BY_STATUS[httpStatus] ?? `HTTP${httpStatus}`;
  return code ?? 'UnknownError';
}

function status(e: unknown): number | undefined {
  return ((e ?? {}) as SdkError).$metadata?.httpStatusCode;
}

/** A failure worth retrying: the store was busy, slow or unreachable, or a connection dropped mid-body. */
export function isTransientS3Error(e: unknown): boolean {
  if (isJobpubError(e)) return !e.terminal;
  const code = s3ErrorCode(e);
  const httpStatus = status(e);
  if (THROTTLED.has(code) || NETWORK.has(code) || NETWORK.has((e as SdkError | undefined)?.code ?? '')) {
    return true;
  }
  return httpStatus !== undefined && (httpStatus >= 500 || httpStatus === 429);
}

/**
 * One S3 failure as a JobpubError naming the object (`s3://bucket/key`). Decided on the S3 error code and
 * HTTP status, never on message text; the SDK's error is kept only as the cause. No credential is ever
 * part of a message.
 */
export function s3Error(e: unknown, location: S3Location, doing: string): JobpubError {
  if (isJobpubError(e)) return e;
  const file = s3Uri(location);
  const fail = (code: 'RESULTS_NOT_FOUND' | 'STORAGE_REFUSED' | 'STORAGE_UNAVAILABLE', message: string) =>
    new JobpubError(code, message, { file }, { cause: e });
  const code = s3ErrorCode(e);
  const httpStatus = status(e);
  if (code === 'NoSuchBucket') return noSuchBucket(location, e);
  if (code === 'NoSuchKey' || code === 'NotFound' || httpStatus === 404) {
    return fail(
      'RESULTS_NOT_FOUND',
      `${file}: no such object (key "${location.key}" in bucket "${location.bucket}")`,
    );
  }
  if (DENIED.has(code) || httpStatus === 403) {
    return fail('STORAGE_REFUSED', `access denied to ${file} (check the connection's keys) [${code}]`);
  }
  if (code === 'ENOTFOUND') {
    return fail('STORAGE_REFUSED', `${file}: the S3 endpoint's host name does not resolve [${code}]`);
  }
  if (isTransientS3Error(e)) {
    return fail(
      'STORAGE_UNAVAILABLE',
      `${file}: S3 could not be reached or failed while ${doing} [${code}]; it may be retried`,
    );
  }
  return fail('STORAGE_REFUSED', `${file}: S3 refused ${doing} [${code}]`);
}

export function noSuchBucket(location: S3Location, cause?: unknown): JobpubError {
  const file = s3Uri(location);
  return new JobpubError(
    'RESULTS_NOT_FOUND',
    `${file}: no such bucket "${location.bucket}"`,
    { file },
    { cause },
  );
}
