import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Requires } from '../../../server/auth/access.js';
import type { RequestContext } from '../../../server/context.js';
import { ListSize } from '../../../server/graphql/list-size.js';
import { CONSERVATION_READ } from '../package/index.js';
import {
  ConservationDue,
  ConservationDueFascicoloConnection,
  ConservationDueFascicoloCounts,
  ConservationDueRegisterConnection,
  ConservationDueRegisterCounts,
  conservationDue,
  dueFascicoloCounts,
  dueFascicoloPage,
  dueRegisterCounts,
  dueRegisterPage,
  MAX_DUE_PAGE,
} from './due.js';

@Resolver(() => ConservationDue)
export class ConservationDueResolver {
  @Query(() => ConservationDue, {
    description:
      "The archivist's list of what is due in an AOO, as of today (Europe/Rome): daily registers not yet conserved, fascicoli closed over a year ago without a green package",
  })
  @Requires(CONSERVATION_READ)
  conservationDue(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
  ): ConservationDue {
    return conservationDue(ctx, aooId);
  }

  @FieldResolver(() => ConservationDueRegisterCounts, {
    description: 'The registers not conserved yet, per state',
  })
  @Requires(CONSERVATION_READ)
  dailyRegisterCounts(
    @Root() due: ConservationDue,
    @Ctx() ctx: RequestContext,
  ): Promise<ConservationDueRegisterCounts> {
    return dueRegisterCounts(ctx, due);
  }

  @FieldResolver(() => ConservationDueRegisterConnection, {
    description: `The registers not conserved yet, oldest day first (at most ${MAX_DUE_PAGE} per page)`,
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_DUE_PAGE })
  @Requires(CONSERVATION_READ)
  dailyRegisters(
    @Root() due: ConservationDue,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size (1..${MAX_DUE_PAGE})` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page' })
    after: string | null,
  ): Promise<ConservationDueRegisterConnection> {
    return dueRegisterPage(ctx, due, first, after ?? null) as Promise<ConservationDueRegisterConnection>;
  }

  @FieldResolver(() => ConservationDueFascicoloCounts, {
    description: 'The due fascicoli the caller sees, per where they stand',
  })
  @Requires(CONSERVATION_READ)
  fascicoloCounts(
    @Root() due: ConservationDue,
    @Ctx() ctx: RequestContext,
  ): Promise<ConservationDueFascicoloCounts> {
    return dueFascicoloCounts(ctx, due);
  }

  @FieldResolver(() => ConservationDueFascicoloConnection, {
    description: `The due fascicoli the caller sees (top-level, closed before closedBefore, not green), closed longest ago first (at most ${MAX_DUE_PAGE} per page); each one's conservation field says where it stands`,
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_DUE_PAGE })
  @Requires(CONSERVATION_READ)
  fascicoli(
    @Root() due: ConservationDue,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size (1..${MAX_DUE_PAGE})` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page' })
    after: string | null,
  ): Promise<ConservationDueFascicoloConnection> {
    return dueFascicoloPage(ctx, due, first, after ?? null) as Promise<ConservationDueFascicoloConnection>;
  }
}
