import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { Requires } from '../../../server/auth/access.js';
import type { RequestContext } from '../../../server/context.js';
import { ListSize } from '../../../server/graphql/list-size.js';
import { Document } from '../../../schema/documents/index.js';
import { Fascicolo, fascicoloLoader } from '../../../schema/fascicoli/index.js';
import { User, orgLoaders } from '../../../schema/organisation/index.js';
import { DailyRegister } from '../../../schema/registro-giornaliero/index.js';
import {
  CONSERVATION_READ,
  ConservationColour,
  ConservationItem,
  ConservationPackage,
} from '../package/index.js';
import { conservationApiLoaders } from './api-loaders.js';
import { descriptorPath, pindexPath, rapportoPath, sipPath } from './conservation.routes.js';
import { ConservationItemConnection, itemPage, MAX_ITEM_PAGE } from './item-list.js';

/** References of a package, reached only through a package the caller may read. */
@Resolver(() => ConservationPackage)
export class ConservationPackageFieldsResolver {
  @FieldResolver(() => ConservationItemConnection, {
    description: `Its documents in package order (at most ${MAX_ITEM_PAGE} per page)`,
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_ITEM_PAGE })
  @Requires(CONSERVATION_READ)
  items(
    @Root() p: ConservationPackage,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size (1..${MAX_ITEM_PAGE})` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page' })
    after: string | null,
  ): Promise<ConservationItemConnection> {
    return itemPage(ctx, p.id, first, after ?? null) as Promise<ConservationItemConnection>;
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who created it; null for the transfer jobs or when the caller cannot see that user',
  })
  @Requires(CONSERVATION_READ)
  createdBy(@Root() p: ConservationPackage, @Ctx() ctx: RequestContext): Promise<User | null> {
    return p.createdById === null ? Promise.resolve(null) : orgLoaders.user(ctx).load(p.createdById);
  }

  @FieldResolver(() => ConservationPackage, {
    nullable: true,
    description: 'The package that resent its rejected documents, once it was resent',
  })
  @Requires(CONSERVATION_READ)
  resentAs(@Root() p: ConservationPackage, @Ctx() ctx: RequestContext): Promise<ConservationPackage | null> {
    return conservationApiLoaders.resentAs(ctx).load(p.id);
  }

  @FieldResolver(() => ConservationPackage, {
    nullable: true,
    description: 'The rejected package this one resends, if it is a resend',
  })
  @Requires(CONSERVATION_READ)
  resentFrom(
    @Root() p: ConservationPackage,
    @Ctx() ctx: RequestContext,
  ): Promise<ConservationPackage | null> {
    return p.resentFromId === null
      ? Promise.resolve(null)
      : conservationApiLoaders.package(ctx).load(p.resentFromId);
  }

  @FieldResolver(() => Fascicolo, {
    nullable: true,
    description: 'The fascicolo it transfers (FASCICOLO), when the caller sees it',
  })
  @Requires(CONSERVATION_READ)
  fascicolo(@Root() p: ConservationPackage, @Ctx() ctx: RequestContext): Promise<Fascicolo | null> {
    return p.fascicoloId === null ? Promise.resolve(null) : fascicoloLoader(ctx).load(p.fascicoloId);
  }

  @FieldResolver(() => DailyRegister, {
    nullable: true,
    description: 'The daily register it transfers (DAILY_REGISTER)',
  })
  @Requires(CONSERVATION_READ)
  dailyRegister(@Root() p: ConservationPackage, @Ctx() ctx: RequestContext): Promise<DailyRegister | null> {
    return p.dailyRegisterId === null
      ? Promise.resolve(null)
      : conservationApiLoaders.dailyRegister(ctx).load(p.dailyRegisterId);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Where its SIP zip is downloaded (GET, bearer token); null until built',
  })
  @Requires(CONSERVATION_READ)
  sipUrl(@Root() p: ConservationPackage): string | null {
    return p.sipBlobKey ? sipPath(p.id) : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Where its PIndex (UNI SInCRO) is downloaded (GET, bearer token); null until built',
  })
  @Requires(CONSERVATION_READ)
  pindexUrl(@Root() p: ConservationPackage): string | null {
    return p.pindexBlobKey ? pindexPath(p.id) : null;
  }
}

/** References of an item, reached only through a package the caller may read. */
@Resolver(() => ConservationItem)
export class ConservationItemFieldsResolver {
  @FieldResolver(() => Document, {
    nullable: true,
    description: 'The document, when the caller sees it (the documents module’s row visibility)',
  })
  @Requires(CONSERVATION_READ)
  document(@Root() i: ConservationItem, @Ctx() ctx: RequestContext): Promise<Document | null> {
    return conservationApiLoaders.visibleDocument(ctx).load(i.documentId);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Where its ParER request (UnitaDocumentaria XML) is downloaded; null until built',
  })
  @Requires(CONSERVATION_READ)
  descriptorUrl(@Root() i: ConservationItem): string | null {
    return i.descriptorBlobKey ? descriptorPath(i.id) : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Where its rapporto di versamento is downloaded; null unless conserved (green)',
  })
  @Requires(CONSERVATION_READ)
  rapportoUrl(@Root() i: ConservationItem): string | null {
    return i.colour === ConservationColour.GREEN && i.rapportoBlobKey ? rapportoPath(i.id) : null;
  }
}
