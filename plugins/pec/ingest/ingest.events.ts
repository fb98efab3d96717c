import { DomainEvent } from '../../../server/events/domain-event.js';

/** A mailbox's IMAP server could not be reached (first failure of a run): operators act on it. */
export class PecIngestDown extends DomainEvent<{
  mailboxId: string;
  aooId: string;
  address: string;
  error: string;
  /** When the loop tries again (ISO 8601). */
  retryAt: string;
}> {
  static override readonly topic = 'pec.ingest-down';
}

/** The mailbox is read again after an outage (what was missed is being processed). */
export class PecIngestUp extends DomainEvent<{ mailboxId: string; aooId: string; address: string }> {
  static override readonly topic = 'pec.ingest-up';
}

/**
 * An interoperability message about one of our records arrived (Conferma, Aggiornamento,
 * Eccezione, Annullamento, Allegato 6): the record's operators see who said what.
 */
export class PecInteropReceived extends DomainEvent<{
  pecMessageId: string;
  mailboxId: string;
  aooId: string;
  kind: 'conferma' | 'aggiornamento' | 'eccezione' | 'annullamento';
  recordId: string | null;
  deliveryId: string | null;
  /** Eccezione: its code (000_Irricevibile …), Annullamento: null. */
  code: string | null;
  description: string | null;
}> {
  static override readonly topic = 'pec.interop-received';
}

/** A stored message could not be dispatched (matched, applied, registered): kept, with the reason. */
export class PecIngestProblem extends DomainEvent<{
  pecMessageId: string;
  mailboxId: string;
  aooId: string;
  problem: string;
}> {
  static override readonly topic = 'pec.ingest-problem';
}

export const PEC_INGEST_EVENTS = [PecIngestDown, PecIngestUp, PecInteropReceived, PecIngestProblem];
