import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { ListSize } from '../../server/graphql/list-size.js';
import type { ConnectionShape } from '../../server/graphql/connection.js';
import { Document, DocumentConnection } from '../documents/index.js';
import { Aoo, orgLoaders, Uor, User } from '../organisation/index.js';
import { TitolarioNode, titolarioNodeLoader } from '../titolario/index.js';
import { AggregationMetadata } from './aggregation-metadata.types.js';
import { DocumentFiling } from './document-filing.types.js';
import { Fascicolo } from './fascicolo.entity.js';
import { FascicoloHistoryEntry } from './fascicolo-history.types.js';
import { FascicoloConnection } from './fascicolo-list.types.js';
import { documentsOf, fascicoloLoaders, MAX_NESTED_PAGE } from './fascicolo-loaders.js';
import { fascicoloIdentifier } from './fascicolo-rules.js';
import { MAX_HISTORY, historyLoader } from './fascicolo-history.loader.js';
import { MAX_FASCICOLI_PER_DOCUMENT } from './filing.service.js';

const pageArgs = {
  first: { defaultValue: 20, description: `Page size, 1 to ${MAX_NESTED_PAGE}` },
  after: { nullable: true, description: 'pageInfo.endCursor of the previous page' },
} as const;

/**
 * Nested fascicolo fields. A Fascicolo reaches here only through its visibility rule; the
 * records it points to pass their own (a hidden parent or child is absent, a hidden document
 * is not listed), and each field goes through a per-request DataLoader.
 */
@Resolver(() => Fascicolo)
export class FascicoloFieldsResolver {
  @FieldResolver(() => String, { description: 'The formatted identifier: `2019 - IX/1.6 «oggetto»`' })
  @AnyAuthenticated()
  identifier(@Root() f: Fascicolo): string {
    return fascicoloIdentifier(f);
  }

  @FieldResolver(() => Aoo, { nullable: true, description: 'The AOO it belongs to' })
  @AnyAuthenticated()
  aoo(@Root() f: Fascicolo, @Ctx() ctx: RequestContext): Promise<Aoo | null> {
    return orgLoaders.aoo(ctx).load(f.aoo.id);
  }

  @FieldResolver(() => TitolarioNode, {
    nullable: true,
    description: 'The titolario node it is classified under (of the version in force when it was opened)',
  })
  @AnyAuthenticated()
  classification(@Root() f: Fascicolo, @Ctx() ctx: RequestContext): Promise<TitolarioNode | null> {
    return titolarioNodeLoader(ctx).load(f.classificationId);
  }

  @FieldResolver(() => Uor, { nullable: true, description: 'The responsible UOR' })
  @AnyAuthenticated()
  uor(@Root() f: Fascicolo, @Ctx() ctx: RequestContext): Promise<Uor | null> {
    return orgLoaders.uor(ctx).load(f.uor.id);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'The RPA; null when the caller cannot see that user',
  })
  @AnyAuthenticated()
  rpa(@Root() f: Fascicolo, @Ctx() ctx: RequestContext): Promise<User | null> {
    return orgLoaders.user(ctx).load(f.rpa.id);
  }

  @FieldResolver(() => Fascicolo, {
    nullable: true,
    description: 'The fascicolo (or sottofascicolo) above; null at the top, or when the caller cannot see it',
  })
  @AnyAuthenticated()
  parent(@Root() f: Fascicolo, @Ctx() ctx: RequestContext): Promise<Fascicolo | null> {
    return f.parent ? fascicoloLoaders.fascicolo(ctx).load(f.parent.id) : Promise.resolve(null);
  }

  @FieldResolver(() => FascicoloConnection, {
    description: 'Sottofascicoli (or inserti) the caller sees, by number (Relay connection)',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_NESTED_PAGE })
  @AnyAuthenticated()
  children(
    @Root() f: Fascicolo,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, pageArgs.first) first: number,
    @Arg('after', () => String, pageArgs.after) after: string | null,
  ): Promise<ConnectionShape<Fascicolo>> {
    return fascicoloLoaders.children(ctx).load({ parentId: f.id, first, after });
  }

  @FieldResolver(() => DocumentConnection, {
    description:
      'Documents filed in it now that the caller sees, in registration order (drafts last, by creation); Relay connection',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_NESTED_PAGE })
  @AnyAuthenticated()
  documents(
    @Root() f: Fascicolo,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, pageArgs.first) first: number,
    @Arg('after', () => String, pageArgs.after) after: string | null,
  ): Promise<ConnectionShape<Document>> {
    return documentsOf(ctx, f.id, first, after);
  }

  @FieldResolver(() => [FascicoloHistoryEntry], {
    description: `Opening, closings, reopenings and transfers, oldest first (the latest ${MAX_HISTORY})`,
  })
  @ListSize({ maxItems: MAX_HISTORY })
  @AnyAuthenticated()
  history(@Root() f: Fascicolo, @Ctx() ctx: RequestContext): Promise<FascicoloHistoryEntry[]> {
    return historyLoader(ctx).load(f.id);
  }

  @FieldResolver(() => AggregationMetadata, { description: 'The AgID minimum metadata of this aggregation' })
  @AnyAuthenticated()
  async agidMetadata(@Root() f: Fascicolo, @Ctx() ctx: RequestContext): Promise<AggregationMetadata> {
    const [aoo, uor, rpa] = await Promise.all([
      orgLoaders.aoo(ctx).load(f.aoo.id),
      orgLoaders.uor(ctx).load(f.uor.id),
      orgLoaders.user(ctx).load(f.rpa.id),
    ]);
    return {
      fascicolo: f,
      persistentId: `urn:uuid:${f.id}`,
      identifier: fascicoloIdentifier(f),
      aooCode: aoo?.code ?? '',
      aooName: aoo?.name ?? '',
      uorCode: uor?.code ?? '',
      uorName: uor?.name ?? '',
      rpaName: rpa ? `${rpa.givenName} ${rpa.familyName}` : '',
      participatingAdministrations: f.participatingAdministrations,
      oggetto: f.oggetto,
      openingDate: f.openingDate,
      closingDate: f.closingDate,
    };
  }
}

@Resolver(() => AggregationMetadata)
export class AggregationMetadataFieldsResolver {
  @FieldResolver(() => DocumentConnection, {
    description: 'The documents the aggregation contains (their ids, and more if asked), paginated',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_NESTED_PAGE })
  @AnyAuthenticated()
  documents(
    @Root() m: AggregationMetadata,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, pageArgs.first) first: number,
    @Arg('after', () => String, pageArgs.after) after: string | null,
  ): Promise<ConnectionShape<Document>> {
    return documentsOf(ctx, m.fascicolo.id, first, after);
  }
}

@Resolver(() => FascicoloHistoryEntry)
export class FascicoloHistoryFieldsResolver {
  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who did it; null for the system or a user the caller cannot see',
  })
  @AnyAuthenticated()
  actor(@Root() h: FascicoloHistoryEntry, @Ctx() ctx: RequestContext): Promise<User | null> {
    return h.actorId ? orgLoaders.user(ctx).load(h.actorId) : Promise.resolve(null);
  }

  @FieldResolver(() => Uor, { nullable: true, description: 'Transfer: the UOR before' })
  @AnyAuthenticated()
  fromUor(@Root() h: FascicoloHistoryEntry, @Ctx() ctx: RequestContext): Promise<Uor | null> {
    return h.fromUorId ? orgLoaders.uor(ctx).load(h.fromUorId) : Promise.resolve(null);
  }

  @FieldResolver(() => Uor, { nullable: true, description: 'Opening and transfer: the UOR after' })
  @AnyAuthenticated()
  toUor(@Root() h: FascicoloHistoryEntry, @Ctx() ctx: RequestContext): Promise<Uor | null> {
    return h.toUorId ? orgLoaders.uor(ctx).load(h.toUorId) : Promise.resolve(null);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Transfer: the RPA before' })
  @AnyAuthenticated()
  fromRpa(@Root() h: FascicoloHistoryEntry, @Ctx() ctx: RequestContext): Promise<User | null> {
    return h.fromRpaId ? orgLoaders.user(ctx).load(h.fromRpaId) : Promise.resolve(null);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Opening and transfer: the RPA after' })
  @AnyAuthenticated()
  toRpa(@Root() h: FascicoloHistoryEntry, @Ctx() ctx: RequestContext): Promise<User | null> {
    return h.toRpaId ? orgLoaders.user(ctx).load(h.toRpaId) : Promise.resolve(null);
  }
}

@Resolver(() => DocumentFiling)
export class DocumentFilingFieldsResolver {
  @FieldResolver(() => Fascicolo, { description: 'The fascicolo' })
  @AnyAuthenticated()
  async fascicolo(@Root() filing: DocumentFiling, @Ctx() ctx: RequestContext): Promise<Fascicolo> {
    const f = await fascicoloLoaders.fascicolo(ctx).load(filing.fascicoloId);
    // Filings reach here only for visible fascicoli (filingsOfDocument, fileDocument).
    if (!f) throw new Error(`fascicolo ${filing.fascicoloId} of a filing is not visible`);
    return f;
  }
}

@Resolver(() => Document)
export class DocumentFascicoliResolver {
  @FieldResolver(() => [DocumentFiling], {
    description: `The fascicoli the document is filed in now that the caller sees, the primary one first (at most ${MAX_FASCICOLI_PER_DOCUMENT})`,
  })
  @ListSize({ maxItems: MAX_FASCICOLI_PER_DOCUMENT })
  @AnyAuthenticated()
  fascicoli(@Root() doc: Document, @Ctx() ctx: RequestContext): Promise<DocumentFiling[]> {
    return fascicoloLoaders.filingsOfDocument(ctx).load(doc.id);
  }
}
