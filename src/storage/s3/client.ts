import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { JobpubError } from '../../errors/index.js';
import type { S3ConnectionConfig } from './config.js';

/** The SDK module, loaded on first use: a service that never touches S3 never loads it (STYLE habit 8). */
export type S3Sdk = typeof import('@aws-sdk/client-s3');

let sdk: Promise<S3Sdk> | undefined;

export function loadS3Sdk(): Promise<S3Sdk> {
  sdk ??= import('@aws-sdk/client-s3').catch((e: unknown) => {
    sdk = undefined;
    throw new JobpubError(
      'INTERNAL',
      'S3 support needs the package @aws-sdk/client-s3, which could not be loaded',
      {},
      { cause: e },
    );
  });
  return sdk;
}

// The SDK retries each request itself (throttling, 5xx, dropped connections) with jittered backoff.
const MAX_ATTEMPTS = 4;

/** The options of the S3Client for one connection; no credential is logged or kept anywhere else. */
export function s3ClientConfig(config: S3ConnectionConfig): S3ClientConfig {
  const options: S3ClientConfig = {
    region: config.region,
    forcePathStyle: config.forcePathStyle ?? false,
    maxAttempts: MAX_ATTEMPTS,
    // S3-compatible stores often reject the CRC32 trailers the SDK adds by default since 2025; checksums
    // are still sent where S3 requires them (DeleteObjects) and verified where the store returns them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
  };
  if (config.endpoint !== undefined && config.endpoint !== '') options.endpoint = config.endpoint;
  // 'iamRole': no keys, so the SDK's default chain finds the role (instance profile, ECS/EKS, web identity).
  if (config.credentials !== 'iamRole') {
    options.credentials = {
      accessKeyId: config.credentials.accessKeyId,
      secretAccessKey: config.credentials.secretAccessKey,
    };
  }
  return options;
}

/** A client for one connection. Call `client.destroy()` when done to close its sockets. */
export async function createS3Client(config: S3ConnectionConfig): Promise<S3Client> {
  const { S3Client } = await loadS3Sdk();
  return new S3Client(s3ClientConfig(config));
}
