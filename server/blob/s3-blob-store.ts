import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Client } from 'minio';
import type { S3BlobConfig } from '../config.js';
import { contentDisposition } from '../http/content-disposition.js';
import { presignBoundPut } from './s3-presign.js';
import {
  assertTempUploadKey,
  BlobNotFoundError,
  finalKeyFor,
  isFinalKey,
  type BlobStat,
  type BlobStore,
  type ByteRange,
  type DirectUploads,
  type PutOptions,
  type StoredBlob,
} from './blob-store.js';
import {
  assertFinalKey,
  assertRange,
  removeQuietly,
  removeStaleFiles,
  spoolToFile,
  type SpooledFile,
} from './blob-io.js';

export interface S3BlobStoreOptions {
  /** Local folder where a put is spooled before upload (default `<os tmpdir>/dms-blob-spool`). */
  spoolDir?: string;
  /** Largest object sent as one streamed PUT (default 64 MiB); larger ones go multipart. */
  singlePutMaxBytes?: number;
}

/** minio-js's own default part size: below it minio-js itself would not go multipart either. */
const DEFAULT_SINGLE_PUT_MAX_BYTES = 64 * 1024 * 1024;
/** S3's hard limit for one PutObject. */
const S3_SINGLE_PUT_LIMIT = 5 * 1024 ** 3;

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isNotFound(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'NotFound' || code === 'NoSuchKey';
}

/**
 * Yields at most `length` bytes of `source`, then stops reading it (leaving the loop destroys
 * it). A ranged GET must never hand out more bytes than asked: a caller sets Content-Length
 * from the range. s3rver 4.0.4, for one, answers `bytes=0-0` with the whole object.
 */
async function* take(source: Readable, length: number): AsyncGenerator<Buffer> {
  let remaining = length;
  for await (const chunk of source) {
    const buf = chunk as Buffer;
    if (buf.length >= remaining) {
      yield buf.subarray(0, remaining);
      return;
    }
    remaining -= buf.length;
    yield buf;
  }
}

/**
 * Blobs in an S3 bucket (MinIO in deployments, s3rver in tests), under the same final keys as
 * the fs driver.
 *
 * Upload design: a put is first spooled to a local temp file while hashing (constant memory,
 * see spoolToFile), and only a complete, verified file is uploaded, straight to its final key.
 * Why not stream the request body to a temporary S3 key and copy it afterwards:
 * - SigV4 over plain HTTP signs the payload's SHA-256, which must be known before the first
 *   byte is sent; with an unknown size minio-js falls back to multipart, which s3rver lacks
 *   (no ListMultipartUploads), and for a single PUT minio-js's putObject buffers the whole
 *   stream in memory.
 * - Once the digest is known, the final key is known: an object that already exists is not
 *   uploaded again (content stored once), and no server-side copy (CopyObject is limited to
 *   5 GiB) nor temporary-key cleanup is needed.
 * - A PUT is atomic in S3: a failed upload leaves nothing under the key; the server verifies
 *   the bytes against the SHA-256 we computed (signed payload hash over HTTP, the
 *   x-amz-checksum-sha256 header over HTTPS), so a corrupted transfer is refused.
 * Files up to singlePutMaxBytes are sent as one streamed PUT from the file (constant memory);
 * larger ones through minio-js multipart (real MinIO/S3 only; minio-js holds one part, 64 MiB
 * or more, in memory per upload). The local spool costs disk space equal to the uploads in
 * flight; removeStaleTemp clears leftovers of a crash.
 */
export class S3BlobStore implements BlobStore {
  readonly driver = 's3' as const;
  readonly bucket: string;
  readonly client: Client;
  private readonly region: string;
  private readonly spoolDir: string;
  private readonly singlePutMaxBytes: number;

  constructor(
    private readonly config: S3BlobConfig,
    options: S3BlobStoreOptions = {},
  ) {
    this.client = new Client({
      endPoint: config.endPoint,
      port: config.port,
      useSSL: config.useSSL,
      accessKey: config.accessKey,
      secretKey: config.secretKey,
      // A fixed region spares a GetBucketLocation round trip before the first request.
      region: config.region,
      pathStyle: true,
    });
    this.bucket = config.bucket;
    this.region = config.region;
    this.spoolDir = options.spoolDir ?? path.join(tmpdir(), 'dms-blob-spool');
    this.singlePutMaxBytes = Math.min(
      options.singlePutMaxBytes ?? DEFAULT_SINGLE_PUT_MAX_BYTES,
      S3_SINGLE_PUT_LIMIT,
    );
  }

  readonly directUploads: DirectUploads = {
    presignedPut: (tempKey, expirySeconds, body) => {
      assertTempUploadKey(tempKey);
      const { config } = this;
      const defaultPort = config.useSSL ? 443 : 80;
      return Promise.resolve(
        presignBoundPut(
          {
            protocol: config.useSSL ? 'https:' : 'http:',
            host: config.port === defaultPort ? config.endPoint : `${config.endPoint}:${config.port}`,
            bucket: this.bucket,
            key: tempKey,
            region: this.region,
            accessKey: config.accessKey,
            secretKey: config.secretKey,
          },
          body,
          expirySeconds,
        ),
      );
    },
    statTemp: async (tempKey) => {
      assertTempUploadKey(tempKey);
      try {
        return (await this.client.statObject(this.bucket, tempKey)).size;
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
    promote: async (tempKey, options) => {
      assertTempUploadKey(tempKey);
      // Re-read through put(): the bytes are hashed and checked by us, not taken on trust.
      // The temporary object stays until the caller has recorded the file (then discard), so
      // a commit that fails after this point can be retried without uploading again.
      return this.put(await this.client.getObject(this.bucket, tempKey), options);
    },
    discard: async (tempKey) => {
      assertTempUploadKey(tempKey);
      await this.client.removeObject(this.bucket, tempKey);
    },
  };

  async put(body: Readable, options?: PutOptions): Promise<StoredBlob> {
    // Not fsynced: the spool is read back at once; durability comes from the S3 PUT.
    const spooled = await spoolToFile(body, this.spoolDir, options, false);
    try {
      const key = finalKeyFor(spooled.sha256);
      const existing = await this.stat(key);
      // A size mismatch can only be a damaged object: overwrite it with the verified bytes.
      if (existing?.size !== spooled.size) await this.upload(key, spooled);
      return { key, sha256: spooled.sha256, size: spooled.size };
    } finally {
      await removeQuietly(spooled.path);
    }
  }

  private async upload(key: string, file: SpooledFile): Promise<void> {
    const contentType = 'application/octet-stream';
    if (file.size > this.singlePutMaxBytes) {
      await this.client.putObject(this.bucket, key, createReadStream(file.path), file.size, {
        'Content-Type': contentType,
      });
      return;
    }
    // makeRequestStreamAsync is what minio-js's putObject uses for one PUT, minus the buffering.
    // Over HTTPS minio-js signs UNSIGNED-PAYLOAD and requires an empty digest here.
    const response = await this.client.makeRequestStreamAsync(
      {
        method: 'PUT',
        bucketName: this.bucket,
        objectName: key,
        headers: {
          'Content-Length': file.size,
          'Content-Type': contentType,
          'x-amz-checksum-sha256': Buffer.from(file.sha256, 'hex').toString('base64'),
        },
      },
      createReadStream(file.path),
      this.client.enableSHA256 ? file.sha256 : '',
      [200],
      this.region,
    );
    response.resume();
    await finished(response);
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertFinalKey(key);
    if (range) assertRange(range);
    let response: Readable;
    try {
      response = range
        ? await this.client.getPartialObject(this.bucket, key, range.start, range.end - range.start + 1)
        : await this.client.getObject(this.bucket, key);
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key);
      if (range && errorCode(err) === 'InvalidRange') {
        throw new RangeError(`Range start ${range.start} is beyond the end of ${key}`);
      }
      throw err;
    }
    if (range === undefined) return response;
    // A server (or proxy) that ignored the Range header would send bytes from offset 0.
    const contentRange = response instanceof IncomingMessage ? response.headers['content-range'] : undefined;
    if (contentRange === undefined || !contentRange.startsWith(`bytes ${range.start}-`)) {
      response.destroy();
      throw new Error(`The S3 server did not honour the range ${range.start}-${range.end} of ${key}`);
    }
    return Readable.from(take(response, range.end - range.start + 1), { objectMode: false });
  }

  async stat(key: string): Promise<BlobStat | null> {
    assertFinalKey(key);
    try {
      const s = await this.client.statObject(this.bucket, key);
      return { key, size: s.size, lastModified: s.lastModified };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertFinalKey(key);
    // S3 answers 204 for a missing key too, so this is idempotent without a prior stat.
    await this.client.removeObject(this.bucket, key);
  }

  async presignedGet(key: string, expirySeconds: number, fileName?: string): Promise<string> {
    assertFinalKey(key);
    const headers =
      fileName === undefined ? undefined : { 'response-content-disposition': contentDisposition(fileName) };
    return await this.client.presignedGetObject(this.bucket, key, expirySeconds, headers);
  }

  async *list(): AsyncIterable<BlobStat> {
    // Page by page (1000 keys each) rather than minio's object stream: typed and bounded.
    let token = '';
    do {
      const page = await this.client.listObjectsV2Query(this.bucket, 'sha256/', token, '', 1000, '');
      for (const item of page.objects) {
        if (item.name !== undefined && isFinalKey(item.name)) {
          yield { key: item.name, size: item.size, lastModified: item.lastModified ?? new Date(0) };
        }
      }
      token = page.isTruncated ? page.nextContinuationToken : '';
    } while (token !== '');
  }

  async ping(): Promise<void> {
    if (!(await this.client.bucketExists(this.bucket))) {
      throw new Error(`S3 bucket ${this.bucket} does not exist`);
    }
  }

  /** Creates the bucket when missing (first start against an empty MinIO). */
  async ensureBucket(): Promise<void> {
    if (await this.client.bucketExists(this.bucket)) return;
    try {
      await this.client.makeBucket(this.bucket, this.region);
    } catch (err) {
      // Another replica created it between our check and our request.
      if (errorCode(err) !== 'BucketAlreadyOwnedByYou') throw err;
    }
  }

  /** Removes local spool files of puts interrupted by a crash. */
  removeStaleTemp(olderThanMs: number): Promise<number> {
    return removeStaleFiles(this.spoolDir, olderThanMs);
  }
}
