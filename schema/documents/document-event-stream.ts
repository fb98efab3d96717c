import type { RequestContext } from '../../server/context.js';
import type { EventEnvelope } from '../../server/events/domain-event.js';
import { filterEvents } from '../../server/events/event-stream.js';
import { refreshSubscriber } from '../../server/graphql/subscription-event-auth.js';
import { visibleAoo } from '../organisation/index.js';
import { DocumentEventKind, type DocumentEvent } from './document-event.types.js';
import { DocumentCreated, DocumentFileAttached, DocumentFileReplaced } from './document-events.js';
import { visibleDocumentIds } from './document-visibility.js';
import { Document } from './document.entity.js';

export interface DocumentEventData {
  documentId: string;
  aooId: string;
  uorId: string;
  fileId?: string;
  position?: number;
  version?: number;
}

const KINDS: Readonly<Record<string, DocumentEventKind>> = {
  [DocumentCreated.topic]: DocumentEventKind.CREATED,
  [DocumentFileAttached.topic]: DocumentEventKind.FILE_ATTACHED,
  [DocumentFileReplaced.topic]: DocumentEventKind.FILE_REPLACED,
};

/**
 * The document events of one AOO that the subscriber may see: for each event, the subscriber's
 * rights are reloaded first (a revoked membership, a deactivation, a new day), then the document's
 * row visibility is checked with them. An AOO the subscriber cannot see is refused at once.
 */
export async function documentEventStream(
  ctx: RequestContext,
  aooId: string,
): Promise<AsyncIterableIterator<EventEnvelope<DocumentEventData>>> {
  await visibleAoo(ctx, ctx.em, aooId);
  const source = ctx.platform.events.subscribe(
    DocumentCreated,
    DocumentFileAttached,
    DocumentFileReplaced,
  ) as AsyncIterable<EventEnvelope<DocumentEventData>>;
  return filterEvents(source, async (envelope) => {
    if (envelope.data.aooId !== aooId) return false;
    await refreshSubscriber(ctx);
    return (await visibleDocumentIds(ctx, ctx.em, [envelope.data.documentId])).has(envelope.data.documentId);
  });
}

/** The GraphQL payload of an event the stream let through. */
export async function toDocumentEvent(
  ctx: RequestContext,
  envelope: EventEnvelope<DocumentEventData>,
): Promise<DocumentEvent> {
  const { data } = envelope;
  const kind = KINDS[envelope.topic];
  if (!kind) throw new Error(`not a document event: ${envelope.topic}`);
  return {
    kind,
    documentId: data.documentId,
    // The stream let the event through after checking the document's visibility with the
    // subscriber's current rights; documents are never deleted.
    document: await ctx.em.findOneOrFail(Document, { id: data.documentId }),
    position: data.position ?? null,
    version: data.version ?? null,
    fileId: data.fileId ?? null,
    occurredAt: new Date(envelope.origin.at),
  };
}
