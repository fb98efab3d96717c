import { createHash, randomUUID } from 'node:crypto';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { isMailAddress } from '../../../server/mail/address.js';
import { ProtocolRecord } from '../../../schema/protocollo/index.js';
import { renderRegistrationReceipt } from '../../../schema/ricevute/index.js';
import type { OutgoingAttachment } from './compose.js';
import { protocolReference } from './compose.js';
import type { PecDelivery } from './delivery.entity.js';
import { enqueueDeliveries } from './deliveries.js';
import { loadSendingMailbox } from './mailbox-access.js';

/** A message the plugin sends on its own (an interoperability message, a receipt of registration). */
export interface PecMessageToSend {
  mailboxId: string;
  to: readonly string[];
  subject: string;
  text: string;
  attachments: readonly OutgoingAttachment[];
  /** The Message-ID of the message this answers (with <>). */
  inReplyTo?: string | null;
  /** The record it concerns (a Conferma of an arrivo): its deliveries list it. */
  recordId?: string | null;
}

/** Stored content is kept in the database: a bound beside the providers' own (typically 30-100 MB). */
const MAX_CONTENT_BYTES = 20 * 1024 * 1024;

/**
 * Enqueues a message built by the caller (Conferma.xml, Eccezione.xml, Annullamento.xml,
 * Aggiornamento.xml, the receipt of registration) from a mailbox, one delivery per recipient,
 * in the caller's transaction: the content is stored with it and the send job sends it as
 * it sends a record (same retries, same receipts matching). System work: the caller has
 * decided the message is due; no user grant is checked here.
 */
export async function enqueuePecMessage(tx: UnitOfWork, message: PecMessageToSend): Promise<PecDelivery[]> {
  const mailbox = await loadSendingMailbox(tx, message.mailboxId);
  if (!mailbox) throw new Error(`PEC mailbox ${message.mailboxId} does not exist`);
  for (const address of message.to) {
    if (!isMailAddress(address.trim())) throw new Error(`not an e-mail address: ${JSON.stringify(address)}`);
  }
  if (message.to.length === 0) throw new Error('a PEC message needs at least one recipient');
  const size = message.attachments.reduce((n, a) => n + a.bytes.length, Buffer.byteLength(message.text));
  if (size > MAX_CONTENT_BYTES)
    throw new Error(`a PEC message of ${size} bytes is over ${MAX_CONTENT_BYTES}`);
  const contentId = randomUUID();
  await tx.em.execute(
    'insert into pec_outgoing_content (id, subject, body, in_reply_to, created_at) values (?, ?, ?, ?, ?)',
    [contentId, message.subject, message.text, message.inReplyTo ?? null, tx.clock.now()],
  );
  let position = 0;
  for (const a of message.attachments) {
    await tx.em.execute(
      `insert into pec_outgoing_attachment (content_id, position, file_name, media_type, sha256, bytes)
       values (?, ?, ?, ?, ?, ?)`,
      [
        contentId,
        position++,
        a.fileName,
        a.mediaType,
        createHash('sha256').update(a.bytes).digest('hex'),
        a.bytes,
      ],
    );
  }
  const deliveries = await enqueueDeliveries(tx, {
    aooId: mailbox.aooId,
    mailboxId: mailbox.id,
    mailboxAddress: mailbox.address,
    contentId,
    relatedRecordId: message.recordId ?? null,
    // Who the addressee is is not known here: treated as a person's (personal data).
    recipients: message.to.map((address) => ({ address, name: null, isPerson: true })),
  });
  await tx.audit({
    aooId: mailbox.aooId,
    operation: 'pec.message.enqueue',
    targetType: 'PecMailbox',
    targetId: mailbox.id,
    changes: {
      subject: message.subject,
      recordId: message.recordId ?? null,
      attachments: message.attachments.map((a) => a.fileName),
      deliveries: deliveries.map((d) => ({
        id: d.id,
        recipient: d.recipientAddress,
        messageId: d.messageId,
      })),
    },
  });
  return deliveries;
}

/**
 * The receipt of registration (001 §6.6: "automatically for PEC") to the PEC sender of a
 * record registered from a mailbox that is so configured; nothing (null) when the mailbox is
 * not. The PDF is rendered now, in the registering transaction, from the registratura.
 */
export async function enqueueRegistrationReceipt(
  tx: UnitOfWork,
  recordId: string,
  mailboxId: string,
  to: string,
): Promise<PecDelivery | null> {
  const mailbox = await loadSendingMailbox(tx, mailboxId);
  if (!mailbox?.sendRegistrationReceipt || !mailbox.active) return null;
  const record = await tx.em.findOneOrFail(ProtocolRecord, { id: recordId });
  const receipt = await renderRegistrationReceipt(tx, record);
  const reference = protocolReference(record);
  const [delivery] = await enqueuePecMessage(tx, {
    mailboxId,
    to: [to],
    subject: `Ricevuta di protocollazione: ${reference} - ${record.oggetto}`,
    text: [
      `Il messaggio ricevuto è stato registrato al protocollo: ${reference}.`,
      `Oggetto: ${record.oggetto}`,
      '',
      'In allegato la ricevuta di protocollazione.',
    ].join('\n'),
    attachments: [{ fileName: receipt.fileName, mediaType: 'application/pdf', bytes: receipt.pdf }],
    recordId,
  });
  return delivery ?? null;
}
