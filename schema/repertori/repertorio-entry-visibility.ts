import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { documentVisibilitySql } from '../documents/index.js';
import { RepertorioEntry } from './repertorio-entry.entity.js';

/**
 * Row visibility of repertorio entries: an entry is seen exactly by those who see its document
 * (the documents module's rule, over `document d` joined to `repertorio_entry e`). An entry of a
 * hidden document is missing from lists and counts and answers like a nonexistent id.
 */
export function entryVisibilitySql(ctx: RequestContext): { sql: string; params: unknown[] } {
  const v = documentVisibilitySql(ctx);
  return {
    sql: `exists (select 1 from document d where d.id = e.document_id and ${v.sql})`,
    params: v.params,
  };
}

export async function visibleEntryIds(
  ctx: RequestContext,
  em: EntityManager,
  ids: readonly string[],
): Promise<Set<string>> {
  const wanted = ids.filter(isUuid);
  if (wanted.length === 0 || ctx.user === null) return new Set();
  const v = entryVisibilitySql(ctx);
  const rows = await em.execute<Array<{ id: string }>>(
    `select e.id from repertorio_entry e where e.id = any(?::uuid[]) and ${v.sql}`,
    [pgArray(wanted), ...v.params],
  );
  return new Set(rows.map((r) => r.id));
}

/** An entry the caller sees, or NOT_FOUND (the same for a hidden and a missing one). */
export async function findVisibleEntry(
  ctx: RequestContext,
  em: EntityManager,
  id: string,
): Promise<RepertorioEntry> {
  const visible = (await visibleEntryIds(ctx, em, [id])).has(id);
  const entry = visible ? await em.findOne(RepertorioEntry, { id }) : null;
  if (!entry) throw new NotFoundError('RepertorioEntry', id);
  return entry;
}
