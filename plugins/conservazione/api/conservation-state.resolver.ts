import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../../server/auth/access.js';
import type { RequestContext } from '../../../server/context.js';
import { Document } from '../../../schema/documents/index.js';
import { Fascicolo } from '../../../schema/fascicoli/index.js';
import { ConservationState, conservationStateLoaders } from './conservation-state.js';

/** The conservation side of a document: reached only through a document the caller sees. */
@Resolver(() => Document)
export class DocumentConservationResolver {
  @FieldResolver(() => ConservationState, {
    nullable: true,
    description: 'Where the document stands at the conservator; null when it was never in a package',
  })
  @AnyAuthenticated()
  conservation(@Root() d: Document, @Ctx() ctx: RequestContext): Promise<ConservationState | null> {
    return conservationStateLoaders.ofDocument(ctx).load(d.id);
  }
}

/** The conservation side of a fascicolo: reached only through a fascicolo the caller sees. */
@Resolver(() => Fascicolo)
export class FascicoloConservationResolver {
  @FieldResolver(() => ConservationState, {
    nullable: true,
    description:
      'Where the fascicolo stands at the conservator: its latest package (the resend of a rejected one); null when never sent',
  })
  @AnyAuthenticated()
  conservation(@Root() f: Fascicolo, @Ctx() ctx: RequestContext): Promise<ConservationState | null> {
    return conservationStateLoaders.ofFascicolo(ctx).load(f.id);
  }
}
