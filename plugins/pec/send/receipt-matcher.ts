import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { markSentByPec } from '../../../schema/protocollo/index.js';
import { DomainError } from '../../../server/errors/domain-error.js';
import { PEC_RECEIPT_KINDS } from '../message/index.js';
import { PecDelivery } from './delivery.entity.js';
import {
  isConsegnaReceipt,
  movesForward,
  PecDeliveryState,
  type ReceiptKind,
  stateOfReceipt,
} from './delivery-state.js';
import { changedEvent, lockDelivery } from './deliveries.js';
import { PecReceipt } from './receipt.entity.js';

/** The stored incoming message a receipt came in (pec-core's PecMessage row). */
export interface StoredReceiptMessage {
  id: string;
  mailboxId: string;
  receivedAt: Date;
}

/** What matching reads of a parsed receipt (pec-parse's ParsedPecMessage). */
export interface ParsedReceipt {
  receipt: string | null;
  riferimentoMessageId: string | null;
  daticert: {
    destinatari: ReadonlyArray<{ address: string; tipo: string | null }>;
    consegna: string | null;
    dataOra: string | null;
    identificativo: string | null;
    errore: string | null;
    erroreEsteso: string | null;
  } | null;
}

export interface MatchOutcome {
  receipt: PecReceipt;
  /** false: this stored message was matched before (the receipt seen twice is kept once). */
  created: boolean;
  delivery: PecDelivery | null;
  /** The state moved by this receipt, when it did. */
  moved: { from: PecDeliveryState; to: PecDeliveryState } | null;
}

/** `<id@host>` as sent, whatever the provider did to the brackets and the spaces. */
export function normaliseMessageId(value: string | null): string | null {
  const v = value?.trim().replace(/^<|>$/g, '').trim();
  return v ? `<${v}>` : null;
}

function providerTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? null : t;
}

/**
 * Matches a receipt the ingest loop has stored (in its transaction) to the outgoing message it
 * is about, by X-Riferimento-Message-ID (the Message-ID we chose at enqueue) and, for receipts
 * about one recipient (consegna, errore, preavviso, virus), the daticert `consegna` address.
 * Records the receipt and moves the delivery forward (never back: an accettazione read after
 * the avvenuta-consegna is kept, the state stays); publishes `pec.delivery-changed`.
 * A receipt that arrives while the send job still holds the delivery (the provider answered
 * before our commit) waits for that commit on the row lock, then applies. A receipt that proves
 * the message left (anything but non-accettazione) also marks the record sent by PEC, should
 * the send job's own commit have been lost.
 * A receipt that matches nothing is kept with no delivery (never dropped): our Message-IDs are
 * chosen and committed before anything is sent, so an unmatched receipt is about a message
 * this platform did not send (another client of the mailbox); it stays queryable in
 * pec_receipt (delivery_id null) beside its stored message.
 * Idempotent: the same stored message matched twice is one receipt.
 */
export async function matchReceipt(
  tx: UnitOfWork,
  message: StoredReceiptMessage,
  parsed: ParsedReceipt,
): Promise<MatchOutcome | null> {
  const kind = PEC_RECEIPT_KINDS.find((k) => k === parsed.receipt);
  if (!kind) return null;
  const existing = await tx.em.findOne(PecReceipt, { pecMessageId: message.id });
  if (existing) {
    const delivery = existing.deliveryId
      ? await tx.em.findOneOrFail(PecDelivery, { id: existing.deliveryId })
      : null;
    return { receipt: existing, created: false, delivery, moved: null };
  }
  const riferimento = normaliseMessageId(parsed.riferimentoMessageId);
  const consegna = parsed.daticert?.consegna?.trim().toLowerCase() || null;
  let delivery = riferimento ? await lockDelivery(tx, { messageId: riferimento }) : null;
  if (delivery && delivery.mailboxId !== message.mailboxId) delivery = null;
  if (delivery && isConsegnaReceipt(kind) && consegna && consegna !== delivery.recipientAddress) {
    delivery = null;
  }
  const now = tx.clock.now();
  const receipt = tx.em.create(PecReceipt, {
    mailboxId: message.mailboxId,
    pecMessageId: message.id,
    deliveryId: delivery?.id ?? null,
    kind,
    riferimentoMessageId: riferimento,
    recipientAddress: consegna,
    providerAt: providerTime(parsed.daticert?.dataOra),
    identificativo: parsed.daticert?.identificativo?.slice(0, 998) ?? null,
    errore: parsed.daticert?.errore?.slice(0, 100) ?? null,
    erroreEsteso: parsed.daticert?.erroreEsteso?.slice(0, 2000) ?? null,
    daticert: parsed.daticert ? { ...parsed.daticert } : null,
    receivedAt: message.receivedAt,
    matchedAt: delivery ? now : null,
  });
  const moved = delivery ? await applyReceipt(tx, delivery, kind) : null;
  await tx.audit({
    aooId: delivery?.aooId ?? null,
    operation: delivery ? 'pec.receipt.match' : 'pec.receipt.unmatched',
    targetType: delivery ? 'PecDelivery' : 'PecReceipt',
    targetId: delivery?.id ?? receipt.id,
    changes: {
      receiptId: receipt.id,
      kind,
      riferimentoMessageId: riferimento,
      ...(moved ? { state: [moved.from, moved.to] } : {}),
    },
  });
  return { receipt, created: true, delivery, moved };
}

async function applyReceipt(
  tx: UnitOfWork,
  delivery: PecDelivery,
  kind: ReceiptKind,
): Promise<{ from: PecDeliveryState; to: PecDeliveryState } | null> {
  const to = stateOfReceipt(kind);
  const from = delivery.state;
  if (!to || !movesForward(from, to)) return null;
  // Still QUEUED: the send job's commit was lost after the provider took the message (its
  // retry will find the delivery moved on and send nothing); the receipt is the proof it left.
  if (from === PecDeliveryState.QUEUED && to !== PecDeliveryState.NOT_ACCEPTED) {
    delivery.sentAt ??= tx.clock.now();
    if (delivery.recordId) await markSentIfNotAnnulled(tx, delivery);
  }
  delivery.state = to;
  delivery.stateChangedAt = tx.clock.now();
  tx.publish(changedEvent(delivery, from));
  return { from, to };
}

/** A record annulled while its send was in doubt stays annulled: the receipt is kept, the conflict logged. */
async function markSentIfNotAnnulled(tx: UnitOfWork, delivery: PecDelivery): Promise<void> {
  if (!delivery.recordId) return;
  try {
    await markSentByPec(tx, delivery.recordId);
  } catch (e) {
    if (!(e instanceof DomainError && e.extensions['code'] === 'PROTOCOL_ANNULLED')) throw e;
    tx.logger.warn(
      { deliveryId: delivery.id, recordId: delivery.recordId },
      'a receipt shows an annulled record left by PEC',
    );
  }
}
