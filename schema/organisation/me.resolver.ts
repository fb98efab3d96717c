import { Authorized, Ctx, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import { unauthenticated } from '../../server/auth/auth-checker.js';
import { Permission } from '../../server/auth/permission.js';
import type { RequestContext } from '../../server/context.js';
import { User } from './user.entity.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { MAX_AOOS_PER_USER } from './org-limits.js';

@ObjectType({ simpleResolvers: true, description: 'One effective permission of the caller, in one AOO' })
export class EffectiveGrant {
  @Field(() => ID, { description: 'The AOO the permission applies in' })
  @Authorized()
  aooId!: string;

  @Field(() => Permission, { description: 'The permission' })
  @Authorized()
  permission!: Permission;

  @Field(() => [ID], { nullable: true, description: 'The UORs it covers; null means the whole AOO' })
  @Authorized()
  uorIds!: string[] | null;
}

@Resolver()
export class MeResolver {
  @Query(() => User, { description: 'The caller' })
  @Authorized()
  me(@Ctx() ctx: RequestContext): User {
    if (!ctx.user) throw unauthenticated();
    return ctx.user;
  }

  @Query(() => [EffectiveGrant], { description: "The caller's effective permissions, per AOO" })
  @ListSize({ maxItems: MAX_AOOS_PER_USER * Object.keys(Permission).length })
  @Authorized()
  myGrants(@Ctx() ctx: RequestContext): EffectiveGrant[] {
    return ctx.grants.entries().map((g) => ({
      aooId: g.aooId,
      permission: g.permission,
      uorIds: g.scope === 'ALL' ? null : [...g.scope].sort(),
    }));
  }
}
