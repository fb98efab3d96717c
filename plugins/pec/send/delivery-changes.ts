import type { RequestContext } from '../../../server/context.js';
import type { EventEnvelope } from '../../../server/events/domain-event.js';
import { filterEvents, mapEvents } from '../../../server/events/event-stream.js';
import { NotFoundError } from '../../../server/errors/domain-error.js';
import {
  refreshSubscriber,
  refreshSubscriberRights,
} from '../../../server/graphql/subscription-event-auth.js';
import { findVisibleRecord } from '../../../schema/protocollo/index.js';
import { PecDelivery } from './delivery.entity.js';
import { PecDeliveryChanged, type PecDeliveryChangedData } from './send.events.js';

/**
 * The committed changes of the deliveries of one record (enqueued, sent, failed, moved by a
 * receipt) for a subscriber who sees the record: checked when subscribing (NOT_FOUND as for a
 * missing record), and again at every event with the subscriber's rights of that moment.
 * Each item is the delivery as committed, read fresh.
 */
export async function deliveryChangeStream(
  ctx: RequestContext,
  recordId: string,
): Promise<AsyncIterableIterator<PecDelivery>> {
  const record = await findVisibleRecord(ctx, ctx.em, recordId);
  const live = ctx.platform.events.subscribe(PecDeliveryChanged) as AsyncIterableIterator<
    EventEnvelope<PecDeliveryChangedData>
  >;
  const mine = filterEvents(live, async (e) => {
    if (e.data.recordId !== record.id && e.data.relatedRecordId !== record.id) return false;
    await refreshSubscriberRights(ctx);
    await refreshSubscriber(ctx);
    try {
      await findVisibleRecord(ctx, ctx.em.fork(), record.id);
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  });
  return mapEvents(mine, async (e) => ctx.em.fork().findOneOrFail(PecDelivery, { id: e.data.deliveryId }));
}
