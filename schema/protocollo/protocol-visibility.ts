import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { documentVisibilitySql } from '../documents/index.js';
import { ProtocolRecord } from './protocol-record.entity.js';

/**
 * Row visibility of registrations: a record is seen exactly by those who see its document (the
 * documents module's rule: PROTOCOL_READ per office, riservato, particolare), over `document d`
 * joined to `protocol_record r`. A hidden record answers like a nonexistent id. `userSql`: as
 * documentVisibilitySql's (the caller's id as an SQL expression, for many users at once).
 */
export function recordVisibilitySql(
  ctx: RequestContext,
  options: { userSql?: string } = {},
): { sql: string; params: unknown[] } {
  const v = documentVisibilitySql(ctx, options);
  return {
    sql: `exists (select 1 from document d where d.id = r.document_id and ${v.sql})`,
    params: v.params,
  };
}

/** A record the caller sees, loaded in one statement, or NOT_FOUND (same for hidden and missing). */
export async function findVisibleRecord(
  ctx: RequestContext,
  em: EntityManager,
  id: string,
  options: { lock?: boolean } = {},
): Promise<ProtocolRecord> {
  if (isUuid(id) && ctx.user !== null) {
    const v = recordVisibilitySql(ctx);
    const rows = await em.execute<Array<{ id: string }>>(
      `select r.id from protocol_record r where r.id = ? and ${v.sql}${options.lock ? ' for update of r' : ''}`,
      [id, ...v.params],
    );
    if (rows.length === 1) {
      const record = await em.findOne(ProtocolRecord, { id }, options.lock ? { refresh: true } : {});
      if (record) return record;
    }
  }
  throw new NotFoundError('ProtocolRecord', id);
}

export async function visibleRecordIds(
  ctx: RequestContext,
  em: EntityManager,
  ids: readonly string[],
): Promise<Set<string>> {
  const wanted = ids.filter(isUuid);
  if (wanted.length === 0 || ctx.user === null) return new Set();
  const v = recordVisibilitySql(ctx);
  const rows = await em.execute<Array<{ id: string }>>(
    `select r.id from protocol_record r where r.id = any(?::uuid[]) and ${v.sql}`,
    [pgArray(wanted), ...v.params],
  );
  return new Set(rows.map((r) => r.id));
}
