import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { Document } from '../documents/index.js';
import { Aoo, orgLoaders, User } from '../organisation/index.js';
import { repertoriLoaders } from './repertori-loaders.js';
import { RepertorioEntry } from './repertorio-entry.entity.js';
import { MAX_ENTRIES_PER_DOCUMENT } from './repertorio-entry.service.js';
import { Repertorio } from './repertorio.entity.js';

@Resolver(() => Repertorio)
export class RepertorioFieldsResolver {
  @FieldResolver(() => Aoo, { nullable: true, description: 'The AOO the repertorio belongs to' })
  @AnyAuthenticated()
  aoo(@Root() rep: Repertorio, @Ctx() ctx: RequestContext): Promise<Aoo | null> {
    return orgLoaders.aoo(ctx).load(rep.aooId);
  }
}

/** Reached only through entry visibility: the entry's repertorio and document are then visible. */
@Resolver(() => RepertorioEntry)
export class RepertorioEntryFieldsResolver {
  @FieldResolver(() => Repertorio, { description: 'The repertorio the entry belongs to' })
  @AnyAuthenticated()
  async repertorio(@Root() entry: RepertorioEntry, @Ctx() ctx: RequestContext): Promise<Repertorio> {
    const rep = await repertoriLoaders.repertorio(ctx).load(entry.repertorioId);
    if (!rep) throw new Error(`repertorio ${entry.repertorioId} of entry ${entry.id} is missing`);
    return rep;
  }

  @FieldResolver(() => Document, {
    description: 'The registered document (it may also carry a protocol number)',
  })
  @AnyAuthenticated()
  async document(@Root() entry: RepertorioEntry, @Ctx() ctx: RequestContext): Promise<Document> {
    const doc = await repertoriLoaders.document(ctx).load(entry.documentId);
    if (!doc) throw new Error(`document ${entry.documentId} of entry ${entry.id} is missing`);
    return doc;
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who registered it; null when the caller cannot see that user',
  })
  @AnyAuthenticated()
  registeredBy(@Root() entry: RepertorioEntry, @Ctx() ctx: RequestContext): Promise<User | null> {
    return orgLoaders.user(ctx).load(entry.registeredById);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who annulled it; null when it stands or the caller cannot see that user',
  })
  @AnyAuthenticated()
  async annulledBy(@Root() entry: RepertorioEntry, @Ctx() ctx: RequestContext): Promise<User | null> {
    return entry.annulledById === null ? null : orgLoaders.user(ctx).load(entry.annulledById);
  }
}

/** Documents carry their repertorio registrations (a document reaches here only when visible). */
@Resolver(() => Document)
export class DocumentRepertorioEntriesResolver {
  @FieldResolver(() => [RepertorioEntry], {
    description: `The document's repertorio entries, annulled ones included, oldest first (at most ${MAX_ENTRIES_PER_DOCUMENT})`,
  })
  @ListSize({ maxItems: MAX_ENTRIES_PER_DOCUMENT })
  @AnyAuthenticated()
  repertorioEntries(@Root() doc: Document, @Ctx() ctx: RequestContext): Promise<RepertorioEntry[]> {
    return repertoriLoaders.entriesOfDocument(ctx).load(doc.id);
  }
}
