import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { RequiresOrPlatformAdmin } from '../../server/auth/access.js';
import { ORG_ADMIN, ORG_READ } from './permissions.js';
import type { ConnectionShape } from '../../server/graphql/connection.js';
import { UserConnection } from './org-connections.js';
import { listUsers, MAX_ORG_PAGE } from './org-lists.js';
import type { RequestContext } from '../../server/context.js';
import { Membership } from './membership.entity.js';
import { AddMembershipInput, CreateUserInput, UpdateUserInput } from './organisation.inputs.js';
import { visibleUser } from './org-lookup.js';
import * as users from './user-admin.service.js';
import { User } from './user.entity.js';
import { ListSize } from '../../server/graphql/list-size.js';

@Resolver()
export class UserAdminResolver {
  @Query(() => UserConnection, {
    description:
      'Users of an AOO (members, past members, and users created there), by username, a page at a time',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_ORG_PAGE })
  @RequiresOrPlatformAdmin(ORG_READ, ORG_ADMIN)
  users(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
    @Arg('first', () => Int, { defaultValue: 50, description: `Page size, 1 to ${MAX_ORG_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
    after: string | null,
  ): Promise<ConnectionShape<User>> {
    return listUsers(ctx, aooId, first, after);
  }

  @Query(() => User, { description: 'A user the caller may see' })
  @RequiresOrPlatformAdmin(ORG_READ, ORG_ADMIN)
  user(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Its id' }) id: string,
  ): Promise<User> {
    return visibleUser(ctx, ctx.em, id);
  }

  @Mutation(() => User, {
    description: 'Create a user in an AOO (administrators of the AOO); memberships give rights',
  })
  @RequiresOrPlatformAdmin(ORG_ADMIN)
  createUser(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The user' }) input: CreateUserInput,
  ): Promise<User> {
    return users.createUser(ctx, input);
  }

  @Mutation(() => User, {
    description: "Change a user's names or e-mail (administrators of every AOO the user works in)",
  })
  @RequiresOrPlatformAdmin(ORG_ADMIN)
  updateUser(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The user' }) id: string,
    @Arg('input', { description: 'The changes' }) input: UpdateUserInput,
  ): Promise<User> {
    return users.updateUser(ctx, id, input);
  }

  @Mutation(() => User, {
    description: 'Users are deactivated, never deleted; their tokens stop working at once',
  })
  @RequiresOrPlatformAdmin(ORG_ADMIN)
  deactivateUser(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The user' }) id: string,
  ): Promise<User> {
    return users.setUserActive(ctx, id, false);
  }

  @Mutation(() => User, { description: 'Let a deactivated user sign in again' })
  @RequiresOrPlatformAdmin(ORG_ADMIN)
  reactivateUser(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The user' }) id: string,
  ): Promise<User> {
    return users.setUserActive(ctx, id, true);
  }

  @Mutation(() => Membership, {
    description: 'Give a user a profile in a UOR (administrators of its AOO; never to oneself)',
  })
  @RequiresOrPlatformAdmin(ORG_ADMIN)
  addMembership(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The membership' }) input: AddMembershipInput,
  ): Promise<Membership> {
    return users.addMembership(ctx, input);
  }

  @Mutation(() => Membership, { description: 'End a membership; it stays on record' })
  @RequiresOrPlatformAdmin(ORG_ADMIN)
  endMembership(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The membership' }) id: string,
  ): Promise<Membership> {
    return users.endMembership(ctx, id);
  }
}
