import type { EntityManager } from '@mikro-orm/postgresql';
import { fascicoliDueBefore } from '../package/fascicoli-due-before.js';

/**
 * Fascicoli of the AOO closed before the cut-off of `now` (fascicoliDueBefore) that no package
 * conserved or carries now (DOMAIN §9: closed fascicoli go to conservation at least yearly).
 * Top-level fascicoli only: a sottofascicolo travels with its fascicolo.
 */
export async function dueFascicoloIds(em: EntityManager, aooId: string, now: Date): Promise<string[]> {
  const rows = await em.execute<Array<{ id: string }>>(
    `select f.id from fascicolo f
      where f.aoo_id = ? and f.parent_id is null and f.state = 'CLOSED'
        and f.closing_date < ?::date
        and not exists (select 1 from conservation_package p
                         where p.fascicolo_id = f.id and p.colour in ('GREEN', 'ORANGE'))
      order by f.closing_date, f.id`,
    [aooId, fascicoliDueBefore(now)],
  );
  return rows.map((r) => r.id);
}
