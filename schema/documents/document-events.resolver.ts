import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import type { EventEnvelope } from '../../server/events/domain-event.js';
import { DocumentEvent } from './document-event.types.js';
import { documentEventStream, toDocumentEvent, type DocumentEventData } from './document-event-stream.js';

@Resolver()
export class DocumentEventsResolver {
  @Subscription(() => DocumentEvent, {
    description:
      'Documents of an AOO being created or getting files, as they are committed (on any replica), limited to the documents the subscriber may see at the time of each event',
    subscribe: ({ args, context }) =>
      documentEventStream(context as RequestContext, (args as { aooId: string }).aooId),
  })
  @AnyAuthenticated()
  documentEvents(
    @Root() envelope: EventEnvelope<DocumentEventData>,
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO whose documents to follow' }) _aooId: string,
  ): Promise<DocumentEvent> {
    return toDocumentEvent(ctx, envelope);
  }
}
