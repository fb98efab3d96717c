import { DomainEvent } from '../../server/events/domain-event.js';

/** Where an entry sits: enough for a subscriber to check, per event, whether it may see it. */
interface RepertorioEntryRef {
  entryId: string;
  repertorioId: string;
  repertorioCode: string;
  aooId: string;
  documentId: string;
  /** The document's UOR (row visibility follows the document). */
  uorId: string;
  number: number;
  year: number;
}

/** A document was registered in a repertorio (registerRepertorioEntry). */
export class RepertorioEntryRegistered extends DomainEvent<RepertorioEntryRef> {
  static override readonly topic = 'repertori.entry-registered';
}

/** A repertorio entry was annulled (annulRepertorioEntry). */
export class RepertorioEntryAnnulled extends DomainEvent<RepertorioEntryRef & { reason: string }> {
  static override readonly topic = 'repertori.entry-annulled';
}

export const REPERTORIO_EVENTS = [RepertorioEntryRegistered, RepertorioEntryAnnulled];
