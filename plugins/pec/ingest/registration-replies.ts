import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { ProtocolRecord } from '../../../schema/protocollo/index.js';
import { PecMessage } from '../inbox/pec-message.entity.js';
import type { InteropSummary, StoredSummary } from '../inbox/stored-summary.js';
import { PecMailboxKind, PecMessageState } from '../mailbox/pec-enums.js';
import { PecMailbox } from '../mailbox/pec-mailbox.entity.js';
import {
  buildConferma,
  buildEccezione,
  type EccezioneCode,
  type InteropReference,
  type MessaggioRicevutoInput,
} from '../interop/index.js';
import { enqueuePecMessage, enqueueRegistrationReceipt } from '../send/index.js';
import { claimInteropSending, recordInteropDeliveries } from './interop-sent.js';
import { asIdentifier, ourIdentifier } from './our-registration.js';

/** The Segnatura part of a stored summary, as the ingest's readers keep it (readers.ts). */
interface KeptSegnatura {
  identificatore?: InteropReference | null;
  confermaRichiesta?: boolean;
  mittente: { pec?: string | null } | null;
}

function keptSegnatura(interop: InteropSummary | null): KeptSegnatura | null {
  return interop?.kind === 'segnatura' && interop.segnatura ? interop.segnatura : null;
}

/**
 * Allegato 6 §3.1.1 B: the anomaly an irregular Segnatura is answered with, first found first:
 * a Segnatura that fails the XSD cannot be read as one (000_Irricevibile, with the reason), a
 * seal broken or missing (001), a digest that does not match its file (002), a document it names
 * that is not in the message (003). An untrusted but intact seal is not an anomaly of the
 * message (the trust list is ours). Null: regular.
 */
export function anomalyOf(interop: InteropSummary): { code: EccezioneCode; detail: string } | null {
  const problems = interop.problems;
  const find = (re: RegExp) => problems.find((p) => re.test(p));
  if (!interop.schemaValid)
    return {
      code: '000_Irricevibile',
      detail: find(/validate|root element|namespace/) ?? 'la segnatura non è conforme allo schema',
    };
  if (interop.seal === 'invalid' || interop.seal === 'unsigned')
    return { code: '001_ValidazioneFirma', detail: find(/seal/) ?? `sigillo ${interop.seal}` };
  const digest = find(/impronta of .* does not match/);
  if (digest) return { code: '002_AnomaliaImpronta', detail: digest };
  const missing = find(/listed in the Segnatura is not attached/);
  if (missing) return { code: '003_DocumentoAllegatiNonLeggibili', detail: missing };
  return null;
}

/** Where a reply to the message goes: the Segnatura's sender address, else the PEC sender. */
function replyAddress(summary: StoredSummary, segnatura: KeptSegnatura | null): string | null {
  const address =
    segnatura?.mittente?.pec ?? summary.daticert?.mittente ?? summary.original?.from ?? summary.from;
  const bare = address?.match(/<([^<>]+)>\s*$/)?.[1] ?? address ?? null;
  return bare?.trim().toLowerCase() || null;
}

function attachment(fileName: string, bytes: Buffer) {
  return { fileName, mediaType: 'application/xml', bytes };
}

/**
 * What this AOO owes the sender once a message is registered (automatically or by an operator),
 * each at most once (claimInteropSending) and in the caller's transaction: the Conferma the
 * Segnatura asked for, or the Eccezione of an irregular Segnatura (Allegato 6 §3.1.1), built,
 * validated against pec_message.xsd (unsealed: see below); the receipt of registration when the mailbox sends
 * one (001 §6.6). Called in the registering transaction by registerPecMessage (automatic or an
 * operator's registration), and again as a safety net by the event handler and the
 * reconciliation job (the claim makes the later ones do nothing). Returns what was enqueued.
 */
export async function sendRegistrationReplies(tx: UnitOfWork, pecMessageId: string): Promise<string[]> {
  const message = await tx.em.findOne(PecMessage, { id: pecMessageId });
  if (!message || message.state !== PecMessageState.REGISTERED || !message.recordId) return [];
  const mailbox = await tx.em.findOneOrFail(PecMailbox, { id: message.mailboxId });
  if (!mailbox.active) return [];
  const record = await tx.em.findOneOrFail(ProtocolRecord, { id: message.recordId });
  const summary = message.summary;
  const segnatura = keptSegnatura(summary.interop);
  const to = replyAddress(summary, segnatura);
  const sent: string[] = [];
  if (!to) return sent;
  const inReplyTo = summary.original?.messageId ?? message.messageId;
  if (segnatura && summary.interop && mailbox.kind === PecMailboxKind.PEC) {
    const anomaly = anomalyOf(summary.interop);
    const ours = await ourIdentifier(tx, record);
    const received: MessaggioRicevutoInput = segnatura.identificatore
      ? { identificatore: asIdentifier(segnatura.identificatore) }
      : { descrizione: `Messaggio ${inReplyTo ?? message.id} ricevuto da ${to}` };
    // Unsealed: pec_message.xsd has no place for a ds:Signature in these messages, so a sealed
    // one fails a strict receiver's validation; Allegato 6 seals the Segnatura only, and the PEC
    // provider signs the busta that carries them.
    const seal = null;
    if (anomaly) {
      const claim = await claimInteropSending(tx, {
        kind: 'eccezione',
        recordId: null,
        pecMessageId: message.id,
        eccezioneCode: anomaly.code,
      });
      if (claim) {
        const xml = await buildEccezione(
          {
            code: anomaly.code,
            detail: anomaly.detail.slice(0, 1000),
            identificatore: ours,
            messaggioRicevuto: received,
          },
          seal,
          tx.clock.now(),
        );
        const deliveries = await enqueuePecMessage(tx, {
          mailboxId: mailbox.id,
          to: [to],
          subject: `Notifica di eccezione: ${anomaly.code}`,
          text: `Il messaggio ricevuto presenta un'anomalia (${anomaly.code}): ${anomaly.detail}`,
          attachments: [attachment('Eccezione.xml', xml)],
          inReplyTo,
          recordId: record.id,
        });
        await recordInteropDeliveries(
          tx,
          claim,
          deliveries.map((d) => d.id),
        );
        sent.push('eccezione');
      }
    } else if (segnatura.confermaRichiesta && segnatura.identificatore) {
      const claim = await claimInteropSending(tx, {
        kind: 'conferma',
        recordId: null,
        pecMessageId: message.id,
      });
      if (claim) {
        const xml = await buildConferma(
          { identificatore: ours, messaggioRicevuto: asIdentifier(segnatura.identificatore) },
          seal,
          tx.clock.now(),
        );
        const deliveries = await enqueuePecMessage(tx, {
          mailboxId: mailbox.id,
          to: [to],
          subject: `Conferma di ricezione: ${ours.codiceAOO} ${ours.numero} del ${ours.data}`,
          text: `Il messaggio ricevuto è stato registrato al protocollo n. ${ours.numero} del ${ours.data}.`,
          attachments: [attachment('Conferma.xml', xml)],
          inReplyTo,
          recordId: record.id,
        });
        await recordInteropDeliveries(
          tx,
          claim,
          deliveries.map((d) => d.id),
        );
        sent.push('conferma');
      }
    }
  }
  if (mailbox.sendRegistrationReceipt && mailbox.kind === PecMailboxKind.PEC) {
    const claim = await claimInteropSending(tx, {
      kind: 'ricevuta',
      recordId: null,
      pecMessageId: message.id,
    });
    if (claim) {
      const delivery = await enqueueRegistrationReceipt(tx, record.id, mailbox.id, to);
      await recordInteropDeliveries(tx, claim, delivery ? [delivery.id] : []);
      if (delivery) sent.push('ricevuta');
    }
  }
  return sent;
}
