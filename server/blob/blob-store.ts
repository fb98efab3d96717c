import type { Readable } from 'node:stream';

/** What a finished write produced: the final, content-addressed key and what was measured. */
export interface StoredBlob {
  key: string;
  sha256: string; // lowercase hex
  size: number;
}

export interface BlobStat {
  key: string;
  size: number;
  /** When the object was written: the orphan collector only removes objects older than its grace period. */
  lastModified: Date;
}

export interface PutOptions {
  /** Reject (and store nothing under a final key) beyond this many bytes. */
  maxBytes?: number;
  /** When given, the write fails unless the bytes have exactly this size / digest. */
  expectedSize?: number;
  expectedSha256?: string;
}

export interface ByteRange {
  start: number; // inclusive
  end: number; // inclusive
}

/**
 * File bytes live outside the database, content-addressed by SHA-256. A put streams to a
 * temporary key while hashing, then moves to the final key `sha256/<aa>/<bb>/<hex>`, so a
 * write that fails midway never leaves a partial object under a final key.
 */
export interface BlobStore {
  readonly driver: 'fs' | 's3';
  put(body: Readable, options?: PutOptions): Promise<StoredBlob>;
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** null when there is no such object. */
  stat(key: string): Promise<BlobStat | null>;
  delete(key: string): Promise<void>;
  /** A time-limited URL a browser can GET without our token (s3), or null where the driver has none (fs). */
  presignedGet(key: string, expirySeconds: number, fileName?: string): Promise<string | null>;
  /** Keys under the final prefix, for the orphan collector and the scrub job. */
  list(): AsyncIterable<BlobStat>;
  /** Reachability, for /readyz. Throws when unreachable. */
  ping(): Promise<void>;
  /**
   * Removes local temporary files (fs temp folder, s3 spool) not modified for `olderThanMs`:
   * leftovers of writes interrupted by a crash. Returns how many were removed.
   */
  removeStaleTemp?(olderThanMs: number): Promise<number>;
  /** Present where clients can send bytes straight to storage (s3): presigned PUT, then promote. */
  readonly directUploads?: DirectUploads;
}

/**
 * Browser-to-storage uploads: the client PUTs to a temporary key with a presigned URL; the
 * commit re-reads the object, verifies size and digest, moves it under its final key.
 */
export interface DirectUploads {
  /**
   * A URL to PUT exactly `body.size` bytes to, and the headers the client must send with them;
   * the storage server refuses any other length or checksum.
   */
  presignedPut(
    tempKey: string,
    expirySeconds: number,
    body: { size: number; sha256Hex: string },
  ): Promise<{ url: string; headers: Record<string, string> }>;
  /** Size of the uploaded temporary object, null while nothing was uploaded. */
  statTemp(tempKey: string): Promise<number | null>;
  /**
   * Verifies against options (expectedSize, expectedSha256, maxBytes) and stores under the final
   * key. The temporary object is left in place: discard it once the file is recorded.
   */
  promote(tempKey: string, options: PutOptions): Promise<StoredBlob>;
  discard(tempKey: string): Promise<void>;
}

const TEMP_UPLOAD_KEY = /^uploads\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function assertTempUploadKey(key: string): void {
  if (!TEMP_UPLOAD_KEY.test(key)) throw new Error(`not a temporary upload key: ${key}`);
}

export function finalKeyFor(sha256: string): string {
  return `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The content exceeds the maximum size of ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

export class BlobMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlobMismatchError';
  }
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No stored object under ${key}`);
    this.name = 'BlobNotFoundError';
  }
}

/** Exactly the shape finalKeyFor produces; anything else (e.g. `../../etc/passwd`) is refused. */
const FINAL_KEY = /^sha256\/([0-9a-f]{2})\/([0-9a-f]{2})\/(([0-9a-f]{2})([0-9a-f]{2})[0-9a-f]{60})$/;

export function isFinalKey(key: string): boolean {
  const m = FINAL_KEY.exec(key);
  return m !== null && m[1] === m[4] && m[2] === m[5];
}

export class InvalidBlobKeyError extends Error {
  constructor(readonly key: string) {
    super(`Not a content-addressed blob key: ${JSON.stringify(key)}`);
    this.name = 'InvalidBlobKeyError';
  }
}
