import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../../server/context.js';
import { withTransaction } from '../../../server/db/unit-of-work.js';
import { DomainError, InvalidInputError } from '../../../server/errors/domain-error.js';
import { findVisibleRecord, ProtocolState } from '../../../schema/protocollo/index.js';
import { PecMessage } from '../inbox/pec-message.entity.js';
import type { StoredSummary } from '../inbox/stored-summary.js';
import { rightsOnOne } from '../mailbox/mailbox-access.js';
import { PecMailboxKind, PecMessageState } from '../mailbox/pec-enums.js';
import { PecMailbox } from '../mailbox/pec-mailbox.entity.js';
import { buildAggiornamento, type InteropReference } from '../interop/index.js';
import { enqueuePecMessage, type PecDelivery } from '../send/index.js';
import { recordInteropDeliveries } from './interop-sent.js';
import { asIdentifier, ourIdentifier } from './our-registration.js';

/** A note longer than this is refused: it is the message's text, not a document. */
export const MAX_AGGIORNAMENTO_NOTE = 2000;

/** The Segnatura facts the ingest keeps with a message (readers.ts): the sender's registration and address. */
interface KeptSegnatura {
  identificatore?: InteropReference | null;
  mittente: { pec?: string | null } | null;
}

/** Where the update goes: the Segnatura's sender address, else the PEC sender (as the Conferma went). */
function senderAddress(summary: StoredSummary, segnatura: KeptSegnatura): string | null {
  const address =
    segnatura.mittente?.pec ?? summary.daticert?.mittente ?? summary.original?.from ?? summary.from;
  const bare = address?.match(/<([^<>]+)>\s*$/)?.[1] ?? address ?? null;
  return bare?.trim().toLowerCase() || null;
}

/**
 * AggiornamentoConferma (Allegato 6, circolare AgID 60/2013): we, the receiving AOO, tell the
 * sender of a message we registered from its Segnatura that our registration has new facts
 * (its update of the Conferma). On request, as often as needed: each request one
 * pec_interop_sent row and one delivery to the Segnatura's sender, enqueued in this transaction
 * with the audit row. The caller must see the record and may send through the mailbox the
 * message came in (PEC_MAILBOX_USE and its send grant; the RGD: all). The message goes out
 * unsealed (the lead's decision: pec_message.xsd has no place for a seal in it), XSD-valid.
 */
export async function sendPecAggiornamento(
  ctx: RequestContext,
  recordId: string,
  note?: string | null,
): Promise<PecDelivery[]> {
  const text = note?.trim() ?? '';
  if (text.length > MAX_AGGIORNAMENTO_NOTE)
    throw new InvalidInputError('note', `at most ${MAX_AGGIORNAMENTO_NOTE} characters`);
  return withTransaction(ctx, async (tx) => {
    // Locked as an annulment locks it: an annulment in flight finishes first and is seen below.
    const record = await findVisibleRecord(tx, tx.em, recordId, { lock: true });
    const message = await tx.em.findOne(PecMessage, {
      recordId: record.id,
      state: PecMessageState.REGISTERED,
    });
    if (!message) {
      throw new DomainError(
        'PEC_AGGIORNAMENTO_NOT_FROM_PEC',
        `record ${record.number}/${record.year} was not registered from a PEC message`,
      );
    }
    // The right first: who may not send through the mailbox learns nothing of the message's content.
    const mailbox = await tx.em.findOneOrFail(PecMailbox, { id: message.mailboxId });
    if (!(await rightsOnOne(tx, mailbox)).send) {
      throw new DomainError(
        'FORBIDDEN',
        `You may not send through the mailbox ${mailbox.address} the message was received by`,
      );
    }
    const interop = message.summary.interop;
    const segnatura = (interop?.kind === 'segnatura' ? interop.segnatura : null) as KeptSegnatura | null;
    const theirs = segnatura?.identificatore;
    const to = segnatura ? senderAddress(message.summary, segnatura) : null;
    if (!segnatura || !theirs || !to) {
      throw new DomainError(
        'PEC_AGGIORNAMENTO_NO_SEGNATURA',
        `record ${record.number}/${record.year} was registered from a message without a readable Segnatura (the sender's registration and address)`,
      );
    }
    if (record.state === ProtocolState.ANNULLATO) {
      throw new DomainError(
        'PROTOCOL_ANNULLED',
        `record ${record.number}/${record.year} is annulled: the sender was sent the Annullamento, not an update`,
      );
    }
    if (!mailbox.active || mailbox.kind !== PecMailboxKind.PEC) {
      throw new DomainError(
        'PEC_SEND_MAILBOX_UNUSABLE',
        `mailbox ${mailbox.address} cannot send: it is ${mailbox.active ? 'not a PEC mailbox' : 'not active'}`,
      );
    }
    const ours = await ourIdentifier(tx, record);
    const xml = await buildAggiornamento(
      { identificatore: ours, messaggioRicevuto: asIdentifier(theirs) },
      null,
      tx.clock.now(),
    );
    const numero = String(ours.numero).padStart(7, '0');
    const deliveries = await enqueuePecMessage(tx, {
      mailboxId: mailbox.id,
      to: [to],
      subject: `Aggiornamento di conferma: ${ours.codiceAOO} ${numero} del ${ours.data}`,
      text: [
        `Aggiornamento della registrazione di protocollo n. ${numero} del ${ours.data} del messaggio ricevuto` +
          ` (vostro protocollo n. ${theirs.numero} del ${theirs.data}).`,
        ...(text ? ['', text] : []),
      ].join('\n'),
      attachments: [{ fileName: 'Aggiornamento.xml', mediaType: 'application/xml', bytes: xml }],
      inReplyTo: message.summary.original?.messageId ?? message.messageId,
      recordId: record.id,
    });
    // Each request its own row (the once-only uniques leave aggiornamento out).
    const claimId = randomUUID();
    await tx.em.execute(
      `insert into pec_interop_sent (id, kind, record_id, pec_message_id, eccezione_code, delivery_ids, created_at)
       values (?, 'aggiornamento', ?, ?, null, '{}', ?)`,
      [claimId, record.id, message.id, tx.clock.now()],
    );
    await recordInteropDeliveries(
      tx,
      claimId,
      deliveries.map((d) => d.id),
    );
    await tx.audit({
      aooId: record.aooId,
      operation: 'pec.aggiornamento.send',
      targetType: 'ProtocolRecord',
      targetId: record.id,
      changes: {
        mailboxId: mailbox.id,
        pecMessageId: message.id,
        to,
        note: text || null,
        deliveries: deliveries.map((d) => ({ id: d.id, messageId: d.messageId })),
      },
    });
    return deliveries;
  });
}
