import { randomUUID } from 'node:crypto';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { annotateProtocol, ProtocolRecord } from '../../../schema/protocollo/index.js';
import type { PecMessage } from '../inbox/pec-message.entity.js';
import { PecMessageState } from '../mailbox/pec-enums.js';
import type { PecMailbox } from '../mailbox/pec-mailbox.entity.js';
import type { InteropCheck, InteropReference } from '../interop/index.js';
import { PecDelivery, PecDeliveryChanged } from '../send/index.js';
import { PecInteropReceived } from './ingest.events.js';
import { mailboxActor } from './auto-register.js';
import { isOurs } from './our-registration.js';
import { underSavepoint } from './savepoint.js';

type MessageKind = 'conferma' | 'aggiornamento' | 'eccezione' | 'annullamento';

/** Our record a reference names (our AOO's codes, number, date), or null. */
async function ourRecord(
  tx: UnitOfWork,
  aooId: string,
  ref: InteropReference,
): Promise<ProtocolRecord | null> {
  const numero = Number.parseInt(ref.numero, 10);
  if (!Number.isSafeInteger(numero) || !(await isOurs(tx, aooId, ref))) return null;
  return tx.em.findOne(ProtocolRecord, { aooId, number: numero, date: ref.data });
}

/**
 * The record we registered from the counterpart's message whose Segnatura carried `ref` (the
 * registration an incoming Annullamento says was annulled), from any mailbox of the AOO.
 */
async function recordRegisteredFrom(
  tx: UnitOfWork,
  aooId: string,
  ref: InteropReference,
): Promise<string | null> {
  const rows = await tx.em.execute<Array<{ record_id: string }>>(
    `select m.record_id from pec_message m
      where m.aoo_id = ? and m.state = 'REGISTERED'
        and m.summary -> 'interop' ->> 'kind' = 'segnatura'
        and lower(m.summary -> 'interop' -> 'segnatura' -> 'identificatore' ->> 'codiceAmministrazione') = lower(?)
        and lower(m.summary -> 'interop' -> 'segnatura' -> 'identificatore' ->> 'codiceAOO') = lower(?)
        and (m.summary -> 'interop' -> 'segnatura' -> 'identificatore' ->> 'numero')::text ~ '^[0-9]+$'
        and (m.summary -> 'interop' -> 'segnatura' -> 'identificatore' ->> 'numero')::bigint = ?
        and m.summary -> 'interop' -> 'segnatura' -> 'identificatore' ->> 'data' = ?
      order by m.registered_at limit 1`,
    [aooId, ref.codiceAmministrazione, ref.codiceAOO, Number.parseInt(ref.numero, 10), ref.data],
  );
  return rows[0]?.record_id ?? null;
}

/**
 * Our outgoing record (and the delivery) whose registration by the counterpart carried `ref`:
 * the counterpart annulled the registration it confirmed to us (Conferma or Aggiornamento).
 */
async function deliveryConfirmedAs(
  tx: UnitOfWork,
  aooId: string,
  ref: InteropReference,
): Promise<{ record_id: string; delivery_id: string | null } | null> {
  const rows = await tx.em.execute<Array<{ record_id: string; delivery_id: string | null }>>(
    `select r.record_id, r.delivery_id from pec_interop_received r join protocol_record p on p.id = r.record_id
      where p.aoo_id = ? and r.kind in ('conferma', 'aggiornamento')
        and lower(r.counterpart ->> 'codiceAmministrazione') = lower(?)
        and lower(r.counterpart ->> 'codiceAOO') = lower(?)
        and lower(r.counterpart ->> 'codiceRegistro') = lower(?)
        and (r.counterpart ->> 'numero') ~ '^[0-9]+$' and (r.counterpart ->> 'numero')::bigint = ?
        and r.counterpart ->> 'data' = ?
      order by r.received_at desc limit 1`,
    [
      aooId,
      ref.codiceAmministrazione,
      ref.codiceAOO,
      ref.codiceRegistro,
      Number.parseInt(ref.numero, 10),
      ref.data,
    ],
  );
  return rows[0] ?? null;
}

/** The delivery of our record to the address the answer came from (else its only delivery). */
async function deliveryOf(
  tx: UnitOfWork,
  recordId: string,
  from: string | null,
): Promise<PecDelivery | null> {
  const deliveries = await tx.em.find(PecDelivery, { recordId }, { orderBy: { queuedAt: 'asc' } });
  const address = from?.trim().toLowerCase();
  return (
    deliveries.find((d) => d.recipientAddress === address) ?? (deliveries.length === 1 ? deliveries[0] : null)
  );
}

export interface InteropApplied {
  recordId: string | null;
  deliveryId: string | null;
  /** Why it could not be applied to one of our records (the message then waits for an operator). */
  problem: string | null;
  /** Applied, but the note on the record could not be written (kept as a problem of the message). */
  note: string | null;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Allegato 6 §3.1.2: the record we registered from a message its sender has since annulled
 * carries the fact (an annotation, append-only), written as the mailbox's acting user.
 */
async function noteAnnulment(
  tx: UnitOfWork,
  mailbox: PecMailbox,
  recordId: string,
  check: InteropCheck,
): Promise<string | null> {
  const ref = check.reference;
  const text = [
    `Annullamento ricevuto via PEC (${check.fileName}): il mittente ha annullato la propria registrazione`,
    ref ? ` ${ref.codiceAOO} ${ref.codiceRegistro} n. ${ref.numero} del ${ref.data}` : '',
    `. Motivo: ${check.annullamento?.reason || 'non indicato'}`,
    `. Provvedimento: ${check.annullamento?.act ?? 'non indicato'}.`,
  ].join('');
  const noted = await underSavepoint(tx, async (inner) => {
    const actor = await mailboxActor(inner, mailbox);
    if (!actor) return 'no user of the mailbox may annotate the record';
    await annotateProtocol(actor, { id: recordId, text: text.slice(0, 4000) });
    return null;
  });
  const why = noted.ok ? noted.value : describe(noted.error);
  return why ? `the Annullamento is kept, but the record was not annotated: ${why}` : null;
}

/**
 * An incoming Conferma, Aggiornamento, Eccezione or Annullamento (Allegato 6 §3.1) applied in
 * the ingest's transaction: kept in pec_interop_received (append-only) with what it says, tied
 * to our record and to the delivery it answers (an Annullamento also annotated on the record);
 * an event for the record's operators. A message
 * that names none of our records is not applied: it stays for an operator, with the reason.
 * An applied one leaves the queue (closed with the reason): it is a service message, not a
 * document to register.
 */
export async function applyInteropMessage(
  tx: UnitOfWork,
  message: PecMessage,
  mailbox: PecMailbox,
  check: InteropCheck & { kind: MessageKind },
  sender: string | null,
): Promise<InteropApplied> {
  let recordId: string | null = null;
  let deliveryId: string | null = null;
  // An Annullamento from the sender of a message we registered (noted on our record).
  let senderAnnulled = false;
  // What the row keeps as the counterpart's registration: for an Annullamento, the one annulled.
  const counterpart = check.kind === 'annullamento' ? (check.reference ?? null) : (check.counterpart ?? null);
  if (check.kind === 'annullamento') {
    // The sender annulled the registration of a message we registered, or the recipient of our
    // message annulled the registration it confirmed to us.
    recordId = check.reference ? await recordRegisteredFrom(tx, mailbox.aooId, check.reference) : null;
    senderAnnulled = recordId !== null;
    if (!recordId && check.reference) {
      const confirmed = await deliveryConfirmedAs(tx, mailbox.aooId, check.reference);
      recordId = confirmed?.record_id ?? null;
      deliveryId = confirmed?.delivery_id ?? null;
    }
  } else if (check.reference) {
    const record = await ourRecord(tx, mailbox.aooId, check.reference);
    recordId = record?.id ?? null;
    deliveryId = record ? ((await deliveryOf(tx, record.id, sender))?.id ?? null) : null;
  }
  if (!recordId) {
    const named = check.reference
      ? `${check.reference.codiceAOO} ${check.reference.codiceRegistro} ${check.reference.numero} del ${check.reference.data}`
      : 'no registration';
    return {
      recordId: null,
      deliveryId: null,
      note: null,
      problem: `${check.fileName} names ${named}, which is not a registration of this AOO${check.kind === 'annullamento' ? ' received from its sender' : ''}`,
    };
  }
  const description =
    check.kind === 'eccezione'
      ? (check.eccezione?.description ?? null)
      : check.kind === 'annullamento'
        ? (check.annullamento?.reason ?? null)
        : null;
  await tx.em.execute(
    `insert into pec_interop_received (id, pec_message_id, kind, record_id, delivery_id, counterpart, eccezione_code,
                                       description, act, schema_valid, problems, received_at)
     values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?::jsonb, ?) on conflict (pec_message_id) do nothing`,
    [
      randomUUID(),
      message.id,
      check.kind,
      recordId,
      deliveryId,
      counterpart ? JSON.stringify(counterpart) : null,
      check.eccezione?.code ?? null,
      description?.slice(0, 4000) ?? null,
      check.annullamento?.act?.slice(0, 4000) ?? null,
      check.schemaValid,
      JSON.stringify(check.problems),
      message.receivedAt,
    ],
  );
  const reason = `${check.fileName} (${check.kind}) applied to the record it concerns`;
  await tx.em.execute(
    `update pec_message set state = ?, discard_reason = ?, discarded_at = ? where id = ? and state = ?`,
    [PecMessageState.DISCARDED, reason, tx.clock.now(), message.id, PecMessageState.TO_REGISTER],
  );
  await tx.audit({
    aooId: mailbox.aooId,
    operation: 'pec.interop.receive',
    targetType: 'PecMessage',
    targetId: message.id,
    changes: {
      kind: check.kind,
      recordId,
      deliveryId,
      counterpart,
      code: check.eccezione?.code ?? null,
      description,
      state: [PecMessageState.TO_REGISTER, PecMessageState.DISCARDED],
    },
  });
  tx.publish(
    new PecInteropReceived({
      pecMessageId: message.id,
      mailboxId: mailbox.id,
      aooId: mailbox.aooId,
      kind: check.kind,
      recordId,
      deliveryId,
      code: check.eccezione?.code ?? null,
      description,
    }),
  );
  // The delivery's subscribers (pecDeliveryChanged) see what the counterpart said.
  if (deliveryId) {
    const delivery = await tx.em.findOneOrFail(PecDelivery, { id: deliveryId });
    tx.publish(
      new PecDeliveryChanged({
        deliveryId: delivery.id,
        aooId: delivery.aooId,
        mailboxId: delivery.mailboxId,
        recordId: delivery.recordId,
        relatedRecordId: delivery.relatedRecordId,
        recipientAddress: delivery.recipientAddress,
        messageId: delivery.messageId,
        previousState: delivery.state,
        state: delivery.state,
      }),
    );
  }
  const note = senderAnnulled ? await noteAnnulment(tx, mailbox, recordId, check) : null;
  return { recordId, deliveryId, problem: null, note };
}
