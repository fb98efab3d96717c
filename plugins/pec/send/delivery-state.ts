import { registerEnumType } from 'type-graphql';
import type { PecReceiptKind } from '../message/index.js';

/** Where one outgoing PEC message to one recipient stands (DOMAIN §8). */
export enum PecDeliveryState {
  /** Enqueued with its Message-ID; the send job has not had it accepted yet. */
  QUEUED = 'QUEUED',
  /** The provider's SMTP server accepted it. */
  SENT = 'SENT',
  /** The send failed for good (SMTP refused permanently, retries exhausted, record annulled). */
  FAILED = 'FAILED',
  /** Ricevuta di accettazione. */
  ACCEPTED = 'ACCEPTED',
  /** Avviso di non accettazione. */
  NOT_ACCEPTED = 'NOT_ACCEPTED',
  /** Avviso di mancata consegna entro 12 ore (preavviso di errore di consegna). */
  PREAVVISO = 'PREAVVISO',
  /** Ricevuta di avvenuta consegna. */
  DELIVERED = 'DELIVERED',
  /** Avviso di mancata consegna. */
  DELIVERY_ERROR = 'DELIVERY_ERROR',
  /** Avviso di rilevazione virus. */
  VIRUS = 'VIRUS',
}

registerEnumType(PecDeliveryState, {
  name: 'PecDeliveryState',
  description: 'State of an outgoing PEC message to one recipient; it only moves forward',
  valuesConfig: {
    QUEUED: { description: 'Enqueued with its Message-ID; not yet accepted by the provider' },
    SENT: { description: "The provider's SMTP server accepted it" },
    FAILED: {
      description:
        'Not sent: refused for good, retries exhausted, or the record annulled first (see lastError)',
    },
    ACCEPTED: { description: 'Ricevuta di accettazione received' },
    NOT_ACCEPTED: { description: 'Avviso di non accettazione received: the provider refused it' },
    PREAVVISO: { description: 'Avviso di mancata consegna entro 12 ore received (delivery still possible)' },
    DELIVERED: { description: 'Ricevuta di avvenuta consegna received' },
    DELIVERY_ERROR: { description: 'Avviso di mancata consegna received' },
    VIRUS: { description: 'Avviso di rilevazione virus received: not delivered' },
  },
});

/**
 * The order states move in. Receipts can arrive out of order (a provider's accettazione read
 * after the avvenuta-consegna): a state never moves back to a lower rank. The migration's
 * trigger holds the same table.
 */
export const STATE_RANK: Readonly<Record<PecDeliveryState, number>> = {
  QUEUED: 0,
  SENT: 1,
  FAILED: 1,
  ACCEPTED: 2,
  NOT_ACCEPTED: 2,
  PREAVVISO: 3,
  DELIVERED: 4,
  DELIVERY_ERROR: 4,
  VIRUS: 4,
};

/** The kinds of receipt a provider returns (X-Ricevuta): the message area's. */
export type ReceiptKind = PecReceiptKind;

/** The state a receipt moves a delivery to; null: recorded only (presa in carico is between providers). */
export function stateOfReceipt(kind: ReceiptKind): PecDeliveryState | null {
  switch (kind) {
    case 'accettazione':
      return PecDeliveryState.ACCEPTED;
    case 'non-accettazione':
      return PecDeliveryState.NOT_ACCEPTED;
    case 'presa-in-carico':
      return null;
    case 'avvenuta-consegna':
      return PecDeliveryState.DELIVERED;
    case 'errore-consegna':
      return PecDeliveryState.DELIVERY_ERROR;
    case 'preavviso-errore-consegna':
      return PecDeliveryState.PREAVVISO;
    case 'rilevazione-virus':
      return PecDeliveryState.VIRUS;
  }
}

/** Receipts about the delivery to one recipient (daticert `consegna` names it). */
export function isConsegnaReceipt(kind: ReceiptKind): boolean {
  return kind !== 'accettazione' && kind !== 'non-accettazione';
}

/** Whether moving from `from` to `to` is forward (equal ranks do not move). */
export function movesForward(from: PecDeliveryState, to: PecDeliveryState): boolean {
  return STATE_RANK[to] > STATE_RANK[from];
}
