import type { RequestContext } from '../../../server/context.js';
import { withTransaction, type UnitOfWork } from '../../../server/db/unit-of-work.js';
import { ProtocolRecord, ProtocolState } from '../../../schema/protocollo/index.js';
import { PecMessage } from '../inbox/pec-message.entity.js';
import { PecMailboxKind, PecMessageState } from '../mailbox/pec-enums.js';
import { PecMailbox } from '../mailbox/pec-mailbox.entity.js';
import { buildAnnullamento } from '../interop/index.js';
import { enqueuePecMessage } from '../send/index.js';
import { claimInteropSending, recordInteropDeliveries } from './interop-sent.js';
import { ourIdentifier } from './our-registration.js';

/** How far back the reconciliation looks for annulments (a lost event is found well within it). */
export const ANNULMENT_LOOKBACK_MS = 7 * 24 * 3600 * 1000;

/**
 * Allegato 6 §3.1.2: the sender of a message we registered from its Segnatura is told when our
 * registration is annulled (Annullamento.xml, XSD-valid and unsealed, to the Segnatura's sender). At most once
 * per record (claimInteropSending), in the caller's transaction. Nothing for a record not
 * registered from such a message, or not annulled. Returns whether it was enqueued now.
 */
export async function sendAnnulmentNotice(tx: UnitOfWork, recordId: string): Promise<boolean> {
  const record = await tx.em.findOne(ProtocolRecord, { id: recordId });
  if (!record || record.state !== ProtocolState.ANNULLATO) return false;
  const message = await tx.em.findOne(PecMessage, { recordId, state: PecMessageState.REGISTERED });
  const interop = message?.summary.interop;
  if (!message || interop?.kind !== 'segnatura' || !interop.segnatura) return false;
  const mailbox = await tx.em.findOneOrFail(PecMailbox, { id: message.mailboxId });
  if (mailbox.kind !== PecMailboxKind.PEC) return false;
  const summary = message.summary;
  const address = interop.segnatura.mittente?.pec ?? summary.daticert?.mittente ?? summary.from;
  const to = (address?.match(/<([^<>]+)>\s*$/)?.[1] ?? address)?.trim().toLowerCase();
  if (!to) return false;
  const claim = await claimInteropSending(tx, { kind: 'annullamento', recordId, pecMessageId: null });
  if (!claim) return false;
  const ours = await ourIdentifier(tx, record);
  const xml = await buildAnnullamento(
    {
      identificatore: ours,
      motivo: record.annulmentReason ?? 'annullamento della registrazione',
      provvedimento: record.annulmentAuthorisation ?? 'provvedimento non indicato',
    },
    // Unsealed, as every interoperability message but the Segnatura (registration-replies.ts).
    null,
    tx.clock.now(),
  );
  const deliveries = await enqueuePecMessage(tx, {
    mailboxId: mailbox.id,
    to: [to],
    subject: `Annullamento della protocollazione: ${ours.codiceAOO} ${ours.numero} del ${ours.data}`,
    text: `La registrazione di protocollo n. ${ours.numero} del ${ours.data} del messaggio ricevuto è stata annullata.`,
    attachments: [{ fileName: 'Annullamento.xml', mediaType: 'application/xml', bytes: xml }],
    inReplyTo: summary.original?.messageId ?? message.messageId,
    recordId,
  });
  await recordInteropDeliveries(
    tx,
    claim,
    deliveries.map((d) => d.id),
  );
  return true;
}

/**
 * The durable half (event handlers run after commit in memory and are lost in a crash): every
 * record annulled in the last ANNULMENT_LOOKBACK_MS that was registered from a PEC message
 * with a Segnatura and has no Annullamento claimed gets one now. Each record in its own
 * transaction, so one failure does not hold back the others. Returns how many were enqueued.
 */
export async function reconcileAnnulmentNotices(ctx: RequestContext): Promise<number> {
  const since = new Date(ctx.clock.now().getTime() - ANNULMENT_LOOKBACK_MS);
  const annulled = await ctx.em
    .fork()
    .find(
      ProtocolRecord,
      { state: ProtocolState.ANNULLATO, annulledAt: { $gte: since } },
      { fields: ['id'], orderBy: { annulledAt: 'asc' }, limit: 5000 },
    );
  if (annulled.length === 0) return 0;
  const pending = await ctx.em.execute<Array<{ record_id: string }>>(
    `select m.record_id from pec_message m
      where m.record_id = any(?::uuid[]) and m.summary -> 'interop' ->> 'kind' = 'segnatura'
        and not exists (select 1 from pec_interop_sent s where s.kind = 'annullamento' and s.record_id = m.record_id)`,
    [`{${annulled.map((r) => r.id).join(',')}}`],
  );
  let sent = 0;
  for (const { record_id } of pending) {
    try {
      if (await withTransaction(ctx, (tx) => sendAnnulmentNotice(tx, record_id))) sent += 1;
    } catch (err) {
      ctx.logger.error(
        { err, recordId: record_id },
        'PEC: the Annullamento of an annulled record could not be enqueued',
      );
    }
  }
  return sent;
}
