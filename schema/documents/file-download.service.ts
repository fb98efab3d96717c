import type { Readable } from 'node:stream';
import { auditRead } from '../../server/audit/audit-log.js';
import type { RequestContext } from '../../server/context.js';
import { forbidden } from '../../server/auth/auth-checker.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { parseByteRange } from './byte-range.js';
import { signDownloadLink } from './download-link.js';
import { findVisibleFile, owningAooOf } from './file-queries.js';
import type { StoredFile } from './stored-file.entity.js';

export interface DownloadRequest {
  /** The `Range` header as sent, if any. */
  range: string | undefined;
  /** HEAD: headers only, not a download (nothing opened, nothing audited). */
  headOnly: boolean;
}

/** What GET /files/:id answers: the bytes to send (whole or a range), or 416. */
export type FileDownload =
  | { kind: 'unsatisfiable'; file: StoredFile }
  | {
      kind: 'full' | 'partial';
      file: StoredFile;
      start: number;
      end: number;
      /** Open object, null for HEAD or an empty file. The caller must consume or destroy it. */
      body: Readable | null;
    };

/**
 * A download of a file the caller may see: opens the object (a download that cannot be served
 * is not recorded as one), then records the audited read (001 §6.4 / DOMAIN §7) under the AOO
 * through which the caller sees the file. If recording fails, the opened object is released.
 */
export async function openFileDownload(
  ctx: RequestContext,
  fileId: string,
  req: DownloadRequest,
): Promise<FileDownload> {
  const file = await findVisibleFile(ctx, fileId);
  const range = parseByteRange(req.range, file.size);
  if (range.kind === 'unsatisfiable') return { kind: 'unsatisfiable', file };
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, file.size - 1];
  const body =
    !req.headOnly && file.size > 0
      ? await ctx.platform.blobs.get(file.blobKey, range.kind === 'partial' ? { start, end } : undefined)
      : null;
  if (!req.headOnly) {
    try {
      await auditRead(ctx, {
        aooId: await owningAooOf(ctx, file.id),
        operation: 'file.download',
        targetType: 'StoredFile',
        targetId: file.id,
        changes: range.kind === 'partial' ? { range: [start, end] } : {},
      });
    } catch (e) {
      // Nobody will read the object now: close its file descriptor or connection.
      body?.destroy();
      throw e;
    }
  }
  return { kind: range.kind, file, start, end, body };
}

export const MAX_LINK_TTL_SECONDS = 3600;

/**
 * A signed absolute URL a browser can GET without a token, bound to the caller, for a file they see.
 * Expires by the platform clock (the one GET /files checks it with).
 */
export async function createDownloadLink(
  ctx: RequestContext,
  fileId: string,
  ttlSeconds: number,
): Promise<string> {
  const user = ctx.user;
  if (!user) throw forbidden('create download links');
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_LINK_TTL_SECONDS)
    throw new InvalidInputError('ttlSeconds', `must be between 1 and ${MAX_LINK_TTL_SECONDS}`);
  const file = await findVisibleFile(ctx, fileId);
  const expiresAt = Math.floor(ctx.clock.now().getTime() / 1000) + ttlSeconds;
  // A link hands the bytes to whoever holds it: issuing one is recorded like a download.
  await auditRead(ctx, {
    aooId: await owningAooOf(ctx, file.id),
    operation: 'file.link',
    targetType: 'StoredFile',
    targetId: file.id,
    changes: { expiresAt: new Date(expiresAt * 1000).toISOString() },
  });
  const path = await signDownloadLink(ctx.platform, { fileId: file.id, userId: user.id, expiresAt });
  return `${ctx.baseUrl}${path}`;
}
