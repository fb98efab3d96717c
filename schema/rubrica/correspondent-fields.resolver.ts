import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { Aoo, orgLoaders, User } from '../organisation/index.js';
import { Correspondent, CorrespondentVersion } from './correspondent.types.js';
import { versionsLoader } from './correspondent-loaders.js';

export const MAX_VERSIONS_PAGE = 100;

/** Nested fields of an entry, which reaches here only through directory visibility. */
@Resolver(() => Correspondent)
export class CorrespondentFieldsResolver {
  @FieldResolver(() => Aoo, { nullable: true, description: 'The AOO whose directory holds it' })
  @AnyAuthenticated()
  aoo(@Root() c: Correspondent, @Ctx() ctx: RequestContext): Promise<Aoo | null> {
    return orgLoaders.aoo(ctx).load(c.aooId);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who inserted it; null when the caller cannot see that user',
  })
  @AnyAuthenticated()
  createdBy(@Root() c: Correspondent, @Ctx() ctx: RequestContext): Promise<User | null> {
    return orgLoaders.user(ctx).load(c.createdById);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who made its current version; null when the caller cannot see that user',
  })
  @AnyAuthenticated()
  updatedBy(@Root() c: Correspondent, @Ctx() ctx: RequestContext): Promise<User | null> {
    return orgLoaders.user(ctx).load(c.updatedById);
  }

  @FieldResolver(() => [CorrespondentVersion], {
    description:
      'Its history, newest version first (append-only: every insert, edit, deactivation and import)',
  })
  @ListSize({ pageArg: 'last', maxItems: MAX_VERSIONS_PAGE })
  @AnyAuthenticated()
  versions(
    @Root() c: Correspondent,
    @Ctx() ctx: RequestContext,
    @Arg('last', () => Int, {
      defaultValue: 20,
      description: `How many of the latest versions, 1 to ${MAX_VERSIONS_PAGE}`,
    })
    last: number,
  ): Promise<CorrespondentVersion[]> {
    if (!Number.isInteger(last) || last < 1 || last > MAX_VERSIONS_PAGE)
      throw new InvalidInputError('last', `must be between 1 and ${MAX_VERSIONS_PAGE}`);
    return versionsLoader(ctx, last).load(c.id);
  }
}

@Resolver(() => CorrespondentVersion)
export class CorrespondentVersionFieldsResolver {
  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who made it; null when the caller cannot see that user',
  })
  @AnyAuthenticated()
  actor(@Root() v: CorrespondentVersion, @Ctx() ctx: RequestContext): Promise<User | null> {
    return orgLoaders.user(ctx).load(v.actorId);
  }
}
