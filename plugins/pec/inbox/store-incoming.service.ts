import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { RequestContext } from '../../../server/context.js';
import { withTransaction } from '../../../server/db/unit-of-work.js';
import { DomainError, NotFoundError } from '../../../server/errors/domain-error.js';
import { isUuid } from '../../../server/errors/input-checks.js';
import { blobLockKey } from '../../../schema/documents/index.js';
import { PecMessageKind, PecMessageState } from '../mailbox/pec-enums.js';
import { PecMailbox } from '../mailbox/pec-mailbox.entity.js';
import { PecMessageReceived, type PecMessageEventData } from './pec-events.js';
import { PecMessage } from './pec-message.entity.js';
import type {
  IncomingAttachment,
  InteropSummary,
  ParsedIncoming,
  StoredPart,
  StoredSummary,
} from './stored-summary.js';

/** Where the ingest loop found the message on the IMAP server (null: not from IMAP). */
export interface ImapRef {
  uidValidity: number;
  uid: number;
}

/**
 * What the store needs from the other parts of the plugin, handed by its caller (the ingest
 * loop passes plugins/pec/message's parsePecMessage and plugins/pec/interop's
 * findInteropAttachment): the inbox depends on their shapes, not on their folders.
 */
export interface IncomingReaders {
  parse(raw: Buffer): Promise<ParsedIncoming>;
  /** Absent, or null for a message without one: no interoperability check recorded. */
  findInterop?(attachments: IncomingAttachment[]): Promise<InteropSummary | null>;
}

export interface StoredIncoming {
  message: PecMessage;
  /** False when the message was already there (same bytes, or the same Message-ID). */
  created: boolean;
}

const KINDS: Record<ParsedIncoming['kind'], PecMessageKind> = {
  busta: PecMessageKind.BUSTA,
  receipt: PecMessageKind.RECEIPT,
  anomalia: PecMessageKind.ANOMALIA,
  peo: PecMessageKind.PEO,
};

/** The data of the message's events (received, registered, discarded). */
export function eventData(m: PecMessage): PecMessageEventData {
  return {
    messageId: m.id,
    mailboxId: m.mailboxId,
    aooId: m.aooId,
    kind: m.kind,
    state: m.state,
    headerMessageId: m.messageId,
    riferimentoMessageId: m.summary.riferimentoMessageId,
    receiptKind: m.receiptKind,
    recordId: m.recordId,
    at: (m.registeredAt ?? m.discardedAt ?? m.receivedAt).toISOString(),
  };
}

async function putPart(
  ctx: RequestContext,
  name: string,
  mediaType: string,
  bytes: Buffer,
): Promise<StoredPart> {
  const blob = await ctx.platform.blobs.put(Readable.from([bytes]));
  return { fileName: name, mediaType, size: blob.size, sha256: blob.sha256, blobKey: blob.key };
}

/** The Message-ID as kept: trimmed, at most the column's length (longer ones are not an identity). */
function messageIdOf(parsed: ParsedIncoming): string | null {
  const id = parsed.messageId?.trim() ?? '';
  return id.length > 0 && id.length <= 998 ? id : null;
}

/**
 * Stores one message as the mailbox received it, once: the same bytes twice, or the same
 * Message-ID seen again (the IMAP server renumbered its messages after a UIDVALIDITY change)
 * give back the row already there. Safe under concurrency through the table's UNIQUE
 * constraints (the insert does nothing on a conflict), not a read before the insert. The raw
 * bytes and the parts go to the blob store (content-addressed, so a repeat writes nothing new)
 * before the row, whose insert holds the digests' advisory locks shared with the orphan
 * collector. Receipts are stored as RECEIPT (the send side matches them on the event), the
 * rest wait for an operator (TO_REGISTER).
 */
export async function storeIncomingMessage(
  ctx: RequestContext,
  mailboxId: string,
  raw: Buffer,
  imapRef: ImapRef | null,
  readers: IncomingReaders,
): Promise<StoredIncoming> {
  const mailbox = isUuid(mailboxId) ? await ctx.em.fork().findOne(PecMailbox, { id: mailboxId }) : null;
  if (!mailbox) throw new NotFoundError('PecMailbox', mailboxId);
  if (!mailbox.active) {
    throw new DomainError('PEC_MAILBOX_INACTIVE', `mailbox ${mailbox.address} is deactivated`);
  }
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const parsed = await readers.parse(raw);
  const interop =
    readers.findInterop && parsed.attachments.length > 0
      ? await readers.findInterop(parsed.attachments)
      : null;
  const rawBlob = await ctx.platform.blobs.put(Readable.from([raw]));
  const postacertBytes = parsed.kind === 'peo' ? raw : (parsed.original?.raw ?? null);
  const postacert = postacertBytes
    ? await putPart(ctx, 'postacert.eml', 'message/rfc822', postacertBytes)
    : null;
  const attachments: StoredPart[] = [];
  for (const a of parsed.attachments) attachments.push(await putPart(ctx, a.fileName, a.mediaType, a.bytes));
  const summary: StoredSummary = {
    transport: parsed.transport,
    riferimentoMessageId: parsed.riferimentoMessageId,
    from: parsed.from,
    to: parsed.to,
    subject: parsed.subject,
    date: parsed.date,
    signatureReason: parsed.signature.reason,
    signer: parsed.signature.signer,
    daticert: parsed.daticert
      ? {
          mittente: parsed.daticert.mittente,
          oggetto: parsed.daticert.oggetto,
          identificativo: parsed.daticert.identificativo,
          dataOra: parsed.daticert.dataOra,
        }
      : null,
    original: parsed.original
      ? {
          messageId: parsed.original.messageId,
          from: parsed.original.from,
          subject: parsed.original.subject,
          date: parsed.original.date,
        }
      : null,
    postacert,
    attachments,
    interop,
  };
  const kind = KINDS[parsed.kind];
  const messageId = messageIdOf(parsed);
  return withTransaction(ctx, async (tx) => {
    const keys = new Set([
      rawBlob.sha256,
      ...(postacert ? [postacert.sha256] : []),
      ...attachments.map((a) => a.sha256),
    ]);
    for (const key of [...keys].sort())
      await tx.em.execute('select pg_advisory_xact_lock(?)', [blobLockKey(key)]);
    const id = randomUUID();
    const inserted = await tx.em.execute<Array<{ id: string }>>(
      `insert into pec_message (id, aoo_id, mailbox_id, kind, receipt_kind, state, message_id, sha256, size, raw_blob_key,
                                summary, signature_outcome, problems, imap_uid_validity, imap_uid, received_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?)
       on conflict do nothing returning id`,
      [
        id,
        mailbox.aooId,
        mailbox.id,
        kind,
        kind === PecMessageKind.RECEIPT ? (parsed.receipt ?? 'sconosciuta') : null,
        kind === PecMessageKind.RECEIPT ? PecMessageState.RECEIPT : PecMessageState.TO_REGISTER,
        messageId,
        sha256,
        raw.length,
        rawBlob.key,
        JSON.stringify(summary),
        parsed.signature.outcome,
        JSON.stringify(parsed.problems),
        imapRef?.uidValidity ?? null,
        imapRef?.uid ?? null,
        tx.clock.now(),
      ],
    );
    if (inserted.length === 0) {
      // A conflict: the row is there (committed, or this insert waited for its transaction).
      const existing = await tx.em.findOne(PecMessage, {
        mailboxId: mailbox.id,
        ...(messageId !== null ? { $or: [{ sha256 }, { messageId }] } : { sha256 }),
      });
      if (!existing) throw new Error(`pec_message conflict for ${sha256} without a row`);
      if (imapRef !== null) {
        // Where it sits now on the server (after a UIDVALIDITY change), for marking it there.
        await tx.em.execute(`update pec_message set imap_uid_validity = ?, imap_uid = ? where id = ?`, [
          imapRef.uidValidity,
          imapRef.uid,
          existing.id,
        ]);
      }
      return { message: existing, created: false };
    }
    const message = await tx.em.findOneOrFail(PecMessage, { id });
    await tx.audit({
      aooId: mailbox.aooId,
      operation: 'pec.message.receive',
      targetType: 'PecMessage',
      targetId: id,
      changes: { mailboxId: mailbox.id, kind, state: message.state, messageId, sha256, size: raw.length },
    });
    tx.publish(new PecMessageReceived(eventData(message)));
    return { message, created: true };
  });
}
