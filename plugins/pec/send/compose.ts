import type { Readable } from 'node:stream';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { StoredFile } from '../../../schema/documents/index.js';
import { Aoo } from '../../../schema/organisation/index.js';
import {
  formatProtocolNumber,
  ProtocolFile,
  type ProtocolRecord,
  storedSegnatura,
} from '../../../schema/protocollo/index.js';
import type { PecDelivery } from './delivery.entity.js';

/** An attachment of an outgoing message, bytes in hand. */
export interface OutgoingAttachment {
  fileName: string;
  mediaType: string;
  bytes: Buffer;
}

/** What a delivery sends, before the envelope (From, To, Message-ID) is put around it. */
export interface OutgoingContent {
  subject: string;
  text: string;
  attachments: OutgoingAttachment[];
  inReplyTo: string | null;
}

/** The name AgID Allegato 6 gives the segnatura attached to a message between AOOs. */
export const SEGNATURA_FILE_NAME = 'Segnatura.xml';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `Prot. n. 0000042 del 05/12/2026`: how the register names a record in Italian. */
export function protocolReference(record: ProtocolRecord): string {
  const [y, m, d] = record.date.split('-');
  return `Prot. n. ${formatProtocolNumber(record.number)} del ${d}/${m}/${y}`;
}

/**
 * The content of a protocol record sent by PEC: the registratura's files exactly as bound at
 * registration (bytes from the blob store, checked against the registered digest), with the
 * names they were uploaded under, and the record's sealed Segnatura.xml as stored.
 */
export async function protocolContent(tx: UnitOfWork, record: ProtocolRecord): Promise<OutgoingContent> {
  const aoo = await tx.em.findOneOrFail(Aoo, record.aooId, { populate: ['administration'] });
  const bound = await tx.em.find(ProtocolFile, { recordId: record.id }, { orderBy: { position: 'asc' } });
  const stored = await tx.em.find(StoredFile, { id: { $in: bound.map((f) => f.fileId) } });
  const byId = new Map(stored.map((s) => [s.id, s]));
  const attachments: OutgoingAttachment[] = [];
  for (const f of bound) {
    const file = byId.get(f.fileId);
    if (!file) throw new Error(`record ${record.id}: stored file ${f.fileId} is missing`);
    if (file.sha256 !== f.sha256) {
      throw new Error(`record ${record.id}: file ${f.position} no longer has its registered digest`);
    }
    const bytes = await readAll(await tx.platform.blobs.get(file.blobKey));
    attachments.push({ fileName: file.originalName, mediaType: file.mediaType, bytes });
  }
  const segnatura = await storedSegnatura(tx, record.id);
  if (segnatura) {
    attachments.push({
      fileName: SEGNATURA_FILE_NAME,
      mediaType: 'application/xml',
      bytes: Buffer.from(segnatura.xml, 'utf8'),
    });
  }
  const reference = protocolReference(record);
  const text = [
    `${aoo.administration.name} — ${aoo.name}`,
    '',
    `Si trasmette il documento registrato al protocollo: ${reference}.`,
    `Oggetto: ${record.oggetto}`,
    '',
    segnatura
      ? `In allegato il documento, ${record.attachmentCount} allegati e la segnatura di protocollo (${SEGNATURA_FILE_NAME}).`
      : `In allegato il documento e ${record.attachmentCount} allegati.`,
  ].join('\n');
  return { subject: `${reference} - ${record.oggetto}`, text, attachments, inReplyTo: null };
}

/** The stored content of a message that is not a protocol record (interoperability, receipt). */
export async function storedContent(tx: UnitOfWork, contentId: string): Promise<OutgoingContent> {
  const rows = await tx.em.execute<Array<{ subject: string; body: string; in_reply_to: string | null }>>(
    'select subject, body, in_reply_to from pec_outgoing_content where id = ?',
    [contentId],
  );
  const row = rows[0];
  if (!row) throw new Error(`outgoing PEC content ${contentId} is missing`);
  const files = await tx.em.execute<Array<{ file_name: string; media_type: string; bytes: Buffer }>>(
    'select file_name, media_type, bytes from pec_outgoing_attachment where content_id = ? order by position',
    [contentId],
  );
  return {
    subject: row.subject,
    text: row.body,
    inReplyTo: row.in_reply_to,
    attachments: files.map((f) => ({ fileName: f.file_name, mediaType: f.media_type, bytes: f.bytes })),
  };
}

// A subject is one line: control characters (a line break would start a header) become spaces.
function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** The message as handed to SMTP: From the mailbox, To the one recipient, the stored Message-ID. */
export function envelope(
  delivery: PecDelivery,
  from: string,
  content: OutgoingContent,
  date: Date,
): Mail.Options {
  return {
    from,
    to: delivery.recipientName
      ? { name: delivery.recipientName, address: delivery.recipientAddress }
      : delivery.recipientAddress,
    subject: oneLine(content.subject),
    text: content.text,
    date,
    messageId: delivery.messageId,
    ...(content.inReplyTo ? { inReplyTo: content.inReplyTo, references: [content.inReplyTo] } : {}),
    attachments: content.attachments.map((a) => ({
      filename: a.fileName,
      content: a.bytes,
      contentType: a.mediaType,
    })),
  };
}
