import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { AnyAuthenticated } from '../../../server/auth/access.js';
import type { RequestContext } from '../../../server/context.js';
import type { EventEnvelope } from '../../../server/events/domain-event.js';
import { filterEvents, mapEvents } from '../../../server/events/event-stream.js';
import { NotFoundError } from '../../../server/errors/domain-error.js';
import {
  refreshSubscriber,
  refreshSubscriberRights,
} from '../../../server/graphql/subscription-event-auth.js';
import { rightsOnOne } from '../mailbox/mailbox-access.js';
import { findSeenMailbox } from '../mailbox/mailbox.service.js';
import { PecMessageState } from '../mailbox/pec-enums.js';
import {
  PecMessageDiscarded,
  PecMessageReceived,
  PecMessageRegistered,
  type PecMessageEventData,
} from './pec-events.js';

export enum PecMailboxChangeKind {
  RECEIVED = 'RECEIVED',
  REGISTERED = 'REGISTERED',
  DISCARDED = 'DISCARDED',
}

registerEnumType(PecMailboxChangeKind, {
  name: 'PecMailboxChangeKind',
  description: 'What happened to a message of a mailbox',
  valuesConfig: {
    RECEIVED: { description: 'A new message (or receipt) was stored' },
    REGISTERED: { description: 'A message was registered in the protocol' },
    DISCARDED: { description: 'A message was discarded' },
  },
});

const CHANGES: Record<string, PecMailboxChangeKind> = {
  [PecMessageReceived.topic]: PecMailboxChangeKind.RECEIVED,
  [PecMessageRegistered.topic]: PecMailboxChangeKind.REGISTERED,
  [PecMessageDiscarded.topic]: PecMailboxChangeKind.DISCARDED,
};

@ObjectType({ simpleResolvers: true, description: 'A committed change of a message of a mailbox' })
@AnyAuthenticated()
export class PecMailboxChange {
  @Field(() => PecMailboxChangeKind, { description: 'What happened' })
  change!: PecMailboxChangeKind;

  @Field(() => ID, { description: 'The mailbox' })
  mailboxId!: string;

  @Field(() => ID, { description: 'The message (pecMessage gives it)' })
  messageId!: string;

  @Field(() => PecMessageState, { description: 'Its state after the change' })
  state!: PecMessageState;

  @Field(() => ID, { nullable: true, description: 'The registration, once registered' })
  recordId!: string | null;

  @Field({ description: 'When the change was made' })
  at!: Date;
}

/**
 * The changes of one mailbox for a subscriber holding READ on it: checked when subscribing
 * (NOT_FOUND as for a missing mailbox), and again at every event with the subscriber's rights
 * of that moment (a grant taken away stops the deliveries).
 */
export async function mailboxChangeStream(
  ctx: RequestContext,
  mailboxId: string,
): Promise<AsyncIterableIterator<PecMailboxChange>> {
  const mailbox = await findSeenMailbox(ctx, mailboxId);
  if (!(await rightsOnOne(ctx, mailbox)).read) throw new NotFoundError('PecMailbox', mailboxId);
  const target = { id: mailbox.id, aooId: mailbox.aooId };
  const live = ctx.platform.events.subscribe(
    PecMessageReceived,
    PecMessageRegistered,
    PecMessageDiscarded,
  ) as AsyncIterableIterator<EventEnvelope<PecMessageEventData>>;
  const mine = filterEvents(live, async (e) => {
    if (e.data.mailboxId !== target.id) return false;
    await refreshSubscriberRights(ctx);
    await refreshSubscriber(ctx);
    return (await rightsOnOne(ctx, target)).read;
  });
  return mapEvents(mine, (e) =>
    Promise.resolve<PecMailboxChange>({
      change: CHANGES[e.topic] ?? PecMailboxChangeKind.RECEIVED,
      mailboxId: e.data.mailboxId,
      messageId: e.data.messageId,
      state: e.data.state,
      recordId: e.data.recordId,
      at: new Date(e.data.at),
    }),
  );
}
