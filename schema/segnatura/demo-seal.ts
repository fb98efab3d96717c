import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { Aoo, DEMO_AOO_CODE } from '../organisation/index.js';
import { storeDevelopmentSeal } from './seal.service.js';

/** The demo AOO gets a development seal, so its segnature are sealed from the first registration. */
export async function seedDemoSeal(tx: UnitOfWork): Promise<boolean> {
  const aoo = await tx.em.findOne(Aoo, { code: DEMO_AOO_CODE });
  if (!aoo) return false;
  const rows = await tx.em.execute<unknown[]>('select 1 from segnatura_seal where aoo_id = ?', [aoo.id]);
  if (rows.length > 0) return false;
  await storeDevelopmentSeal(tx, aoo.id);
  return true;
}
