import type { EntityManager } from '@mikro-orm/postgresql';
import type { PermissionRef } from '../../server/auth/grants.js';
import { PROTOCOL_PARTICOLARE, PROTOCOL_READ, PROTOCOL_READ_RESERVED } from './permissions.js';
import { romeDay } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/**
 * Row visibility of documents: the one rule every path uses (GraphQL root and nested fields,
 * lists, counts, file downloads, signed links), written once as SQL over `document d`.
 *
 * - protocollo particolare (001 §8.10): only users named on it who hold PROTOCOL_PARTICOLARE;
 * - riservato until a date (001 §8.9): before it, only the users involved (the creator and
 *   those recorded) who hold PROTOCOL_READ_RESERVED; from that day, the normal rule;
 * - normal: the creator while still working in the AOO, and whoever holds PROTOCOL_READ over
 *   the owning UOR, or over an office the document is shared with (document_share: a
 *   competence or CC of the workflow), and the users it is shared with (CC to a person).
 *
 * `userSql`: the caller's id as an SQL expression (e.g. a column of a list of users) instead of
 * a bound parameter, so that one fragment, the same for every user with the same grants, is
 * evaluated for all of them in one statement (subscribers of one event).
 */
export function documentVisibilitySql(ctx: RequestContext, options: { userSql?: string } = {}): SqlFragment {
  const user = ctx.user;
  if (user === null) return { sql: 'false', params: [] };
  const me = options.userSql ?? '?';
  const myId: unknown[] = options.userSql === undefined ? [user.id] : [];
  // The creator keeps seeing a document only while still working in its AOO.
  const memberAoos = ctx.grants.aooIds();
  const normal: string[] =
    memberAoos.length > 0 ? [`(d.created_by = ${me} and d.aoo_id = any(?::uuid[]))`] : [];
  const normalParams: unknown[] = memberAoos.length > 0 ? [...myId, pgArray(memberAoos)] : [];
  const sharedUors: string[] = [];
  for (const aooId of ctx.grants.aoosWith(PROTOCOL_READ)) {
    const scope = ctx.grants.scope(PROTOCOL_READ, aooId);
    if (scope === 'ALL') {
      normal.push('d.aoo_id = ?');
      normalParams.push(aooId);
    } else if (scope !== undefined && scope.size > 0) {
      normal.push('(d.aoo_id = ? and d.uor_id = any(?::uuid[]))');
      normalParams.push(aooId, pgArray([...scope]));
      sharedUors.push(...scope);
    }
  }
  if (memberAoos.length > 0) {
    // Shared with one of the caller's offices in scope, or with the caller (while in the AOO).
    normal.push(
      `exists (select 1 from document_share s where s.document_id = d.id and (s.uor_id = any(?::uuid[])
         or (s.user_id = ${me} and d.aoo_id = any(?::uuid[]))))`,
    );
    normalParams.push(pgArray(sharedUors), ...myId, pgArray(memberAoos));
  }
  const particolareAoos = inAoos(ctx, PROTOCOL_PARTICOLARE);
  const reservedAoos = inAoos(ctx, PROTOCOL_READ_RESERVED);
  const access = (reason: 'NAMED' | 'INVOLVED') =>
    `exists (select 1 from document_access da where da.document_id = d.id and da.user_id = ${me} and da.reason = '${reason}')`;
  return {
    sql: `(case
      when d.particolare then ${access('NAMED')} and ${particolareAoos.sql}
      when d.reserved_until is not null and d.reserved_until > ?::date
        then (d.created_by = ${me} or ${access('INVOLVED')}) and ${reservedAoos.sql}
      else (${normal.length > 0 ? normal.join(' or ') : 'false'}) end)`,
    params: [
      ...myId,
      ...particolareAoos.params,
      romeDay(ctx.clock.now()),
      ...myId,
      ...myId,
      ...reservedAoos.params,
      ...normalParams,
    ],
  };
}

function inAoos(ctx: RequestContext, permission: PermissionRef): SqlFragment {
  const aoos = ctx.grants.aoosWith(permission);
  if (aoos.length === 0) return { sql: 'false', params: [] };
  return { sql: 'd.aoo_id = any(?::uuid[])', params: [pgArray(aoos)] };
}

/** Which of these documents the caller may see (one query, for loaders and lists). */
export async function visibleDocumentIds(
  ctx: RequestContext,
  em: EntityManager,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0 || ctx.user === null) return new Set();
  const v = documentVisibilitySql(ctx);
  const rows = await em.execute<Array<{ id: string }>>(
    `select d.id from document d where d.id = any(?::uuid[]) and ${v.sql}`,
    [pgArray(ids), ...v.params],
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * A file is visible to its uploader, and to whoever sees a document that holds (or held) it.
 * A file not yet attached to a document is visible only to its uploader.
 */
export async function visibleFileIds(
  ctx: RequestContext,
  em: EntityManager,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0 || ctx.user === null) return new Set();
  const visibility = documentVisibilitySql(ctx);
  const rows = await em.execute<Array<{ id: string }>>(
    `select f.id from stored_file f
      where f.id = any(?::uuid[])
        and (f.uploaded_by = ? or exists (
          select 1 from document_file df join document d on d.id = df.document_id
           where df.file_id = f.id and ${visibility.sql}))`,
    [pgArray(ids), ctx.user.id, ...visibility.params],
  );
  return new Set(rows.map((r) => r.id));
}
