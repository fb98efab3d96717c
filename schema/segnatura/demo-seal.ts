import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { Aoo, DEMO_AOO_CODE } from '../organisation/index.js';
import { storeDevelopmentSeal } from './seal.service.js';

/**
 * How far back the demo seal's certificate is valid: the demo register's registrations are dated
 * over the last weeks (protocollo seeds after this module), and each is sealed at its own time.
 */
const DEMO_SEAL_BACKDATED_MS = 90 * 86_400_000;

/** The demo AOO gets a development seal, so its segnature are sealed from the first registration. */
export async function seedDemoSeal(tx: UnitOfWork): Promise<boolean> {
  const aoo = await tx.em.findOne(Aoo, { code: DEMO_AOO_CODE });
  if (!aoo) return false;
  const rows = await tx.em.execute<unknown[]>('select 1 from segnatura_seal where aoo_id = ?', [aoo.id]);
  if (rows.length > 0) return false;
  await storeDevelopmentSeal(tx, aoo.id, new Date(tx.clock.now().getTime() - DEMO_SEAL_BACKDATED_MS));
  return true;
}
