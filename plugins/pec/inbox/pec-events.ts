import { DomainEvent } from '../../../server/events/domain-event.js';
import type { PecMessageKind, PecMessageState } from '../mailbox/pec-enums.js';

/** What a subscriber (and the send side, for receipts) needs to decide whether an event concerns it. */
export interface PecMessageEventData {
  messageId: string;
  mailboxId: string;
  aooId: string;
  kind: PecMessageKind;
  state: PecMessageState;
  /** The provider's Message-ID of the message (with <>), if any. */
  headerMessageId: string | null;
  /** For receipts: X-Riferimento-Message-ID, the key the send side matches them by. */
  riferimentoMessageId: string | null;
  receiptKind: string | null;
  recordId: string | null;
  at: string;
}

/**
 * A message stored for the first time (never for a duplicate). Receipts (state RECEIPT) are
 * the send side's to match (plugins/pec/send handles this event).
 */
export class PecMessageReceived extends DomainEvent<PecMessageEventData> {
  static override readonly topic = 'pec.message-received';
}

export class PecMessageRegistered extends DomainEvent<PecMessageEventData> {
  static override readonly topic = 'pec.message-registered';
}

export class PecMessageDiscarded extends DomainEvent<PecMessageEventData> {
  static override readonly topic = 'pec.message-discarded';
}

export const PEC_INBOX_EVENTS = [PecMessageReceived, PecMessageRegistered, PecMessageDiscarded];
