import type { RequestContext } from '../../server/context.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { connectionOf, pageRequest, type ConnectionShape } from '../../server/graphql/connection.js';
import { type Document, documentPage, documentVisibilitySql } from '../documents/index.js';
import { titolarioSubtreeSql } from '../titolario/index.js';
import type { UnregisteredDocumentFilter } from './document-classification.types.js';

export const MAX_UNREGISTERED_PAGE = 100;

/**
 * Documents non protocollati of an AOO the caller sees, by their classification now (DOMAIN §5:
 * they are classified and filed without a number): under a titolario node (its subtree, in every
 * version, by code), classified or not yet; newest first. The viewing of the ids shown is audited
 * like any document list.
 */
export async function listUnregisteredDocuments(
  ctx: RequestContext,
  aooId: string,
  filter: UnregisteredDocumentFilter | null,
  first: number,
  after: string | null,
): Promise<ConnectionShape<Document>> {
  const page = pageRequest(first, after, MAX_UNREGISTERED_PAGE, 2);
  if (!isUuid(aooId)) {
    return connectionOf<Document>(
      [],
      false,
      page,
      () => [],
      () => Promise.resolve(0),
    );
  }
  const v = documentVisibilitySql(ctx);
  const sql = [`d.aoo_id = ?`, `d.kind = 'NON_PROTOCOLLATO'`, v.sql];
  const params: unknown[] = [aooId, ...v.params];
  if (filter?.classificationId) {
    if (!isUuid(filter.classificationId)) {
      throw new InvalidInputError('filter.classificationId', 'is not a titolario node id');
    }
    sql.push(titolarioSubtreeSql('cur.classification_id'));
    params.push(filter.classificationId);
  }
  if (filter?.classified === true) sql.push('cur.classification_id is not null');
  if (filter?.classified === false) sql.push('cur.classification_id is null');
  const from = `from document d left join lateral (
      select c.classification_id from document_classification c where c.document_id = d.id
       order by c.version desc limit 1) cur on true`;
  const keyset = [...sql];
  const keysetParams = [...params];
  if (page.after) {
    const [at, id] = page.after;
    if (typeof id !== 'string' || !isUuid(id)) {
      throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
    }
    keyset.push('(d.created_at, d.id) < (?::timestamptz, ?::uuid)');
    keysetParams.push(at, id);
  }
  const rows = await ctx.em.execute<Array<{ id: string; k: string }>>(
    `select d.id, to_char(d.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as k ${from}
      where ${keyset.join(' and ')} order by d.created_at desc, d.id desc limit ?`,
    [...keysetParams, page.first + 1],
  );
  return documentPage(ctx, aooId, rows, page, async () => {
    const counted = await ctx.em.execute<Array<{ n: string }>>(
      `select count(*) as n ${from} where ${sql.join(' and ')}`,
      params,
    );
    return Number(counted[0]?.n ?? 0);
  });
}
