import type { RequestContext } from '../../../server/context.js';
import { NotFoundError } from '../../../server/errors/domain-error.js';
import { isUuid } from '../../../server/errors/input-checks.js';
import {
  CONSERVATION_MANAGE,
  CONSERVATION_READ,
  ConservationItem,
  ConservationPackage,
} from '../package/index.js';

/** Reads the AOO's conservation desk: CONSERVATION_READ there. */
export function readsConservation(ctx: RequestContext, aooId: string): boolean {
  return ctx.user !== null && isUuid(aooId) && ctx.grants.has(CONSERVATION_READ, aooId);
}

/** Builds packages in the AOO: CONSERVATION_MANAGE there. */
export function managesConservation(ctx: RequestContext, aooId: string): boolean {
  return ctx.user !== null && isUuid(aooId) && ctx.grants.has(CONSERVATION_MANAGE, aooId);
}

/**
 * The AOO's desk, or NOT_FOUND as for an AOO that does not exist: a caller without the right
 * learns nothing of another AOO's packages.
 */
export function requireConservationRead(ctx: RequestContext, aooId: string): void {
  if (!readsConservation(ctx, aooId)) throw new NotFoundError('Aoo', aooId);
}

export function requireConservationManage(ctx: RequestContext, aooId: string): void {
  if (!managesConservation(ctx, aooId)) throw new NotFoundError('Aoo', aooId);
}

/** A package of an AOO whose desk the caller reads; NOT_FOUND otherwise, exactly like a missing id. */
export async function readablePackage(ctx: RequestContext, id: string): Promise<ConservationPackage> {
  const pkg = isUuid(id) ? await ctx.em.findOne(ConservationPackage, { id }) : null;
  if (!pkg || !readsConservation(ctx, pkg.aooId)) throw new NotFoundError('ConservationPackage', id);
  return pkg;
}

/** An item of an AOO whose desk the caller reads; NOT_FOUND otherwise. */
export async function readableItem(ctx: RequestContext, id: string): Promise<ConservationItem> {
  const item = isUuid(id) ? await ctx.em.findOne(ConservationItem, { id }) : null;
  if (!item || !readsConservation(ctx, item.aooId)) throw new NotFoundError('ConservationItem', id);
  return item;
}
