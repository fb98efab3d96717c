import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { ProtocolRecord } from './protocol-record.entity.js';
import {
  MAX_CATCH_UP,
  protocolRegisteredStream,
  type RegistrationDelivery,
} from './protocol-registered-stream.js';
import { ProtocolRegistration } from './protocol-registered.types.js';

@Resolver()
export class ProtocolRegisteredResolver {
  @Subscription(() => ProtocolRegistration, {
    description:
      'Registrations in the protocol register of an AOO as they are committed (on any replica), limited to the records the subscriber may see at the time of each event; with `since`, first those registered after it (catch-up after a reconnection)',
    subscribe: ({ args, context }) => {
      const { aooId, since } = args as { aooId: string; since?: Date | null };
      return protocolRegisteredStream(context as RequestContext, aooId, since ?? null);
    },
  })
  @AnyAuthenticated()
  protocolRegistered(
    @Root() delivery: RegistrationDelivery,
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO whose register to follow' }) _aooId: string,
    @Arg('since', () => Date, {
      nullable: true,
      description: `Replay first the registrations after this moment, in register order (at most ${MAX_CATCH_UP}, else PROTOCOL_CATCH_UP_TOO_LARGE): pass the record.registeredAt of the last registration received`,
    })
    _since: Date | null,
  ): ProtocolRegistration {
    // Each subscription maps its own entity: the row may be shared by a user's subscriptions.
    return { occurredAt: delivery.occurredAt, record: ctx.em.map(ProtocolRecord, { ...delivery.row }) };
  }
}
