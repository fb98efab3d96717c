import type { RequestContext } from '../../server/context.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { TitolarioVersionState } from './titolario-enums.js';
import { TitolarioVersion } from './titolario-version.entity.js';

/**
 * The published version of an AOO in force on a Europe/Rome day: the one with the latest
 * validFrom not after it (each starts where the previous ends, so exactly one, or none before
 * the first).
 */
export async function versionInForce(
  em: EntityManager,
  aooId: string,
  day: string,
): Promise<TitolarioVersion | null> {
  return em.findOne(
    TitolarioVersion,
    { aoo: aooId, state: TitolarioVersionState.PUBLISHED, validFrom: { $lte: day } },
    { orderBy: { validFrom: 'desc' } },
  );
}

/** Whether the caller may read the titolario of an AOO: any member of it (or a platform administrator). */
export function canReadTitolario(ctx: RequestContext, aooId: string): boolean {
  return ctx.user !== null && (ctx.user.platformAdmin || ctx.grants.aooIds().includes(aooId));
}
