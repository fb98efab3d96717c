import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { versionInForce } from './titolario-lookup.js';
import { TitolarioNode } from './titolario-node.entity.js';
import type { TitolarioVersion } from './titolario-version.entity.js';

export interface ResolvedClassification {
  node: TitolarioNode;
  /** The titolo (level 1) the node sits under; the node itself for a titolo. */
  titolo: TitolarioNode;
  version: TitolarioVersion;
}

/**
 * Checks that a node may classify something of the AOO made on `day` (Europe/Rome
 * 'yyyy-mm-dd'): it exists in the AOO and belongs to the published version in force that day.
 * The caller stores the node id: the classification keeps that node when a later version takes
 * effect. Leafness is the caller's rule (fascicoli open on leaves, documents may not need it).
 */
export async function resolveClassification(
  tx: UnitOfWork,
  args: { aooId: string; nodeId: string; day: string },
): Promise<ResolvedClassification> {
  const node =
    isUuid(args.nodeId) && isUuid(args.aooId)
      ? await tx.em.findOne(TitolarioNode, { id: args.nodeId, aoo: args.aooId }, { populate: ['version'] })
      : null;
  if (!node) {
    // Same answer for a missing node and one of another AOO.
    throw new DomainError('CLASSIFICATION_NOT_FOUND', `classification: node ${args.nodeId} not found`, {
      field: 'classification',
    });
  }
  const inForce = await versionInForce(tx.em, args.aooId, args.day);
  if (!inForce || inForce.id !== node.version.id) {
    throw new DomainError(
      'CLASSIFICATION_NOT_IN_FORCE',
      `classification: node ${node.fullCode} is not of the titolario version in force on ${args.day}`,
      { field: 'classification' },
    );
  }
  const titoloCode = node.fullCode.split('/')[0];
  const titolo =
    node.level === 1
      ? node
      : await tx.em.findOneOrFail(TitolarioNode, { version: node.version.id, fullCode: titoloCode });
  return { node, titolo, version: inForce };
}

/**
 * An SQL condition with one `?` (a root node id): true when `nodeColumn` is a node of the
 * root's AOO whose path is the root's or below it, in any version (a subtree filter spans
 * versions by code: "IX/1" finds fascicoli classified under IX/1 of 2025 and of 2026).
 */
export function titolarioSubtreeSql(nodeColumn: string): string {
  return `exists (select 1 from titolario_node tsr join titolario_node tsn on tsn.aoo_id = tsr.aoo_id
    where tsr.id = ? and tsn.id = ${nodeColumn}
      and (tsn.full_code = tsr.full_code or starts_with(tsn.full_code, tsr.full_code || '/')))`;
}
