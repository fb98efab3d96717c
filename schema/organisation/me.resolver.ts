import { Ctx, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { unauthenticated } from '../../server/auth/auth-checker.js';
import { MAX_PERMISSIONS, PermissionEnum } from '../../server/auth/permissions.js';
import type { RequestContext } from '../../server/context.js';
import { User } from './user.entity.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { MAX_AOOS_PER_USER } from './org-limits.js';

@ObjectType({ simpleResolvers: true, description: 'One effective permission of the caller, in one AOO' })
export class EffectiveGrant {
  @Field(() => ID, { description: 'The AOO the permission applies in' })
  @AnyAuthenticated()
  aooId!: string;

  @Field(() => PermissionEnum, { description: 'The permission' })
  @AnyAuthenticated()
  permission!: string;

  @Field(() => [ID], { nullable: true, description: 'The UORs it covers; null means the whole AOO' })
  @AnyAuthenticated()
  uorIds!: string[] | null;
}

@Resolver()
export class MeResolver {
  @Query(() => User, { description: 'The caller' })
  @AnyAuthenticated()
  async me(@Ctx() ctx: RequestContext): Promise<User> {
    const user = ctx.user && (await ctx.em.findOne(User, { id: ctx.user.id }));
    if (!user) throw unauthenticated();
    return user;
  }

  @Query(() => [EffectiveGrant], { description: "The caller's effective permissions, per AOO" })
  @ListSize({ maxItems: MAX_AOOS_PER_USER * MAX_PERMISSIONS })
  @AnyAuthenticated()
  myGrants(@Ctx() ctx: RequestContext): EffectiveGrant[] {
    return ctx.grants.entries().map((g) => ({
      aooId: g.aooId,
      permission: g.permission,
      uorIds: g.scope === 'ALL' ? null : [...g.scope].sort(),
    }));
  }
}
