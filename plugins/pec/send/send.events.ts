import { DomainEvent } from '../../../server/events/domain-event.js';

/** Where a delivery sits and where it moved: enough for a subscriber to check the record’s visibility. */
export interface PecDeliveryChangedData {
  deliveryId: string;
  aooId: string;
  mailboxId: string;
  /** The protocol record sent (null: an interoperability message or a receipt of registration). */
  recordId: string | null;
  /** The record a message without its own record is about (a Conferma of an arrivo). */
  relatedRecordId: string | null;
  recipientAddress: string;
  messageId: string;
  previousState: string | null;
  state: string;
}

/** An outgoing PEC message was enqueued, sent, failed, or a receipt moved it. */
export class PecDeliveryChanged extends DomainEvent<PecDeliveryChangedData> {
  static override readonly topic = 'pec.delivery-changed';
}
