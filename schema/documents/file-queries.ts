import type { RequestContext } from '../../server/context.js';
import { auditRead } from '../../server/audit/audit-log.js';
import { NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { documentVisibilitySql, visibleFileIds } from './document-visibility.js';
import { StoredFile } from './stored-file.entity.js';

/** The file if the caller may see it; NOT_FOUND alike for missing and hidden files. */
export async function findVisibleFile(ctx: RequestContext, id: string): Promise<StoredFile> {
  // Visibility first, in one statement: a missing and a hidden file cost the same work.
  const visible = isUuid(id) && (await visibleFileIds(ctx, ctx.em, [id])).has(id);
  const file = visible ? await ctx.em.findOne(StoredFile, { id }) : null;
  if (!file) throw new NotFoundError('File', id);
  return file;
}

/**
 * The AOO a download is recorded under: that of the first document holding the file which the
 * caller may see (the one they reach it through); null when they see it only as its uploader.
 */
export async function owningAooOf(ctx: RequestContext, fileId: string): Promise<string | null> {
  const visibility = documentVisibilitySql(ctx);
  const rows = await ctx.em.execute<Array<{ aoo_id: string }>>(
    `select d.aoo_id from document_file df join document d on d.id = df.document_id
      where df.file_id = ? and ${visibility.sql}
      order by df.created_at limit 1`,
    [fileId, ...visibility.params],
  );
  return rows[0]?.aoo_id ?? null;
}

/** File metadata read by a user (name, digest, signers): an audited viewing like a download. */
export async function readFileMetadata(ctx: RequestContext, id: string): Promise<StoredFile> {
  const file = await findVisibleFile(ctx, id);
  await auditRead(ctx, {
    aooId: await owningAooOf(ctx, file.id),
    operation: 'file.read',
    targetType: 'StoredFile',
    targetId: file.id,
  });
  return file;
}
