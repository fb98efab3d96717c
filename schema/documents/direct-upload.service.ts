import { BlobMismatchError, BlobTooLargeError } from '../../server/blob/blob-store.js';
import { forbidden } from '../../server/auth/auth-checker.js';
import { Permission } from '../../server/auth/permission.js';
import type { RequestContext } from '../../server/context.js';
import { DomainError, InvalidInputError, NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid, matching } from '../../server/errors/input-checks.js';
import type { Platform } from '../../server/platform.js';
import { User } from '../organisation/user.entity.js';
import { cleanFileName, recordStoredBlob, UploadTooLargeError } from './file-upload.service.js';
import { inspectStream } from './inspection/index.js';
import type { StoredFile } from './stored-file.entity.js';
import { UploadSession } from './upload-session.entity.js';

const TICKET_SECONDS = 15 * 60;

export interface UploadTicket {
  uploadId: string;
  url: string;
  expiresAt: Date;
}

export interface CreateUploadRequest {
  fileName: string;
  size: number;
  sha256: string;
  mediaType?: string | null;
}

/**
 * Step 1 of a direct upload (s3 driver): the client promises size and digest and gets a
 * presigned PUT URL for a temporary key. Nothing is a file until commitUpload verifies it.
 */
export async function createUpload(ctx: RequestContext, req: CreateUploadRequest): Promise<UploadTicket> {
  const user = ctx.user;
  if (!user || !ctx.grants.has(Permission.DOCUMENT_CREATE))
    throw forbidden('upload files (needs DOCUMENT_CREATE)');
  const direct = ctx.platform.blobs.directUploads;
  if (!direct) {
    throw new DomainError(
      'DIRECT_UPLOAD_UNAVAILABLE',
      'This storage driver takes uploads through POST /files only',
    );
  }
  const fileName = cleanFileName(req.fileName);
  if (!Number.isSafeInteger(req.size) || req.size < 0)
    throw new InvalidInputError('size', 'must be a non-negative integer');
  if (req.size > ctx.platform.config.uploadMaxBytes)
    throw new UploadTooLargeError(ctx.platform.config.uploadMaxBytes);
  const sha256 = matching('sha256', req.sha256.toLowerCase(), /^[0-9a-f]{64}$/, '64 hexadecimal characters');
  const expiresAt = new Date(ctx.clock.now().getTime() + TICKET_SECONDS * 1000);
  const session = ctx.em.create(UploadSession, {
    createdBy: ctx.em.getReference(User, user.id),
    expiresAt,
    fileName,
    mediaType: req.mediaType?.slice(0, 255) ?? null,
    size: req.size,
    sha256,
  });
  await ctx.em.flush();
  const url = await direct.presignedPut(session.tempKey, TICKET_SECONDS);
  return { uploadId: session.id, url, expiresAt };
}

/**
 * Step 2: re-reads the uploaded object, checks size and digest against the promise, moves it
 * under its content-addressed key and records the file. Idempotent once committed.
 */
export async function commitUpload(ctx: RequestContext, uploadId: string): Promise<StoredFile> {
  const user = ctx.user;
  const direct = ctx.platform.blobs.directUploads;
  const session = isUuid(uploadId)
    ? await ctx.em.findOne(UploadSession, { id: uploadId }, { populate: ['file'] })
    : null;
  if (!user || !direct || !session || session.createdBy.id !== user.id)
    throw new NotFoundError('Upload', uploadId);
  if (session.state === 'COMMITTED' && session.file) return session.file;
  if (session.state !== 'OPEN')
    throw new DomainError('UPLOAD_CLOSED', `This upload is ${session.state.toLowerCase()}; start a new one`);
  if (session.expiresAt < ctx.clock.now()) {
    await closeSession(ctx.platform, session, 'EXPIRED');
    throw new DomainError('UPLOAD_CLOSED', 'This upload has expired; start a new one');
  }
  const uploaded = await direct.statTemp(session.tempKey);
  if (uploaded === null)
    throw new DomainError(
      'UPLOAD_MISSING',
      'Nothing was uploaded to the URL yet: PUT the bytes, then commit',
    );
  let stored;
  try {
    stored = await direct.promote(session.tempKey, {
      expectedSize: session.size,
      expectedSha256: session.sha256,
      maxBytes: ctx.platform.config.uploadMaxBytes,
    });
  } catch (e) {
    if (e instanceof BlobMismatchError || e instanceof BlobTooLargeError) {
      await closeSession(ctx.platform, session, 'FAILED');
      throw new DomainError(
        'UPLOAD_MISMATCH',
        `The uploaded bytes do not match the declared size and SHA-256 (${e.message}); nothing was saved`,
      );
    }
    throw e;
  }
  const format = await inspectStream(await ctx.platform.blobs.get(stored.key));
  const file = await recordStoredBlob(ctx, stored, format, session.fileName, session.mediaType);
  session.state = 'COMMITTED';
  session.file = file;
  await ctx.em.flush();
  return file;
}

async function closeSession(
  platform: Platform,
  session: UploadSession,
  state: 'FAILED' | 'EXPIRED',
): Promise<void> {
  await platform.blobs.directUploads?.discard(session.tempKey).catch(() => undefined);
  await platform.orm.em.fork().nativeUpdate(UploadSession, { id: session.id, state: 'OPEN' }, { state });
  session.state = state;
}

/** Job: closes expired open sessions and removes what was uploaded to them. */
export async function expireUploadSessions(platform: Platform): Promise<{ expired: number }> {
  const em = platform.orm.em.fork();
  const stale = await em.find(
    UploadSession,
    { state: 'OPEN', expiresAt: { $lt: platform.clock.now() } },
    { limit: 1000 },
  );
  for (const s of stale) await closeSession(platform, s, 'EXPIRED');
  return { expired: stale.length };
}
