import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { grouped } from '../../server/graphql/loader-helpers.js';
import type { FascicoloHistoryAction } from './fascicolo-enums.js';
import type { FascicoloHistoryEntry } from './fascicolo-history.types.js';

/** History shown per fascicolo (bounded, for query cost): the latest steps. */
export const MAX_HISTORY = 200;

/** History of each fascicolo (callers pass visible fascicoli only), oldest first. */
export const historyLoader = (ctx: RequestContext) =>
  loader(
    ctx,
    'fascicoli.history',
    () =>
      new DataLoader<string, FascicoloHistoryEntry[]>(async (ids) => {
        const rows = await ctx.em.execute<
          Array<{
            fascicolo_id: string;
            action: FascicoloHistoryAction;
            at: Date;
            reason: string | null;
            actor_id: string | null;
            from_uor_id: string | null;
            to_uor_id: string | null;
            from_rpa_id: string | null;
            to_rpa_id: string | null;
          }>
        >(
          `select * from (select h.*, row_number() over (partition by h.fascicolo_id order by h.seq desc) as rn
              from fascicolo_history h where h.fascicolo_id = any(?::uuid[])) x
            where rn <= ? order by fascicolo_id, seq`,
          [pgArray(ids), MAX_HISTORY],
        );
        return grouped(
          rows.map((r) => ({
            fascicoloId: r.fascicolo_id,
            action: r.action,
            at: new Date(r.at),
            reason: r.reason,
            actorId: r.actor_id,
            fromUorId: r.from_uor_id,
            toUorId: r.to_uor_id,
            fromRpaId: r.from_rpa_id,
            toRpaId: r.to_rpa_id,
          })),
          ids,
          (r) => r.fascicoloId,
        );
      }),
  );
