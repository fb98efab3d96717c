import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Acl } from '../../server/auth/acl.js';
import { ORG_ADMIN } from './permissions.js';
import type { RequestContext } from '../../server/context.js';
import { Administration } from './administration.entity.js';
import { Aoo } from './aoo.entity.js';
import { Membership } from './membership.entity.js';
import { orgLoaders } from './org-loaders.js';
import { canReadOrg } from './org-visibility.js';
import {
  MAX_ACTIVE_MEMBERS_PER_UOR,
  MAX_AOOS_PER_ADMINISTRATION,
  MAX_MEMBERSHIPS_PER_USER,
  MAX_UORS_PER_AOO,
} from './org-limits.js';
import { Uor } from './uor.entity.js';
import { User } from './user.entity.js';
import { ListSize } from '../../server/graphql/list-size.js';

/**
 * Nested organisation fields. Each goes through a per-request DataLoader and the same row
 * visibility as the root queries: a nested path never shows more than a root query would.
 */
async function present<T>(value: Promise<T | null>, what: string): Promise<T> {
  const v = await value;
  // The parent is visible, so its AOO-level relations are too; reaching here means a broken invariant.
  if (v === null) throw new Error(`${what} not visible although its parent is`);
  return v;
}

@Resolver(() => Administration)
export class AdministrationFieldsResolver {
  @FieldResolver(() => [Aoo], {
    description: `The AOOs of the administration the caller sees (at most ${MAX_AOOS_PER_ADMINISTRATION})`,
  })
  @ListSize({ maxItems: MAX_AOOS_PER_ADMINISTRATION })
  @AnyAuthenticated()
  aoos(@Root() administration: Administration, @Ctx() ctx: RequestContext): Promise<Aoo[]> {
    return orgLoaders.aoosOfAdministration(ctx).load(administration.id);
  }
}

@Resolver(() => Aoo)
export class AooFieldsResolver {
  @FieldResolver(() => Administration, { description: 'The administration the AOO belongs to' })
  @AnyAuthenticated()
  administration(@Root() aoo: Aoo, @Ctx() ctx: RequestContext): Promise<Administration> {
    return present(orgLoaders.administration(ctx).load(aoo.administration.id), 'administration');
  }

  @FieldResolver(() => [Uor], {
    description: `All UORs of the AOO, at most ${MAX_UORS_PER_AOO} (empty without ORG_READ)`,
  })
  @ListSize({ maxItems: MAX_UORS_PER_AOO })
  @AnyAuthenticated()
  async uors(@Root() aoo: Aoo, @Ctx() ctx: RequestContext): Promise<Uor[]> {
    return canReadOrg(ctx, aoo.id) ? orgLoaders.uorsOfAoo(ctx).load(aoo.id) : [];
  }

  @FieldResolver(() => User, { nullable: true, description: 'Responsabile della Gestione Documentale' })
  @AnyAuthenticated()
  rgd(@Root() aoo: Aoo, @Ctx() ctx: RequestContext): Promise<User | null> {
    return aoo.rgd ? orgLoaders.user(ctx).load(aoo.rgd.id) : Promise.resolve(null);
  }
}

@Resolver(() => Uor)
export class UorFieldsResolver {
  @FieldResolver(() => Aoo, { description: 'The AOO the office belongs to' })
  @AnyAuthenticated()
  aoo(@Root() uor: Uor, @Ctx() ctx: RequestContext): Promise<Aoo> {
    return present(orgLoaders.aoo(ctx).load(uor.aoo.id), 'aoo');
  }

  @FieldResolver(() => Uor, {
    nullable: true,
    description: 'The office above it; null for a top-level office',
  })
  @AnyAuthenticated()
  parent(@Root() uor: Uor, @Ctx() ctx: RequestContext): Promise<Uor | null> {
    return uor.parent ? orgLoaders.uor(ctx).load(uor.parent.id) : Promise.resolve(null);
  }

  @FieldResolver(() => [Uor], { description: 'The UORs directly below this one' })
  @ListSize({ maxItems: MAX_UORS_PER_AOO })
  @AnyAuthenticated()
  async children(@Root() uor: Uor, @Ctx() ctx: RequestContext): Promise<Uor[]> {
    return canReadOrg(ctx, uor.aoo.id) ? orgLoaders.childrenOfUor(ctx).load(uor.id) : [];
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'The head of the office; null when none is set or the caller cannot see the user',
  })
  @AnyAuthenticated()
  head(@Root() uor: Uor, @Ctx() ctx: RequestContext): Promise<User | null> {
    return uor.head ? orgLoaders.user(ctx).load(uor.head.id) : Promise.resolve(null);
  }

  @FieldResolver(() => [Membership], {
    description: `Active memberships, at most ${MAX_ACTIVE_MEMBERS_PER_UOR}`,
  })
  @ListSize({ maxItems: MAX_ACTIVE_MEMBERS_PER_UOR })
  @AnyAuthenticated()
  async memberships(@Root() uor: Uor, @Ctx() ctx: RequestContext): Promise<Membership[]> {
    return canReadOrg(ctx, uor.aoo.id) ? orgLoaders.membershipsOfUor(ctx).load(uor.id) : [];
  }
}

@Resolver(() => User)
export class UserFieldsResolver {
  @FieldResolver(() => [Membership], {
    description: `Memberships, including ended ones, in AOOs the caller may read (at most ${MAX_MEMBERSHIPS_PER_USER})`,
  })
  @ListSize({ maxItems: MAX_MEMBERSHIPS_PER_USER })
  @AnyAuthenticated()
  memberships(@Root() user: User, @Ctx() ctx: RequestContext): Promise<Membership[]> {
    return orgLoaders.membershipsOfUser(ctx).load(user.id);
  }

  @FieldResolver(() => String, { nullable: true, description: "The identity provider's subject of the user" })
  @AnyAuthenticated()
  @Acl<User>(ORG_ADMIN, async (ctx, user) => {
    if (ctx.user?.id === user.id || ctx.user?.platformAdmin === true) return true;
    // An administrator of one of the AOOs the user works in, not of any AOO.
    const aoos = await orgLoaders.governingAoos(ctx).load(user.id);
    return aoos.some((aooId) => ctx.grants.has(ORG_ADMIN, aooId));
  })
  subject(@Root() user: User): string {
    return user.subject;
  }
}

@Resolver(() => Membership)
export class MembershipFieldsResolver {
  @FieldResolver(() => User, { description: 'The member' })
  @AnyAuthenticated()
  user(@Root() m: Membership, @Ctx() ctx: RequestContext): Promise<User> {
    return present(orgLoaders.user(ctx).load(m.user.id), 'user');
  }

  @FieldResolver(() => Uor, { description: 'The office' })
  @AnyAuthenticated()
  uor(@Root() m: Membership, @Ctx() ctx: RequestContext): Promise<Uor> {
    return present(orgLoaders.uor(ctx).load(m.uor.id), 'uor');
  }
}
