import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Requires } from '../../../server/auth/access.js';
import type { RequestContext } from '../../../server/context.js';
import { ListSize } from '../../../server/graphql/list-size.js';
import { CONSERVATION_MANAGE, CONSERVATION_READ, ConservationPackage } from '../package/index.js';
import { ConserveDueFascicoliResult, MAX_DUE_BATCH } from './conserve-due.types.js';
import { ConserveSeriesInput } from './conserve.inputs.js';
import {
  conserveDailyRegister,
  conserveDueFascicoli,
  conserveFascicolo,
  conserveSeries,
  resendConservationPackage,
} from './conserve.service.js';
import { readablePackage } from './package-access.js';
import { ConservationPackageChange, packageChangeStream } from './package-changes.js';
import {
  ConservationPackageConnection,
  ConservationPackageFilter,
  MAX_PACKAGE_PAGE,
  packagePage,
} from './package-list.js';

@Resolver()
export class ConservationPackageResolver {
  @Query(() => ConservationPackageConnection, {
    description: `The conservation packages of an AOO, newest first, filtered (at most ${MAX_PACKAGE_PAGE} per page)`,
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_PACKAGE_PAGE })
  @Requires(CONSERVATION_READ)
  conservationPackages(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
    @Arg('filter', () => ConservationPackageFilter, { nullable: true, description: 'Which packages' })
    filter: ConservationPackageFilter | null,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size (1..${MAX_PACKAGE_PAGE})` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page' })
    after: string | null,
  ): Promise<ConservationPackageConnection> {
    return packagePage(
      ctx,
      aooId,
      filter ?? null,
      first,
      after ?? null,
    ) as Promise<ConservationPackageConnection>;
  }

  @Query(() => ConservationPackage, {
    description: 'A conservation package of an AOO whose desk the caller reads',
  })
  @Requires(CONSERVATION_READ)
  conservationPackage(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The package' }) id: string,
  ): Promise<ConservationPackage> {
    return readablePackage(ctx, id);
  }

  @Mutation(() => ConservationPackage, {
    description:
      'Send a closed fascicolo (with its sottofascicoli and every document filed in them not yet conserved) to conservation as one package. CONSERVATION_FASCICOLO_NOT_CLOSED, CONSERVATION_EMPTY_PACKAGE, CONSERVATION_IN_PROGRESS',
  })
  @Requires(CONSERVATION_MANAGE)
  conserveFascicolo(
    @Ctx() ctx: RequestContext,
    @Arg('fascicoloId', () => ID, { description: 'The closed fascicolo' }) fascicoloId: string,
  ): Promise<ConservationPackage> {
    return conserveFascicolo(ctx, fascicoloId);
  }

  @Mutation(() => ConservationPackage, {
    description:
      'Send registered documents the archivist chose (a series: contratti, delibere, registered mail…) as one package. CONSERVATION_UNIT_NOT_READY, CONSERVATION_ALREADY_CONSERVED, CONSERVATION_IN_PROGRESS, CONSERVATION_EMPTY_PACKAGE',
  })
  @Requires(CONSERVATION_MANAGE)
  conserveSeries(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => ConserveSeriesInput, { description: 'The AOO, the label and the documents' })
    input: ConserveSeriesInput,
  ): Promise<ConservationPackage> {
    return conserveSeries(ctx, input);
  }

  @Mutation(() => ConservationPackage, {
    description:
      'Send a daily register now (the transfer sends every produced register by itself). CONSERVATION_ALREADY_CONSERVED, CONSERVATION_IN_PROGRESS',
  })
  @Requires(CONSERVATION_MANAGE)
  conserveDailyRegister(
    @Ctx() ctx: RequestContext,
    @Arg('dailyRegisterId', () => ID, { description: 'The daily register' }) dailyRegisterId: string,
  ): Promise<ConservationPackage> {
    return conserveDailyRegister(ctx, dailyRegisterId);
  }

  @Mutation(() => ConservationPackage, {
    description:
      'Resend a rejected (red) package whose transfer has finished: a new package with its rejected documents, corrected meanwhile. CONSERVATION_PACKAGE_NOT_RED',
  })
  @Requires(CONSERVATION_MANAGE)
  resendConservationPackage(
    @Ctx() ctx: RequestContext,
    @Arg('packageId', () => ID, { description: 'The red package' }) packageId: string,
  ): Promise<ConservationPackage> {
    return resendConservationPackage(ctx, packageId);
  }

  @Mutation(() => ConserveDueFascicoliResult, {
    description: `Send every due fascicolo of the AOO (closed over a year ago, not conserved), oldest first, one package each (the resend of a rejected one); those waiting or refused are listed with their reason. At most ${MAX_DUE_BATCH} per call`,
  })
  @Requires(CONSERVATION_MANAGE)
  conserveDueFascicoli(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
  ): Promise<ConserveDueFascicoliResult> {
    return conserveDueFascicoli(ctx, aooId);
  }

  @Subscription(() => ConservationPackageChange, {
    description:
      "The committed changes of the AOO's conservation packages (created, turned green or red), each checked with the subscriber's rights of that moment",
    subscribe: ({ args, context }) =>
      packageChangeStream(context as RequestContext, (args as { aooId: string }).aooId),
  })
  @Requires(CONSERVATION_READ)
  conservationPackageChanged(
    @Root() change: ConservationPackageChange,
    @Arg('aooId', () => ID, { description: 'The AOO' }) _aooId: string,
  ): ConservationPackageChange {
    return change;
  }
}
