import { Field, ID, ObjectType } from 'type-graphql';
import { Requires } from '../../../server/auth/access.js';
import type { RequestContext } from '../../../server/context.js';
import type { EventEnvelope } from '../../../server/events/domain-event.js';
import { filterEvents, mapEvents } from '../../../server/events/event-stream.js';
import { refreshSubscriberRights } from '../../../server/graphql/subscription-event-auth.js';
import {
  CONSERVATION_READ,
  ConservationColour,
  ConservationPackageChanged,
  PackageKind,
} from '../package/index.js';
import { readsConservation, requireConservationRead } from './package-access.js';

@ObjectType({ simpleResolvers: true, description: 'A package was created or its colour changed (committed)' })
@Requires(CONSERVATION_READ)
export class ConservationPackageChange {
  @Field(() => ID, { description: 'The package (conservationPackage gives it)' })
  packageId!: string;

  @Field(() => ID, { description: 'Its AOO' })
  aooId!: string;

  @Field(() => PackageKind, { description: 'What it transfers' })
  kind!: PackageKind;

  @Field(() => ConservationColour, { description: 'Its colour after the change' })
  colour!: ConservationColour;

  @Field(() => ID, { nullable: true, description: 'The fascicolo it transfers (FASCICOLO)' })
  fascicoloId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The daily register it transfers (DAILY_REGISTER)' })
  dailyRegisterId!: string | null;

  @Field({ description: 'When the change committed' })
  at!: Date;
}

type PackageChangedData = ConservationPackageChanged extends { data: infer D } ? D : never;

/**
 * The package changes of one AOO for a subscriber holding CONSERVATION_READ there: checked when
 * subscribing (NOT_FOUND as for a missing AOO), and at every event with the subscriber's rights
 * of that moment (a profile taken away stops the deliveries).
 */
export function packageChangeStream(
  ctx: RequestContext,
  aooId: string,
): AsyncIterableIterator<ConservationPackageChange> {
  requireConservationRead(ctx, aooId);
  const live = ctx.platform.events.subscribe(ConservationPackageChanged) as AsyncIterableIterator<
    EventEnvelope<PackageChangedData>
  >;
  const mine = filterEvents(live, async (e) => {
    if (e.data.aooId !== aooId) return false;
    await refreshSubscriberRights(ctx);
    return readsConservation(ctx, aooId);
  });
  return mapEvents(mine, (e) =>
    Promise.resolve<ConservationPackageChange>({
      packageId: e.data.packageId,
      aooId: e.data.aooId,
      kind: e.data.kind,
      colour: e.data.colour,
      fascicoloId: e.data.fascicoloId,
      dailyRegisterId: e.data.dailyRegisterId,
      at: new Date(e.origin.at),
    }),
  );
}
