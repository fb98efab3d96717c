import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../../server/context.js';
import { PecDelivery } from './delivery.entity.js';
import { PecReceipt } from './receipt.entity.js';

/** At most this many deliveries listed per record (newest first): sends are repeated rarely. */
export const MAX_DELIVERIES_PER_RECORD = 200;
/** Receipts per delivery: a provider returns two or three; a few more are tolerated. */
export const MAX_RECEIPTS_PER_DELIVERY = 20;

function grouped<T>(rows: readonly T[], keys: readonly string[], keyOf: (row: T) => string[], max: number) {
  const by = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const row of rows) {
    for (const k of keyOf(row)) {
      const list = by.get(k);
      if (list && list.length < max) list.push(row);
    }
  }
  return keys.map((k) => by.get(k) ?? []);
}

/**
 * Per-request batches: the deliveries of records (sent records, and messages about a record
 * such as a Conferma of an arrivo), and the receipts of deliveries. Reached only from a record
 * the caller sees.
 */
export const deliveryLoaders = {
  ofRecord: (ctx: RequestContext) =>
    loader(
      ctx,
      'pec.deliveriesOfRecord',
      () =>
        new DataLoader<string, PecDelivery[]>(async (ids) =>
          grouped(
            await ctx.em.find(
              PecDelivery,
              { $or: [{ recordId: { $in: [...ids] } }, { relatedRecordId: { $in: [...ids] } }] },
              { orderBy: { queuedAt: 'desc', id: 'asc' } },
            ),
            ids,
            (d) => [d.recordId ?? d.relatedRecordId ?? ''],
            MAX_DELIVERIES_PER_RECORD,
          ),
        ),
    ),
  receipts: (ctx: RequestContext) =>
    loader(
      ctx,
      'pec.receiptsOfDelivery',
      () =>
        new DataLoader<string, PecReceipt[]>(async (ids) =>
          grouped(
            await ctx.em.find(
              PecReceipt,
              { deliveryId: { $in: [...ids] } },
              { orderBy: { receivedAt: 'asc', id: 'asc' } },
            ),
            ids,
            (r) => [r.deliveryId ?? ''],
            MAX_RECEIPTS_PER_DELIVERY,
          ),
        ),
    ),
};
