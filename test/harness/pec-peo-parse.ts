import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { ParsedIncoming } from '../../plugins/pec/inbox/stored-summary.js';
import { pecReaders, type IncomingReaders } from '../../plugins/pec/index.js';

/**
 * A minimal reader of ordinary messages (mailparser) that tests start from when they hand the
 * store a parse result of their own (a busta around an ordinary message): an `X-Ricevuta`
 * header makes a receipt, anything else is ordinary mail whose certified message is itself.
 * The store's tests otherwise use the plugin's own readers (PEO_READERS).
 */
export async function parsePeoForTests(raw: Buffer): Promise<ParsedIncoming> {
  const m = await simpleParser(raw);
  const header = (name: string): string | null => {
    const v = m.headers.get(name);
    return typeof v === 'string' ? v.trim() : null;
  };
  const addresses = (v: typeof m.to): string[] =>
    (Array.isArray(v) ? v : v ? [v] : []).flatMap((a) => a.value.map((x) => x.address ?? '')).filter(Boolean);
  const receipt = header('x-ricevuta');
  const from = m.from?.text ?? null;
  return {
    kind: receipt ? 'receipt' : 'peo',
    transport: null,
    receipt,
    messageId: m.messageId ?? null,
    riferimentoMessageId: header('x-riferimento-message-id'),
    from,
    to: addresses(m.to),
    subject: m.subject ?? null,
    date: m.date?.toISOString() ?? null,
    signature: { outcome: 'unsigned', reason: null, signer: null },
    daticert: null,
    original: receipt
      ? null
      : {
          messageId: m.messageId ?? null,
          from,
          subject: m.subject ?? null,
          date: m.date?.toISOString() ?? null,
          raw,
        },
    attachments: m.attachments.map((a) => ({
      fileName: a.filename ?? 'allegato',
      mediaType: a.contentType,
      size: a.size,
      sha256: createHash('sha256').update(a.content).digest('hex'),
      bytes: a.content,
    })),
    problems: [],
  };
}

/** The plugin's own readers (parsePecMessage, the interop check), as the ingest loop uses them. */
export const PEO_READERS: IncomingReaders = pecReaders();

/** An ordinary message with a PDF attachment. */
export function peoMessage(o: {
  messageId: string;
  subject: string;
  from?: string;
  to?: string;
  pdf?: Buffer;
  extraHeader?: string;
}): Buffer {
  const pdf = o.pdf ?? Buffer.from(`%PDF-1.4\n% ${o.messageId}\n%%EOF\n`);
  return Buffer.from(
    [
      ...(o.extraHeader ? [o.extraHeader] : []),
      `From: ${o.from ?? '"Mario Rossi" <mario.rossi@example.it>'}`,
      `To: ${o.to ?? 'protocollo@comune.esempio.it'}`,
      `Subject: ${o.subject}`,
      `Message-ID: ${o.messageId}`,
      'Date: Fri, 04 Dec 2026 10:00:00 +0100',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Si trasmette la domanda.',
      '--b1',
      'Content-Type: application/pdf; name="domanda.pdf"',
      'Content-Disposition: attachment; filename="domanda.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdf.toString('base64'),
      '--b1--',
      '',
    ].join('\r\n'),
  );
}
