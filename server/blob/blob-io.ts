import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BlobMismatchError,
  BlobTooLargeError,
  InvalidBlobKeyError,
  isFinalKey,
  type ByteRange,
  type PutOptions,
} from './blob-store.js';

/** A complete, fsynced, verified local copy of a put's bytes (not yet under a final key). */
export interface SpooledFile {
  path: string;
  sha256: string;
  size: number;
}

/**
 * Counts and hashes the bytes passing through, failing the pipeline at the first byte beyond
 * maxBytes (or beyond expectedSize) so an oversized upload is cut off instead of being read
 * to the end.
 */
class MeasuringStream extends Transform {
  readonly hash = createHash('sha256');
  size = 0;

  constructor(private readonly options: PutOptions) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    const { maxBytes, expectedSize } = this.options;
    if (maxBytes !== undefined && this.size > maxBytes) {
      callback(new BlobTooLargeError(maxBytes));
      return;
    }
    if (expectedSize !== undefined && this.size > expectedSize) {
      callback(new BlobMismatchError(`The content is longer than the expected ${expectedSize} bytes`));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

function isNonNegativeInteger(n: number | undefined): boolean {
  return n === undefined || (Number.isSafeInteger(n) && n >= 0);
}

function validatePutOptions(options: PutOptions): void {
  if (!isNonNegativeInteger(options.maxBytes) || !isNonNegativeInteger(options.expectedSize)) {
    throw new TypeError('maxBytes and expectedSize must be non-negative integers');
  }
  if (
    options.expectedSize !== undefined &&
    options.maxBytes !== undefined &&
    options.expectedSize > options.maxBytes
  ) {
    // Known up front: refuse without reading a byte.
    throw new BlobTooLargeError(options.maxBytes);
  }
  if (options.expectedSha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(options.expectedSha256)) {
    // A malformed digest can never match the content.
    throw new BlobMismatchError('The expected SHA-256 is not 64 hexadecimal digits');
  }
}

/** unlink that treats "already gone" as success. */
export async function removeQuietly(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Streams `body` into a new file under `dir` while hashing and counting, in constant memory,
 * enforces the put options and, when `durable`, fsyncs the file. On any failure (source error,
 * too large, mismatch, disk error) the file is removed before the promise rejects.
 */
export async function spoolToFile(
  body: Readable,
  dir: string,
  options: PutOptions = {},
  durable = true,
): Promise<SpooledFile> {
  try {
    validatePutOptions(options);
    await mkdir(dir, { recursive: true });
  } catch (err) {
    // Nobody will read the body now: release it (and the socket behind it) instead of hanging.
    body.destroy();
    throw err;
  }
  const file = path.join(dir, randomUUID());
  const meter = new MeasuringStream(options);
  let sink: WriteStream | undefined;
  try {
    // `flush` fsyncs before close, so a crash after we report success cannot lose the bytes.
    // A spool that is only re-read at once (s3) skips it: a crash loses the upload anyway.
    await pipeline(
      body,
      meter,
      (sink = createWriteStream(file, { flags: 'wx', mode: 0o600, flush: durable })),
    );
    const sha256 = meter.hash.digest('hex');
    if (options.expectedSize !== undefined && meter.size !== options.expectedSize) {
      throw new BlobMismatchError(`Expected ${options.expectedSize} bytes, got ${meter.size}`);
    }
    if (options.expectedSha256 !== undefined && options.expectedSha256.toLowerCase() !== sha256) {
      throw new BlobMismatchError(`Expected SHA-256 ${options.expectedSha256.toLowerCase()}, got ${sha256}`);
    }
    return { path: file, sha256, size: meter.size };
  } catch (err) {
    // A sink destroyed while its file was still being opened creates the file afterwards:
    // wait for it to close, or the removal below could run first and leave the file behind.
    if (sink && !sink.closed) await once(sink, 'close').catch(() => undefined);
    await removeQuietly(file);
    throw err;
  }
}

/** Deletes files directly under `dir` not modified for `olderThanMs` (leftovers of a crash). */
export async function removeStaleFiles(dir: string, olderThanMs: number): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const cutoff = Date.now() - olderThanMs;
  let removed = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(dir, entry.name);
    try {
      if ((await stat(file)).mtimeMs < cutoff) {
        await unlink(file);
        removed++;
      }
    } catch (err) {
      // A concurrent cleanup or a finishing put may have taken it already.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return removed;
}

/** Makes a rename or a new entry in `dir` durable (POSIX: the directory itself needs an fsync). */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function assertFinalKey(key: string): void {
  if (!isFinalKey(key)) throw new InvalidBlobKeyError(key);
}

export function assertRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`Invalid byte range ${start}-${end}`);
  }
}
