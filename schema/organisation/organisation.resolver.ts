import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { PlatformAdmin, RequiresOrPlatformAdmin } from '../../server/auth/access.js';
import { ORG_ADMIN, ORG_READ } from './permissions.js';
import type { RequestContext } from '../../server/context.js';
import { Administration } from './administration.entity.js';
import { Aoo } from './aoo.entity.js';
import {
  CreateAdministrationInput,
  CreateAooInput,
  CreateUorInput,
  UpdateAdministrationInput,
  UpdateAooInput,
  UpdateUorInput,
} from './organisation.inputs.js';
import { visibleAdministration, visibleAoo, visibleUor } from './org-lookup.js';
import * as structure from './org-structure.service.js';
import { listAdministrations, listMyAoos, MAX_ORG_PAGE } from './org-lists.js';
import { AdministrationConnection } from './org-connections.js';
import type { ConnectionShape } from '../../server/graphql/connection.js';
import { Uor } from './uor.entity.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { MAX_AOOS_PER_USER } from './org-limits.js';

@Resolver()
export class OrganisationResolver {
  @Query(() => AdministrationConnection, {
    description:
      'Administrations the caller may see, by IPA code, a page at a time: those of the AOOs where the caller holds a grant, or all of them for a platform administrator',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_ORG_PAGE })
  @RequiresOrPlatformAdmin(ORG_READ, ORG_ADMIN)
  administrations(
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 50, description: `Page size, 1 to ${MAX_ORG_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
    after: string | null,
  ): Promise<ConnectionShape<Administration>> {
    return listAdministrations(ctx, first, after);
  }

  @Query(() => Administration, { description: 'An administration the caller may see' })
  @RequiresOrPlatformAdmin(ORG_READ, ORG_ADMIN)
  administration(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Its id' }) id: string,
  ): Promise<Administration> {
    return visibleAdministration(ctx, ctx.em, id);
  }

  @Query(() => [Aoo], {
    description:
      'AOOs in which the caller holds a grant, by code (other AOOs a platform administrator reaches through administrations)',
  })
  @ListSize({ maxItems: MAX_AOOS_PER_USER })
  @RequiresOrPlatformAdmin(ORG_READ, ORG_ADMIN)
  aoos(@Ctx() ctx: RequestContext): Promise<Aoo[]> {
    return listMyAoos(ctx);
  }

  @Query(() => Aoo, {
    description:
      'An AOO the caller may see (one where they hold a grant, or any for a platform administrator)',
  })
  @RequiresOrPlatformAdmin(ORG_READ, ORG_ADMIN)
  aoo(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'Its id' }) id: string): Promise<Aoo> {
    return visibleAoo(ctx, ctx.em, id);
  }

  @Query(() => Uor, { description: 'A UOR of an AOO whose structure the caller reads' })
  @RequiresOrPlatformAdmin(ORG_READ, ORG_ADMIN)
  uor(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'Its id' }) id: string): Promise<Uor> {
    return visibleUor(ctx, ctx.em, id);
  }

  @Mutation(() => Administration, { description: 'Record a public body (platform administrators)' })
  @PlatformAdmin()
  createAdministration(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The administration' }) input: CreateAdministrationInput,
  ): Promise<Administration> {
    return structure.createAdministration(ctx, input);
  }

  @Mutation(() => Administration, {
    description: "Change an administration's name or codice fiscale (platform administrators)",
  })
  @PlatformAdmin()
  updateAdministration(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The administration' }) id: string,
    @Arg('input', { description: 'The changes' }) input: UpdateAdministrationInput,
  ): Promise<Administration> {
    return structure.updateAdministration(ctx, id, input);
  }

  @Mutation(() => Aoo, { description: 'Record an AOO of an administration (platform administrators)' })
  @PlatformAdmin()
  createAoo(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The AOO' }) input: CreateAooInput,
  ): Promise<Aoo> {
    return structure.createAoo(ctx, input);
  }

  @Mutation(() => Aoo, { description: 'Change an AOO: name, PEC address, RGD (administrators of the AOO)' })
  @RequiresOrPlatformAdmin(ORG_ADMIN)
  updateAoo(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The AOO' }) id: string,
    @Arg('input', { description: 'The changes' }) input: UpdateAooInput,
  ): Promise<Aoo> {
    return structure.updateAoo(ctx, id, input);
  }

  @Mutation(() => Uor, { description: 'Create an office in an AOO (administrators of the AOO)' })
  @RequiresOrPlatformAdmin(ORG_ADMIN)
  createUor(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The office' }) input: CreateUorInput,
  ): Promise<Uor> {
    return structure.createUor(ctx, input);
  }

  @Mutation(() => Uor, {
    description: 'Change an office: name, e-mail, head, place in the tree (administrators of its AOO)',
  })
  @RequiresOrPlatformAdmin(ORG_ADMIN)
  updateUor(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The office' }) id: string,
    @Arg('input', { description: 'The changes' }) input: UpdateUorInput,
  ): Promise<Uor> {
    return structure.updateUor(ctx, id, input);
  }

  @Mutation(() => Uor, { description: 'Close a UOR from a date (default today); it is never deleted' })
  @RequiresOrPlatformAdmin(ORG_ADMIN)
  deactivateUor(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The office' }) id: string,
    @Arg('activeTo', () => String, {
      nullable: true,
      description: 'Its last day (YYYY-MM-DD); default today',
    })
    activeTo?: string | null,
  ): Promise<Uor> {
    return structure.deactivateUor(ctx, id, activeTo);
  }
}
