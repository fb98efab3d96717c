import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { AnyAuthenticated, Requires } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import type { ConnectionShape } from '../../server/graphql/connection.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { OrderDirection } from '../../server/graphql/order-direction.js';
import { REPERTORIO_ANNUL, REPERTORIO_MANAGE, REPERTORIO_REGISTER } from './permissions.js';
import { listEntries, MAX_ENTRY_PAGE } from './repertorio-entry-list.js';
import { RepertorioEntryConnection } from './repertorio-entry-list.types.js';
import { RepertorioEntry } from './repertorio-entry.entity.js';
import * as entries from './repertorio-entry.service.js';
import {
  AnnulRepertorioEntryInput,
  CreateRepertorioInput,
  RegisterRepertorioEntryInput,
  RepertorioEntryFilter,
  UpdateRepertorioInput,
} from './repertorio.inputs.js';
import { Repertorio } from './repertorio.entity.js';
import * as repertori from './repertorio.service.js';

@Resolver()
export class RepertorioResolver {
  @Query(() => [Repertorio], {
    description: `The repertori of an AOO the caller belongs to, by code, deactivated ones included (at most ${repertori.MAX_REPERTORI})`,
  })
  @ListSize({ maxItems: repertori.MAX_REPERTORI })
  @AnyAuthenticated()
  repertori(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
  ): Promise<Repertorio[]> {
    return repertori.listRepertori(ctx, aooId);
  }

  @Query(() => Repertorio, { description: 'A repertorio of an AOO the caller belongs to' })
  @AnyAuthenticated()
  repertorio(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Its id' }) id: string,
  ): Promise<Repertorio> {
    return repertori.findVisibleRepertorio(ctx, ctx.em, id);
  }

  @Query(() => RepertorioEntryConnection, {
    description:
      'Entries of a repertorio whose documents the caller may see, a page at a time (Relay connection), newest number first unless direction says otherwise',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_ENTRY_PAGE })
  @AnyAuthenticated()
  repertorioEntries(
    @Ctx() ctx: RequestContext,
    @Arg('repertorioId', () => ID, { description: 'The repertorio' }) repertorioId: string,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size, 1 to ${MAX_ENTRY_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
    after: string | null,
    @Arg('direction', () => OrderDirection, {
      defaultValue: OrderDirection.DESC,
      description: 'Register order (year, number): DESC newest first, ASC from the first entry',
    })
    direction: OrderDirection,
    @Arg('filter', () => RepertorioEntryFilter, {
      nullable: true,
      description: 'Conditions the entries must meet',
    })
    filter: RepertorioEntryFilter | null,
  ): Promise<ConnectionShape<RepertorioEntry>> {
    return listEntries(ctx, repertorioId, { first, after, direction, filter });
  }

  @Query(() => RepertorioEntry, {
    description: 'A repertorio entry whose document the caller may see; every viewing is audited',
  })
  @AnyAuthenticated()
  repertorioEntry(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Its id' }) id: string,
  ): Promise<RepertorioEntry> {
    return entries.readEntry(ctx, id);
  }

  @Mutation(() => Repertorio, { description: 'Create a repertorio in an AOO (its code is never reused)' })
  @Requires(REPERTORIO_MANAGE)
  createRepertorio(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The repertorio' }) input: CreateRepertorioInput,
  ): Promise<Repertorio> {
    return repertori.createRepertorio(ctx, input);
  }

  @Mutation(() => Repertorio, { description: 'Rename a repertorio (its code never changes)' })
  @Requires(REPERTORIO_MANAGE)
  updateRepertorio(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The repertorio' }) id: string,
    @Arg('input', { description: 'The changes' }) input: UpdateRepertorioInput,
  ): Promise<Repertorio> {
    return repertori.updateRepertorio(ctx, id, input);
  }

  @Mutation(() => Repertorio, {
    description:
      'Deactivate a repertorio: nothing more is registered in it, its entries stay; it is never deleted',
  })
  @Requires(REPERTORIO_MANAGE)
  deactivateRepertorio(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The repertorio' }) id: string,
  ): Promise<Repertorio> {
    return repertori.deactivateRepertorio(ctx, id);
  }

  @Mutation(() => RepertorioEntry, {
    description:
      "Register a document in a repertorio: the next number of the repertorio's year, gap-free; number, date and document never change",
  })
  @Requires(REPERTORIO_REGISTER)
  registerRepertorioEntry(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The repertorio and the document' }) input: RegisterRepertorioEntryInput,
  ): Promise<RepertorioEntry> {
    return entries.registerEntry(ctx, input);
  }

  @Mutation(() => RepertorioEntry, {
    description:
      'Annul a repertorio entry with a reason: it stays listed, marked ANNULLATO, its number is not reused',
  })
  @Requires(REPERTORIO_ANNUL)
  annulRepertorioEntry(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The entry and the reason' }) input: AnnulRepertorioEntryInput,
  ): Promise<RepertorioEntry> {
    return entries.annulEntry(ctx, input);
  }
}
