import { auditRead } from '../../server/audit/audit-log.js';
import type { RequestContext } from '../../server/context.js';
import type { EventEnvelope } from '../../server/events/domain-event.js';
import { DomainError } from '../../server/errors/domain-error.js';
import { refreshSubscriber, refreshSubscriberRights } from '../../server/graphql/subscription-event-auth.js';
import { visibleAoo } from '../organisation/index.js';
import { ProtocolRegistered } from './protocollo-events.js';
import { recordVisibilitySql } from './protocol-visibility.js';
import { visibleRecordRow, type RecordRow } from './protocol-visibility-batch.js';

/** At most this many registrations are replayed on reconnection; a longer absence is a query's work. */
export const MAX_CATCH_UP = 1000;

type RegisteredData = ProtocolRegistered['data'];

/** A registration the subscriber may see, as read with the subscriber's rights: ready to deliver. */
export interface RegistrationDelivery {
  recordId: string;
  occurredAt: Date;
  /** The protocol_record row (mapped into the subscriber's EntityManager by the resolver). */
  row: RecordRow;
}

/**
 * The registrations of the AOO after `since` that the subscriber may see now, in registration
 * order (registration times follow the numbers within an AOO), at most MAX_CATCH_UP: a longer
 * backlog is refused with PROTOCOL_CATCH_UP_TOO_LARGE rather than cut short without a word.
 */
async function catchUp(ctx: RequestContext, aooId: string, since: Date): Promise<RegistrationDelivery[]> {
  const v = recordVisibilitySql(ctx);
  const rows = await ctx.em.execute<RecordRow[]>(
    `select r.* from protocol_record r
      where r.aoo_id = ? and r.registered_at > ? and ${v.sql}
      order by r.registered_at, r.year, r.number limit ?`,
    [aooId, since, ...v.params, MAX_CATCH_UP + 1],
  );
  if (rows.length > MAX_CATCH_UP) {
    throw new DomainError(
      'PROTOCOL_CATCH_UP_TOO_LARGE',
      `since: more than ${MAX_CATCH_UP} registrations to replay; read them with protocolRecords (orderBy: ASC), then subscribe with since = the registeredAt of the last one`,
      { field: 'since', maxCatchUp: MAX_CATCH_UP },
    );
  }
  const deliveries = rows.map((row) => ({
    recordId: String(row['id']),
    occurredAt: new Date(row['registered_at'] as string | Date),
    row,
  }));
  if (deliveries.length > 0) {
    await auditRead(ctx, {
      aooId,
      operation: 'protocolRegistered.catchUp',
      targetType: 'ProtocolRecord',
      targetId: null,
      changes: { since: since.toISOString(), ids: deliveries.map((d) => d.recordId) },
    });
  }
  return deliveries;
}

/**
 * The registrations of one AOO as they are committed (on any replica), each checked with the
 * subscriber's rights of that moment (reloaded first: a revoked membership, a deactivation); an
 * AOO the subscriber cannot see is refused at once. With `since`, the ones registered after it
 * come first: the live feed is listened to before they are read, what it brings meanwhile
 * waits, and a registration both read and heard is delivered once.
 */
export async function protocolRegisteredStream(
  ctx: RequestContext,
  aooId: string,
  since: Date | null,
): Promise<AsyncIterableIterator<RegistrationDelivery>> {
  await visibleAoo(ctx, ctx.em, aooId);
  const live = (
    ctx.platform.events.subscribe(ProtocolRegistered) as AsyncIterable<EventEnvelope<RegisteredData>>
  )[Symbol.asyncIterator]();
  if (since === null) return liveFeed(ctx, aooId, live, [], undefined);
  // Asking for the first event starts the listener; until it is taken, later events queue.
  const first = live.next();
  first.catch(() => undefined);
  try {
    await refreshSubscriber(ctx);
    return liveFeed(ctx, aooId, live, await catchUp(ctx, aooId, since), first);
  } catch (e) {
    await live.return?.();
    throw e;
  }
}

/**
 * Not an async generator: a generator suspended waiting for the next event cannot be stopped,
 * so an unsubscribed client would keep its listener until the next event; return() ends it now.
 */
function liveFeed(
  ctx: RequestContext,
  aooId: string,
  live: AsyncIterator<EventEnvelope<RegisteredData>>,
  replay: RegistrationDelivery[],
  waiting: Promise<IteratorResult<EventEnvelope<RegisteredData>>> | undefined,
): AsyncIterableIterator<RegistrationDelivery> {
  const replayed = new Set(replay.map((d) => d.recordId));
  let held = waiting;
  let done = false;
  const finished: IteratorReturnResult<undefined> = { done: true, value: undefined };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<RegistrationDelivery>> {
      const queued = replay.shift();
      if (queued) return { done: false, value: queued };
      while (!done) {
        const result = await (held ?? live.next());
        held = undefined;
        if (result.done) break;
        const { data, origin } = result.value;
        if (data.aooId !== aooId) continue;
        // Committed while the catch-up was read: already delivered from there.
        if (replayed.delete(data.recordId)) continue;
        // Rights only: most subscribers get nothing, and the one delivered is resolved after the
        // full refresh (refreshCallerPerEvent, on the Subscription root fields).
        await refreshSubscriberRights(ctx);
        const row = await visibleRecordRow(ctx, data.recordId);
        if (row)
          return { done: false, value: { recordId: data.recordId, occurredAt: new Date(origin.at), row } };
      }
      done = true;
      return finished;
    },
    async return(): Promise<IteratorResult<RegistrationDelivery>> {
      done = true;
      replay.length = 0;
      await live.return?.();
      return finished;
    },
  };
}
