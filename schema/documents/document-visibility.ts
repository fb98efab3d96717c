import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission } from '../../server/auth/permission.js';
import type { RequestContext } from '../../server/context.js';
import { Document } from './document.entity.js';
import type { StoredFile } from './stored-file.entity.js';

/**
 * Row visibility of documents, used by every path (GraphQL root and nested fields, lists,
 * file downloads, signed links). Until assignments exist (a later module adds RPA and CC
 * rights, riservato and particolare): the creator, and whoever reads the owning UOR.
 */
export function canSeeDocument(ctx: RequestContext, doc: Document): boolean {
  if (ctx.user === null) return false;
  if (doc.createdBy.id === ctx.user.id) return true;
  return ctx.grants.covers(Permission.PROTOCOL_READ, doc.aoo.id, doc.uor.id);
}

/** The SQL form of canSeeDocument for lists and counts: `document d` must be in scope. */
export function documentVisibilitySql(ctx: RequestContext): { sql: string; params: unknown[] } {
  if (ctx.user === null) return { sql: 'false', params: [] };
  const clauses: string[] = ['d.created_by = ?'];
  const params: unknown[] = [ctx.user.id];
  for (const aooId of ctx.grants.aoosWith(Permission.PROTOCOL_READ)) {
    const scope = ctx.grants.scope(Permission.PROTOCOL_READ, aooId);
    if (scope === 'ALL') {
      clauses.push('d.aoo_id = ?');
      params.push(aooId);
    } else if (scope !== undefined && scope.size > 0) {
      clauses.push(`(d.aoo_id = ? and d.uor_id in (${[...scope].map(() => '?').join(',')}))`);
      params.push(aooId, ...scope);
    }
  }
  return { sql: `(${clauses.join(' or ')})`, params };
}

/**
 * A file is visible to its uploader, and to whoever sees a document that holds (or held) it.
 * A file not yet attached to a document is visible only to its uploader.
 */
export async function canSeeFile(ctx: RequestContext, em: EntityManager, file: StoredFile): Promise<boolean> {
  if (ctx.user === null) return false;
  if (file.uploadedBy.id === ctx.user.id) return true;
  const visibility = documentVisibilitySql(ctx);
  const rows = await em.execute<Array<{ one: number }>>(
    `select 1 as one from document_file df join document d on d.id = df.document_id
      where df.file_id = ? and ${visibility.sql} limit 1`,
    [file.id, ...visibility.params],
  );
  return rows.length > 0;
}

export { Document };
