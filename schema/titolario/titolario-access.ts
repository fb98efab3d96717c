import { LockMode, type FilterQuery } from '@mikro-orm/core';
import { forbidden } from '../../server/auth/auth-checker.js';
import type { RequestContext } from '../../server/context.js';
import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { Aoo } from '../organisation/index.js';
import { TITOLARIO_MANAGE } from './permissions.js';
import { TitolarioVersionState } from './titolario-enums.js';
import { TitolarioIndexTerm } from './titolario-index-term.entity.js';
import { canReadTitolario } from './titolario-lookup.js';
import { TitolarioNode } from './titolario-node.entity.js';
import { TitolarioVersion } from './titolario-version.entity.js';

/**
 * Who sees and who changes a titolario. Every member of an AOO reads its published versions
 * (classifying is everybody's work); drafts are seen by those who manage the titolario
 * (TITOLARIO_MANAGE in that AOO). Whatever the caller may not see answers exactly like a
 * missing id (NOT_FOUND); a member who sees a version but may not change it gets FORBIDDEN.
 */

export function canManageTitolario(ctx: RequestContext, aooId: string): boolean {
  return ctx.user !== null && ctx.grants.has(TITOLARIO_MANAGE, aooId);
}

/** An AOO whose titolario the caller reads. */
export async function readableAoo(ctx: RequestContext, aooId: string): Promise<Aoo> {
  const aoo = isUuid(aooId) && canReadTitolario(ctx, aooId) ? await ctx.em.findOne(Aoo, { id: aooId }) : null;
  if (!aoo) throw new NotFoundError('Aoo', aooId);
  return aoo;
}

/** An AOO whose titolario the caller manages (for a new draft or an import). */
export async function managedAoo(tx: UnitOfWork, aooId: string): Promise<Aoo> {
  const aoo = await readableAoo(tx, aooId);
  if (!canManageTitolario(tx, aoo.id))
    throw forbidden('manage the titolario of this AOO (needs TITOLARIO_MANAGE)');
  // One writer at a time per AOO's titolario: drafts, validFrom and imports count consistently.
  await tx.em.execute('select 1 from aoo where id = ? for update', [aoo.id]);
  return aoo;
}

/**
 * The versions the caller sees, as a condition of the lookup itself: a hidden version and a
 * missing one cost the same statement and return the same nothing.
 */
export function visibleVersionsWhere(ctx: RequestContext): FilterQuery<TitolarioVersion> {
  if (ctx.user === null) return { id: null };
  const managed = ctx.grants.aoosWith(TITOLARIO_MANAGE);
  const drafts = { aoo: { $in: managed } };
  if (ctx.user.platformAdmin) return { $or: [{ state: TitolarioVersionState.PUBLISHED }, drafts] };
  return { $or: [{ state: TitolarioVersionState.PUBLISHED, aoo: { $in: ctx.grants.aooIds() } }, drafts] };
}

export async function readableVersion(ctx: RequestContext, id: string): Promise<TitolarioVersion> {
  const version = isUuid(id)
    ? await ctx.em.findOne(TitolarioVersion, { $and: [{ id }, visibleVersionsWhere(ctx)] })
    : null;
  if (!version) throw new NotFoundError('TitolarioVersion', id);
  return version;
}

export async function readableNode(ctx: RequestContext, id: string): Promise<TitolarioNode> {
  const node = isUuid(id)
    ? await ctx.em.findOne(
        TitolarioNode,
        { id, version: visibleVersionsWhere(ctx) },
        { populate: ['version'] },
      )
    : null;
  if (!node) throw new NotFoundError('TitolarioNode', id);
  return node;
}

/**
 * A version the caller changes, locked for the rest of the transaction: the changes of one
 * version (and its publication) happen one after the other.
 */
export async function managedVersion(tx: UnitOfWork, id: string): Promise<TitolarioVersion> {
  const version = await readableVersion(tx, id);
  if (!canManageTitolario(tx, version.aoo.id)) {
    throw forbidden('change the titolario of this AOO (needs TITOLARIO_MANAGE)');
  }
  await tx.em.findOne(
    TitolarioVersion,
    { id: version.id },
    { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
  );
  return version;
}

export async function managedNode(tx: UnitOfWork, id: string): Promise<TitolarioNode> {
  const node = isUuid(id)
    ? await tx.em.findOne(TitolarioNode, { id, version: visibleVersionsWhere(tx) })
    : null;
  if (!node) throw new NotFoundError('TitolarioNode', id);
  const version = await managedVersionOrNotFound(tx, node.version.id, 'TitolarioNode', id);
  node.version = version;
  return node;
}

export async function managedIndexTerm(tx: UnitOfWork, id: string): Promise<TitolarioIndexTerm> {
  const term = isUuid(id)
    ? await tx.em.findOne(TitolarioIndexTerm, { id, version: visibleVersionsWhere(tx) })
    : null;
  if (!term) throw new NotFoundError('TitolarioIndexTerm', id);
  await managedVersionOrNotFound(tx, term.version.id, 'TitolarioIndexTerm', id);
  return term;
}

/** managedVersion, reporting a hidden version as the missing child record. */
async function managedVersionOrNotFound(
  tx: UnitOfWork,
  versionId: string,
  kind: string,
  id: string,
): Promise<TitolarioVersion> {
  try {
    return await managedVersion(tx, versionId);
  } catch (e) {
    if (e instanceof NotFoundError) throw new NotFoundError(kind, id);
    throw e;
  }
}
