import type { RequestContext } from '../../server/context.js';
import { DomainError } from '../../server/errors/domain-error.js';

/**
 * Whether a document's classification agrees with the node its primary fascicolo sits on: the
 * same node, or the node of the same code in another version of the AOO's titolario (a
 * fascicolo opened before a revision keeps the node of its opening, DOMAIN §2; a document of
 * this year classified on this year's node of the same code still belongs in it).
 */
export async function classificationAgrees(
  ctx: RequestContext,
  classificationId: string,
  fascicoloClassificationId: string,
): Promise<boolean> {
  if (classificationId === fascicoloClassificationId) return true;
  const rows = await ctx.em.execute<Array<{ one: number }>>(
    `select 1 as one from titolario_node a join titolario_node b on b.aoo_id = a.aoo_id and b.full_code = a.full_code
      where a.id = ? and b.id = ?`,
    [classificationId, fascicoloClassificationId],
  );
  return rows.length > 0;
}

export function classificationMismatch(field: string, fascicoloId: string): DomainError {
  return new DomainError(
    'CLASSIFICATION_FASCICOLO_MISMATCH',
    `${field}: the classification is not the titolario node of fascicolo ${fascicoloId}; give the fascicolo alone to take its node, or pick a fascicolo of this classification`,
    { field, fascicoloId },
  );
}
