import { randomUUID } from 'node:crypto';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { PecDelivery } from './delivery.entity.js';
import { PecDeliveryState } from './delivery-state.js';
import { PecDeliveryChanged } from './send.events.js';
import { SEND_JOB } from './send-job-name.js';

/** A recipient of one outgoing message: an address (any case) and the name to show beside it. */
export interface Recipient {
  address: string;
  name: string | null;
  /** A person (or not known not to be one): address and name are personal data. */
  isPerson: boolean;
}

/**
 * `<uuid@domain-of-the-mailbox>`: unique, chosen before anything is sent, so a receipt matches it
 * whenever it arrives and a send repeated after a crash carries the same one (RFC 5322 §3.6.4).
 */
export function newMessageId(mailboxAddress: string): string {
  const domain = mailboxAddress.slice(mailboxAddress.lastIndexOf('@') + 1).toLowerCase();
  return `<${randomUUID()}@${domain}>`;
}

/** Recipients named twice (in any case) once, first name kept. */
export function distinctRecipients(recipients: readonly Recipient[]): Recipient[] {
  const out = new Map<string, Recipient>();
  for (const r of recipients) {
    const address = r.address.trim().toLowerCase();
    if (!out.has(address)) out.set(address, { ...r, address });
  }
  return [...out.values()];
}

export interface NewDeliveries {
  aooId: string;
  mailboxId: string;
  mailboxAddress: string;
  recordId?: string;
  contentId?: string;
  relatedRecordId?: string | null;
  recipients: readonly Recipient[];
}

/**
 * One delivery per recipient, each with its own Message-ID and its send job, in the caller's
 * transaction: the rows and the jobs exist together or not at all. The send request's id makes
 * a recipient named twice in one request one delivery (and the database refuses a second).
 */
export async function enqueueDeliveries(tx: UnitOfWork, input: NewDeliveries): Promise<PecDelivery[]> {
  const sendRequestId = randomUUID();
  const now = tx.clock.now();
  const deliveries = distinctRecipients(input.recipients).map((r) =>
    tx.em.create(PecDelivery, {
      aooId: input.aooId,
      mailboxId: input.mailboxId,
      recordId: input.recordId ?? null,
      contentId: input.contentId ?? null,
      relatedRecordId: input.relatedRecordId ?? null,
      sendRequestId,
      recipientAddress: r.address,
      recipientName: r.name,
      recipientIsPerson: r.isPerson,
      messageId: newMessageId(input.mailboxAddress),
      state: PecDeliveryState.QUEUED,
      queuedAt: now,
      stateChangedAt: now,
    }),
  );
  await tx.em.flush();
  for (const d of deliveries) {
    await tx.enqueue(SEND_JOB, { deliveryId: d.id });
    tx.publish(changedEvent(d, null));
  }
  return deliveries;
}

export function changedEvent(d: PecDelivery, previousState: PecDeliveryState | null): PecDeliveryChanged {
  return new PecDeliveryChanged({
    deliveryId: d.id,
    aooId: d.aooId,
    mailboxId: d.mailboxId,
    recordId: d.recordId,
    relatedRecordId: d.relatedRecordId,
    recipientAddress: d.recipientAddress,
    messageId: d.messageId,
    previousState,
    state: d.state,
  });
}

/** Locks a delivery for the rest of the transaction (send job, receipt) and reads it fresh. */
export async function lockDelivery(tx: UnitOfWork, where: { id: string } | { messageId: string }) {
  const [column, value] = 'id' in where ? ['id', where.id] : ['message_id', where.messageId];
  const rows = await tx.em.execute<Array<{ id: string }>>(
    `select id from pec_delivery where ${column} = ? for update`,
    [value],
  );
  const id = rows[0]?.id;
  return id ? tx.em.findOneOrFail(PecDelivery, { id }, { refresh: true }) : null;
}
