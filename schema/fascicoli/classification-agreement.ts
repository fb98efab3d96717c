import type { RequestContext } from '../../server/context.js';
import { DomainError } from '../../server/errors/domain-error.js';
import { TitolarioNode } from '../titolario/index.js';

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
  const [a, b] = await ctx.em.find(TitolarioNode, {
    id: { $in: [classificationId, fascicoloClassificationId] },
  });
  return a !== undefined && b !== undefined && a.aoo.id === b.aoo.id && a.fullCode === b.fullCode;
}

export function classificationMismatch(field: string, fascicoloId: string): DomainError {
  return new DomainError(
    'CLASSIFICATION_FASCICOLO_MISMATCH',
    `${field}: the classification is not the titolario node of fascicolo ${fascicoloId}; give the fascicolo alone to take its node, or pick a fascicolo of this classification`,
    { field, fascicoloId },
  );
}
