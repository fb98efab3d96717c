import { romeDay } from '../clock.js';
import type { UnitOfWork } from './unit-of-work.js';

/**
 * The same unit of work acting as a user with that user's grants of today: for platform work
 * (the demo seed) that goes through the services as a person would, so their rules and rights
 * apply. Writes stay in the one transaction; per-request loaders start afresh (they depend on
 * the grants); the audit rows keep the unit of work's own origin.
 */
export async function actingAs(tx: UnitOfWork, username: string): Promise<UnitOfWork> {
  const caller = await tx.platform.identity.authenticate(tx.em, { username }, romeDay(tx.clock.now()));
  if (!caller) throw new Error(`user ${username} is unknown or inactive`);
  return { ...tx, user: caller.user, grants: caller.grants, system: false, loaders: new Map() };
}
