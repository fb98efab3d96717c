import { BlobMismatchError, BlobTooLargeError, type DirectUploads } from '../../server/blob/blob-store.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import { forbidden } from '../../server/auth/auth-checker.js';
import { DOCUMENT_CREATE } from './permissions.js';
import type { RequestContext } from '../../server/context.js';
import { DomainError, InvalidInputError, NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid, matching, optionalText } from '../../server/errors/input-checks.js';
import type { Platform } from '../../server/platform.js';
import { User } from '../organisation/index.js';
import { cleanFileName } from './file-name.js';
import { recordStoredBlob, UploadTooLargeError } from './file-upload.service.js';
import { inspectStream } from './inspection/index.js';
import type { StoredFile } from './stored-file.entity.js';
import { UploadSession } from './upload-session.entity.js';

const TICKET_SECONDS = 15 * 60;

export interface UploadTicket {
  uploadId: string;
  url: string;
  /** Headers the PUT must carry (the checksum the storage server verifies). */
  headers: Array<{ name: string; value: string }>;
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
  if (!user || !ctx.grants.has(DOCUMENT_CREATE)) throw forbidden('upload files (needs DOCUMENT_CREATE)');
  const direct = ctx.platform.blobs.directUploads;
  if (!direct) {
    throw new DomainError(
      'DIRECT_UPLOAD_UNAVAILABLE',
      'This storage driver takes uploads through POST /files only',
    );
  }
  const fileName = cleanFileName('fileName', req.fileName);
  if (!Number.isSafeInteger(req.size) || req.size < 0)
    throw new InvalidInputError('size', 'must be a non-negative integer');
  if (req.size > ctx.platform.config.uploadMaxBytes)
    throw new UploadTooLargeError(ctx.platform.config.uploadMaxBytes);
  const sha256 = matching('sha256', req.sha256.toLowerCase(), /^[0-9a-f]{64}$/, '64 hexadecimal characters');
  // Control characters (NUL above all) cannot be stored and have no place in a media type.
  const mediaType = optionalText('mediaType', req.mediaType, 255) ?? null;
  const expiresAt = new Date(ctx.clock.now().getTime() + TICKET_SECONDS * 1000);
  const session = await withTransaction(ctx, async (tx) => {
    const em = tx.em;
    const opened = em.create(UploadSession, {
      createdAt: ctx.clock.now(),
      createdBy: em.getReference(User, user.id),
      expiresAt,
      fileName,
      mediaType,
      size: req.size,
      sha256,
    });
    await tx.audit({
      aooId: null,
      operation: 'upload.create',
      targetType: 'UploadSession',
      targetId: opened.id,
      changes: { fileName, size: req.size, sha256, expiresAt: expiresAt.toISOString() },
    });
    return opened;
  });
  const put = await direct.presignedPut(session.tempKey, TICKET_SECONDS, {
    size: req.size,
    sha256Hex: sha256,
  });
  return {
    uploadId: session.id,
    url: put.url,
    headers: Object.entries(put.headers).map(([name, value]) => ({ name, value })),
    expiresAt,
  };
}

/** Past its expiry by this much, a session still COMMITTING was left by a crash mid-commit. */
const STUCK_COMMIT_MS = 60 * 60 * 1000;

/**
 * Step 2: re-reads the uploaded object, checks size and digest against the promise, moves it
 * under its content-addressed key and records the file. The commit first claims the session
 * (OPEN → COMMITTING, one atomic update), so concurrent commits record one file: the others
 * get UPLOAD_IN_PROGRESS, or the same file once it is committed. The session becomes
 * COMMITTED in the transaction that records the file. Idempotent once committed.
 */
export async function commitUpload(ctx: RequestContext, uploadId: string): Promise<StoredFile> {
  const user = ctx.user;
  const direct = ctx.platform.blobs.directUploads;
  const session = isUuid(uploadId) ? await loadSession(ctx, uploadId) : null;
  if (!user || !direct || !session || session.createdBy.id !== user.id)
    throw new NotFoundError('Upload', uploadId);
  if (session.state === 'OPEN' && session.expiresAt < ctx.clock.now()) {
    await closeSession(ctx.platform, session, 'OPEN', 'EXPIRED');
    throw new DomainError('UPLOAD_CLOSED', 'This upload has expired; start a new one');
  }
  if (session.state !== 'OPEN') return outcomeOf(session);
  const claimed = await ctx.em.nativeUpdate(
    UploadSession,
    { id: session.id, state: 'OPEN' },
    { state: 'COMMITTING' },
  );
  if (claimed !== 1) {
    // Another commit (or the expiry job) got there first: answer with how that ended.
    const now = await loadSession(ctx, uploadId);
    if (now?.state === 'OPEN') throw inProgress();
    return outcomeOf(now ?? session);
  }
  let file: StoredFile;
  try {
    file = await verifyAndRecord(ctx, direct, session);
  } catch (e) {
    if (!(e instanceof UploadMismatchError)) await reopen(ctx, session);
    throw e;
  }
  await direct
    .discard(session.tempKey)
    .catch((err: unknown) => ctx.logger.warn({ err, uploadId }, 'removing a committed upload failed'));
  return file;
}

class UploadMismatchError extends DomainError {
  constructor(detail: string) {
    super(
      'UPLOAD_MISMATCH',
      `The uploaded bytes do not match the declared size and SHA-256 (${detail}); nothing was saved`,
    );
  }
}

function inProgress(): DomainError {
  return new DomainError(
    'UPLOAD_IN_PROGRESS',
    'This upload is being committed by another request; commit again in a moment to get its file',
  );
}

function loadSession(ctx: RequestContext, id: string): Promise<UploadSession | null> {
  return ctx.em.findOne(UploadSession, { id }, { populate: ['file'], refresh: true });
}

function outcomeOf(session: UploadSession): StoredFile {
  if (session.state === 'COMMITTED' && session.file) return session.file;
  if (session.state === 'COMMITTING') throw inProgress();
  throw new DomainError('UPLOAD_CLOSED', `This upload is ${session.state.toLowerCase()}; start a new one`);
}

/** The work of a claimed commit; the session is COMMITTING throughout. */
async function verifyAndRecord(
  ctx: RequestContext,
  direct: DirectUploads,
  session: UploadSession,
): Promise<StoredFile> {
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
      await closeSession(ctx.platform, session, 'COMMITTING', 'FAILED');
      throw new UploadMismatchError(e.message);
    }
    throw e;
  }
  const format = await inspectStream(await ctx.platform.blobs.get(stored.key));
  return recordStoredBlob(ctx, stored, format, session.fileName, session.mediaType, async (em, file) => {
    const marked = await em.nativeUpdate(
      UploadSession,
      { id: session.id, state: 'COMMITTING' },
      { state: 'COMMITTED', file: file.id },
    );
    if (marked !== 1)
      throw new DomainError('UPLOAD_CLOSED', 'This upload was closed while being committed; start a new one');
  });
}

/** A commit that failed for a reason other than the bytes: the client may commit again. */
async function reopen(ctx: RequestContext, session: UploadSession): Promise<void> {
  try {
    await ctx.platform.orm.em
      .fork()
      .nativeUpdate(UploadSession, { id: session.id, state: 'COMMITTING' }, { state: 'OPEN' });
  } catch (err) {
    // Left COMMITTING: the expiry job closes it once it is well past its expiry.
    ctx.logger.error({ err, uploadId: session.id }, 'reopening an upload after a failed commit failed');
  }
}

/**
 * Moves the session from `from` to a closed state and removes its temporary object. The state
 * changes first and only if still `from`: a commit that has just claimed the session keeps its
 * bytes. Returns whether this call closed it.
 */
async function closeSession(
  platform: Platform,
  session: UploadSession,
  from: 'OPEN' | 'COMMITTING',
  state: 'FAILED' | 'EXPIRED',
): Promise<boolean> {
  const closed = await platform.orm.em
    .fork()
    .nativeUpdate(UploadSession, { id: session.id, state: from }, { state });
  if (closed !== 1) return false;
  session.state = state;
  await platform.blobs.directUploads?.discard(session.tempKey).catch(() => undefined);
  return true;
}

/**
 * Job: closes expired open sessions, and sessions left COMMITTING well past their expiry (a
 * crash mid-commit: no file was recorded, since that would have made them COMMITTED), and
 * removes what was uploaded to them.
 */
export async function expireUploadSessions(platform: Platform): Promise<{ expired: number }> {
  const em = platform.orm.em.fork();
  const now = platform.clock.now().getTime();
  const open = await em.find(
    UploadSession,
    { state: 'OPEN', expiresAt: { $lt: new Date(now) } },
    { limit: 1000 },
  );
  let expired = 0;
  for (const s of open) if (await closeSession(platform, s, 'OPEN', 'EXPIRED')) expired++;
  const stuck = await em.find(
    UploadSession,
    { state: 'COMMITTING', expiresAt: { $lt: new Date(now - STUCK_COMMIT_MS) } },
    { limit: 1000 },
  );
  for (const s of stuck) if (await closeSession(platform, s, 'COMMITTING', 'EXPIRED')) expired++;
  return { expired };
}
