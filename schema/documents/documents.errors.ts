import type { ErrorCodeDefinition } from '../../server/errors/error-codes.js';

/** Business outcomes of documents and files a UI branches on. */
export const DOCUMENT_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'DOCUMENT_REGISTERED',
    httpStatus: 409,
    description: 'The document is registered: its files are immutable (corrections go into annotations)',
  },
  {
    code: 'UPLOAD_ABORTED',
    httpStatus: 400,
    description: 'The client stopped sending before the end of the body; nothing was saved',
  },
  {
    code: 'STORAGE_UNAVAILABLE',
    httpStatus: 503,
    description: 'File storage is unreachable; nothing was saved, retry later',
  },
  {
    code: 'RECORD_FAILED',
    httpStatus: 503,
    description: 'The bytes were stored but the file could not be recorded; nothing was saved, retry',
  },
  {
    code: 'DIRECT_UPLOAD_UNAVAILABLE',
    httpStatus: 409,
    description: 'The storage driver takes uploads through POST /files only (no presigned URLs)',
  },
  {
    code: 'UPLOAD_MISSING',
    httpStatus: 409,
    description: 'Nothing was uploaded to the presigned URL yet: PUT the bytes, then commit',
  },
  {
    code: 'UPLOAD_MISMATCH',
    httpStatus: 422,
    description: 'The uploaded bytes differ from the declared size or SHA-256; nothing was saved',
  },
  {
    code: 'UPLOAD_IN_PROGRESS',
    httpStatus: 409,
    description: 'Another request is committing this upload; commit again in a moment',
  },
  {
    code: 'UPLOAD_CLOSED',
    httpStatus: 410,
    description: 'The upload expired, failed or was closed; start a new one',
  },
];
