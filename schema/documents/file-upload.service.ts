import type { Readable } from 'node:stream';
import { withTransaction } from '../../server/db/unit-of-work.js';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { DOCUMENT_CREATE } from './permissions.js';
import { forbidden } from '../../server/auth/auth-checker.js';
import { BlobTooLargeError, type StoredBlob } from '../../server/blob/blob-store.js';
import type { RequestContext } from '../../server/context.js';
import { DomainError } from '../../server/errors/domain-error.js';
import { User } from '../organisation/index.js';
import { blobLockKey } from './blob-lock.js';
import { fileNameFromHeader } from './file-name.js';
import { FormatSniffer, type FormatInspection } from './inspection/index.js';
import { inspectSignature } from './signature-inspection.js';
import { StoredFile } from './stored-file.entity.js';

export interface UploadSource {
  body: Readable;
  /** X-File-Name as sent: percent-encoded (or RFC 8187), decoded by fileNameFromHeader. */
  fileNameHeader: string | undefined;
  declaredMediaType: string | undefined;
}

export class UploadTooLargeError extends DomainError {
  constructor(maxBytes: number) {
    super('PAYLOAD_TOO_LARGE', `The file exceeds the maximum upload size of ${maxBytes} bytes`, { maxBytes });
  }
}

export class StorageUnavailableError extends DomainError {
  constructor(detail: string) {
    super('STORAGE_UNAVAILABLE', `File storage is unavailable, nothing was saved: ${detail}`);
  }
}

/**
 * Stores an upload: bytes stream to storage while being hashed and sniffed (constant memory),
 * land under their content-addressed key, and only then is the row committed. Storage down:
 * no row. Database down after the blob write: no row, and the orphan collector removes the
 * blob after its grace period.
 */
export async function uploadFile(ctx: RequestContext, source: UploadSource): Promise<StoredFile> {
  const user = ctx.user;
  if (!user) throw forbidden('upload files');
  if (!ctx.grants.has(DOCUMENT_CREATE)) throw forbidden('upload files (needs DOCUMENT_CREATE)');
  const originalName = fileNameFromHeader(source.fileNameHeader);
  const declaredMediaType = source.declaredMediaType?.slice(0, 255) ?? null;
  const maxBytes = ctx.platform.config.uploadMaxBytes;

  const sniffer = new FormatSniffer();
  const sniffing = sniffer.createPassThrough();
  const tee = new PassThrough();
  const piping = pipeline(source.body, sniffing, tee);
  let stored;
  try {
    [stored] = await Promise.all([ctx.platform.blobs.put(tee, { maxBytes }), piping]);
  } catch (e) {
    source.body.destroy();
    if (e instanceof BlobTooLargeError) throw new UploadTooLargeError(maxBytes);
    if (isClientAbort(e))
      throw new DomainError(
        'UPLOAD_ABORTED',
        'The upload was interrupted before the end of the body; nothing was saved',
      );
    ctx.logger.error({ err: e }, 'blob storage write failed');
    throw new StorageUnavailableError(e instanceof Error ? e.message : String(e));
  }
  const format: FormatInspection = await sniffer.finish();
  return recordStoredBlob(ctx, stored, format, originalName, declaredMediaType);
}

/**
 * Commits the row of a blob already at its final key: signature check, then the insert under
 * the per-digest advisory lock shared with the orphan collector. Used by both upload paths.
 * `onRecorded` runs inside the same transaction, after the row: what it writes commits (or
 * rolls back) together with the file.
 */
export async function recordStoredBlob(
  ctx: RequestContext,
  stored: StoredBlob,
  format: FormatInspection,
  originalName: string,
  declaredMediaType: string | null,
  onRecorded?: (em: EntityManager, file: StoredFile) => Promise<void>,
): Promise<StoredFile> {
  const user = ctx.user;
  if (!user) throw forbidden('upload files');
  const signature = await inspectSignature(ctx.platform.blobs, stored, format, ctx.clock.now());
  const recording = withTransaction(ctx, async (tx) => {
    const em = tx.em;
    // Serialises with the orphan collector for this blob: it cannot remove the object between
    // our write and our row, and if it removed an older copy just before, we notice here.
    await em.execute('select pg_advisory_xact_lock(?)', [blobLockKey(stored.sha256)]);
    if ((await ctx.platform.blobs.stat(stored.key)) === null) {
      throw new StorageUnavailableError(
        'the stored object vanished before it was recorded; retry the upload',
      );
    }
    const file = em.create(StoredFile, {
      uploadedAt: ctx.clock.now(),
      sha256: stored.sha256,
      size: stored.size,
      blobKey: stored.key,
      mediaType: format.mediaType,
      declaredMediaType,
      originalName,
      format: format.format,
      formatAccepted: format.accepted,
      pdfaPart: format.pdfA ? `${format.pdfA.part}${format.pdfA.conformance ?? ''}` : null,
      signatureKind: signature.kind,
      signatureStatus: signature.status,
      signatureDetail: signature.detail,
      uploadedBy: em.getReference(User, user.id),
    });
    await tx.audit({
      aooId: null,
      operation: 'file.upload',
      targetType: 'StoredFile',
      targetId: file.id,
      changes: { sha256: stored.sha256, size: stored.size, originalName, format: format.format },
    });
    await onRecorded?.(em, file);
    return file;
  });
  try {
    return await recording;
  } catch (e) {
    if (e instanceof GraphQLError) throw e;
    // The bytes are safe under their final key; without a row they are an orphan the
    // collector removes after its grace period. The client only needs to retry.
    ctx.logger.error({ err: e, sha256: stored.sha256 }, 'recording an uploaded file failed');
    throw new DomainError(
      'RECORD_FAILED',
      'The file could not be recorded (database unavailable); nothing was saved, retry the upload',
    );
  }
}

function isClientAbort(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNABORTED';
}
