import { DomainEvent } from '../../server/events/domain-event.js';

/** Where the change happened: enough for a subscriber to check visibility per event. */
interface RaccoglitoreDocumentRef {
  raccoglitoreId: string;
  aooId: string;
  uorId: string;
  documentId: string;
}

/** A document was added to a raccoglitore (addDocumentToRaccoglitore). */
export class RaccoglitoreDocumentAdded extends DomainEvent<RaccoglitoreDocumentRef> {
  static override readonly topic = 'raccoglitori.document-added';
}

/** A document was removed from a raccoglitore (removeDocumentFromRaccoglitore). */
export class RaccoglitoreDocumentRemoved extends DomainEvent<RaccoglitoreDocumentRef> {
  static override readonly topic = 'raccoglitori.document-removed';
}

export const RACCOGLITORE_EVENTS = [RaccoglitoreDocumentAdded, RaccoglitoreDocumentRemoved];
