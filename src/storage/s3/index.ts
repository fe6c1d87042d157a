export { createS3Client, loadS3Sdk, s3ClientConfig } from './client.js';
export {
  checkLocationAllowed,
  parseS3Uri,
  type S3ConnectionConfig,
  type S3Credentials,
  type S3Location,
  s3Uri,
} from './config.js';
export { isTransientS3Error, s3Error } from './errors.js';
export { listPages, listPrefix, listS3Parts, type S3ListOptions } from './list.js';
export { headObject, type S3ObjectInfo, s3Source } from './source.js';
export {
  deletePrefix,
  type ManifestEntry,
  putManifest,
  putObject,
  redshiftManifest,
  type UploadOptions,
  type UploadResult,
  uploadStream,
} from './upload.js';
