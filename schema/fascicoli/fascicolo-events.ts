import { DomainEvent } from '../../server/events/domain-event.js';

/** Where a fascicolo sits: enough for a subscriber's replica to check visibility per event. */
export interface FascicoloRef {
  fascicoloId: string;
  aooId: string;
  uorId: string;
}

export class FascicoloOpened extends DomainEvent<
  FascicoloRef & { identifier: string; parentId: string | null }
> {
  static override readonly topic = 'fascicoli.opened';
}

export class FascicoloClosed extends DomainEvent<FascicoloRef & { closingDate: string }> {
  static override readonly topic = 'fascicoli.closed';
}

export class FascicoloReopened extends DomainEvent<FascicoloRef & { reason: string }> {
  static override readonly topic = 'fascicoli.reopened';
}

export class FascicoloTransferred extends DomainEvent<
  FascicoloRef & { fromUorId: string; fromRpaId: string; toRpaId: string }
> {
  static override readonly topic = 'fascicoli.transferred';
}

export class DocumentFiled extends DomainEvent<FascicoloRef & { documentId: string; primary: boolean }> {
  static override readonly topic = 'fascicoli.document-filed';
}

export class DocumentUnfiled extends DomainEvent<FascicoloRef & { documentId: string }> {
  static override readonly topic = 'fascicoli.document-unfiled';
}

export const FASCICOLO_EVENTS = [
  FascicoloOpened,
  FascicoloClosed,
  FascicoloReopened,
  FascicoloTransferred,
  DocumentFiled,
  DocumentUnfiled,
];
