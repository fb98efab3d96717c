import { base64Lines, boundary, CRLF, headerBlock, multipartBody, quotedPrintableLatin1 } from './mime.js';
import type { HeaderField, MimePart } from './mime.js';
import { buildDaticert, romeTime, type DaticertErrore, type DaticertTipo } from './daticert.js';
import { signedMessage } from './smime.js';
import type { ProviderIdentity } from './test-ca.js';

/** What the provider read from a submitted message (its header fields; the bytes travel untouched). */
export interface OriginalMessage {
  raw: Buffer;
  /** Message-ID with its angle brackets (null: the message had none). */
  messageId: string | null;
  from: string;
  to: string[];
  cc: string[];
  replyTo: string | null;
  /** Decoded subject (null: none). */
  subject: string | null;
  /** The Subject header as written (encoded words kept), for the busta's and receipts' subject. */
  rawSubject: string | null;
}

/** The receipts (X-Ricevuta values) the simulator emits. */
export type ReceiptKind =
  'accettazione' | 'non-accettazione' | 'avvenuta-consegna' | 'errore-consegna' | 'rilevazione-virus';

/** The provider that emits a message: its domain, name (gestore-emittente) and signing identity. */
export interface Emitter {
  domain: string;
  gestore: string;
  identity: ProviderIdentity;
}

export interface Recipient {
  address: string;
  tipo: 'certificato' | 'esterno';
}

interface Envelope {
  emitter: Emitter;
  original: OriginalMessage;
  recipients: Recipient[];
  identificativo: string;
  at: Date;
  /** The receipt's or busta's own Message-ID, with angle brackets. */
  messageId: string;
}

export interface ReceiptSpec extends Envelope {
  kind: ReceiptKind;
  errore: DaticertErrore;
  /** The address the receipt concerns (consegna), for delivery receipts and errors. */
  consegna?: string;
  erroreEsteso?: string;
  /** 'completa' delivery receipts carry the original as postacert.eml. */
  ricevuta?: 'completa' | 'sintetica';
  /** The mailbox the receipt goes to (the sender). */
  to: string;
}

// Latin-1 bodies (as the samples): characters outside it become '?', never mangled bytes.
function latin1(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[^\x00-\xff]/g, '?');
}

function html(text: string): string {
  return latin1(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/è/g, '&egrave;')
    .replace(/à/g, '&agrave;');
}

function subjectOf(prefix: string, original: OriginalMessage): string {
  return `${prefix}: ${original.rawSubject ?? ''}`.trimEnd();
}

function bodyParts(text: string, htmlBody: string, seconds: number): MimePart {
  const b = boundary(seconds, 2);
  const part = (type: string, content: string): MimePart => ({
    headers: [
      ['Content-Type', `${type}; charset="iso-8859-1"`],
      ['Content-Disposition', 'inline'],
      ['Content-Transfer-Encoding', 'quoted-printable'],
    ],
    body: quotedPrintableLatin1(latin1(content)),
  });
  return {
    headers: [
      ['Content-Type', `multipart/alternative;${CRLF} boundary="${b}"`],
      ['Content-Transfer-Encoding', 'binary'],
    ],
    body: multipartBody([part('text/plain', text), part('text/html', htmlBody)], b),
  };
}

/**
 * The signed entity of every PEC message the simulator emits, in the samples' layout:
 * multipart/mixed { multipart/alternative { text/plain, text/html }, [postacert.eml],
 * daticert.xml }. postacert.eml is the original byte for byte (message/rfc822, binary).
 */
function signedEntity(
  text: string,
  htmlBody: string,
  daticert: Buffer,
  postacert: Buffer | null,
  at: Date,
): Buffer {
  const seconds = Math.floor(at.getTime() / 1000);
  const b = boundary(seconds, 1);
  const parts: MimePart[] = [bodyParts(text, htmlBody, seconds)];
  if (postacert) {
    // The original ends with CRLF (SMTP DATA); the delimiter's CRLF comes after it.
    parts.push({
      headers: [
        ['Content-Type', 'message/rfc822; name="postacert.eml"'],
        ['Content-Disposition', 'inline; filename="postacert.eml"'],
        ['Content-Transfer-Encoding', 'binary'],
      ],
      body: postacert,
    });
  }
  parts.push({
    headers: [
      ['Content-Type', 'application/xml; name="daticert.xml"'],
      ['Content-Disposition', 'inline; filename="daticert.xml"'],
      ['Content-Transfer-Encoding', 'base64'],
    ],
    body: base64Lines(daticert),
  });
  const head = headerBlock([
    ['Content-Type', `multipart/mixed; boundary="${b}"`],
    ['Content-Transfer-Encoding', 'binary'],
    ['MIME-Version', '1.0'],
  ]);
  return Buffer.concat([Buffer.from(head + CRLF), multipartBody(parts, b)]);
}

function recipientList(recipients: Recipient[]): string {
  return recipients
    .map((r) => `${r.address} ("${r.tipo === 'certificato' ? 'posta certificata' : 'posta ordinaria'}")`)
    .join('\n');
}

/**
 * The busta di trasporto: the original message as an attachment (postacert.eml) of a message
 * signed by the sender's provider, From "Per conto di: <sender>" <posta-certificata@domain>,
 * X-Trasporto: posta-certificata, Subject "POSTA CERTIFICATA: <subject>", Message-ID = the
 * identificativo, X-Riferimento-Message-ID = the original Message-ID.
 */
export async function buildBusta(e: Envelope & { ricevuta: 'completa' | 'sintetica' }): Promise<Buffer> {
  const o = e.original;
  const t = romeTime(e.at);
  const daticert = buildDaticert({
    tipo: 'posta-certificata',
    errore: 'nessuno',
    mittente: o.from,
    destinatari: e.recipients,
    risposte: o.replyTo ?? o.from,
    oggetto: o.subject,
    gestoreEmittente: e.emitter.gestore,
    at: e.at,
    identificativo: e.identificativo,
    msgid: o.messageId,
    ricevuta: e.ricevuta,
  });
  const oggetto = o.subject ?? '';
  const text =
    `Messaggio di posta certificata\n\n` +
    `Il giorno ${t.giorno} alle ore ${t.ora} (${t.zona}) il messaggio\n` +
    `"${oggetto}" è stato inviato da "${o.from}"\n` +
    `indirizzato a:\n${recipientList(e.recipients)}\n` +
    `Il testo originale del messaggio è allegato.\n` +
    `Identificativo messaggio: ${e.identificativo}\n`;
  const htmlBody =
    `<html>\n<head><title>Messaggio di posta certificata</title></head>\n<body>\n` +
    `<h3>Messaggio di posta certificata</h3>\n<hr><br>\n` +
    `Il giorno ${t.giorno} alle ore ${t.ora} (${t.zona}) il messaggio<br>\n` +
    `${html(`"${oggetto}"`)} &egrave; stato inviato da ${html(`"${o.from}"`)}<br>\n` +
    `indirizzato a:<br>\n${html(recipientList(e.recipients)).replace(/\n/g, '<br>\n')}<br>\n` +
    `Il testo originale del messaggio &egrave; allegato.<br>\n` +
    `Identificativo messaggio: ${html(e.identificativo)}<br>\n</body>\n</html>\n`;
  const headers: HeaderField[] = [
    ['Subject', subjectOf('POSTA CERTIFICATA', o)],
    ['Date', t.rfc5322],
    ['From', `"Per conto di: ${o.from}" <posta-certificata@${e.emitter.domain}>`],
    ['Reply-To', o.replyTo ?? o.from],
    ...(o.to.length > 0 ? ([['To', o.to.join(', ')]] as HeaderField[]) : []),
    ...(o.cc.length > 0 ? ([['Cc', o.cc.join(', ')]] as HeaderField[]) : []),
    ...(o.messageId ? ([['X-Riferimento-Message-ID', o.messageId]] as HeaderField[]) : []),
    ['X-Trasporto', 'posta-certificata'],
    ['Message-ID', e.messageId],
  ];
  const entity = signedEntity(text, htmlBody, daticert, o.raw, e.at);
  return await signedMessage(headers, entity, e.emitter.identity, e.at);
}

const RECEIPT_TEXT: Record<ReceiptKind, { subject: string; virusSubject?: string; title: string }> = {
  accettazione: { subject: 'ACCETTAZIONE', title: 'Ricevuta di accettazione' },
  'non-accettazione': {
    subject: 'AVVISO DI NON ACCETTAZIONE',
    virusSubject: 'AVVISO DI NON ACCETTAZIONE PER VIRUS',
    title: 'Avviso di non accettazione',
  },
  'avvenuta-consegna': { subject: 'CONSEGNA', title: 'Ricevuta di avvenuta consegna' },
  'errore-consegna': {
    subject: 'AVVISO DI MANCATA CONSEGNA',
    virusSubject: 'AVVISO DI MANCATA CONSEGNA PER VIRUS',
    title: 'Avviso di mancata consegna',
  },
  'rilevazione-virus': { subject: 'PROBLEMA DI SICUREZZA', title: 'Avviso di rilevazione virus informatico' },
};

/** The sentence of a receipt's body that says what happened (text form). */
function outcome(r: ReceiptSpec): string {
  switch (r.kind) {
    case 'accettazione':
      return `ed indirizzato a:\n${recipientList(r.recipients)}\nè stato accettato dal sistema ed inoltrato.`;
    case 'non-accettazione':
      return `non è stato accettato dal sistema a causa del seguente errore:\n${r.erroreEsteso ?? 'errore generico'}`;
    case 'avvenuta-consegna':
      return `ed indirizzato a "${r.consegna ?? ''}"\nè stato consegnato nella casella di destinazione.`;
    case 'errore-consegna':
      return (
        `e destinato all'utente\n"${r.consegna ?? ''}"\nè stato rilevato il seguente errore:\n` +
        `${r.erroreEsteso ?? ''}\nIl messaggio è stato rifiutato dal sistema.`
      );
    case 'rilevazione-virus':
      return (
        `e destinato all'utente\n"${r.consegna ?? ''}"\nè stato rilevato un virus informatico:\n` +
        `${r.erroreEsteso ?? ''}\nIl messaggio non è stato consegnato.`
      );
  }
}

/**
 * A receipt (ricevuta or avviso) in the samples' shape: From posta-certificata@<emitter>,
 * X-Ricevuta, X-Riferimento-Message-ID = the original Message-ID, its own Message-ID, Subject
 * "<PREFIX>: <subject>", the signed multipart with texts, daticert.xml and, for a complete
 * delivery receipt, the original as postacert.eml.
 */
export async function buildReceipt(r: ReceiptSpec): Promise<Buffer> {
  const o = r.original;
  const t = romeTime(r.at);
  const words = RECEIPT_TEXT[r.kind];
  const prefix = r.errore === 'virus' && words.virusSubject ? words.virusSubject : words.subject;
  const daticert = buildDaticert({
    tipo: r.kind satisfies DaticertTipo,
    errore: r.errore,
    mittente: o.from,
    destinatari: r.recipients,
    risposte: o.replyTo ?? o.from,
    oggetto: o.subject,
    gestoreEmittente: r.emitter.gestore,
    at: r.at,
    identificativo: r.identificativo,
    msgid: o.messageId,
    ...(r.ricevuta ? { ricevuta: r.ricevuta } : {}),
    ...(r.consegna ? { consegna: r.consegna } : {}),
    ...(r.erroreEsteso ? { erroreEsteso: r.erroreEsteso } : {}),
  });
  const oggetto = o.subject ?? '';
  const what = outcome(r);
  const text =
    `-- ${words.title} del messaggio --\n\n` +
    `Il giorno ${t.giorno} alle ore ${t.ora} (${t.zona}) il messaggio con Oggetto\n` +
    `"${oggetto}" inviato da "${o.from}"\n${what}\n` +
    `Identificativo del messaggio: ${r.identificativo}\n` +
    `L'allegato daticert.xml contiene informazioni di servizio sulla trasmissione\n`;
  const htmlBody =
    `<html>\n<head><title>${words.title}</title></head>\n<body>\n<h3>${words.title}</h3>\n<hr><br>\n` +
    `Il giorno ${t.giorno} alle ore ${t.ora} (${t.zona}) il messaggio<br>\n` +
    `${html(`"${oggetto}"`)} proveniente da ${html(`"${o.from}"`)}<br>\n` +
    `${html(what).replace(/\n/g, '<br>\n')}<br>\n` +
    `Identificativo messaggio: ${html(r.identificativo)}<br>\n</body>\n</html>\n`;
  const headers: HeaderField[] = [
    ['Subject', subjectOf(prefix, o)],
    ...(o.messageId ? ([['X-Riferimento-Message-ID', o.messageId]] as HeaderField[]) : []),
    ['Date', t.rfc5322],
    ['To', r.to],
    ['X-Ricevuta', r.kind],
    ['From', `posta-certificata@${r.emitter.domain}`],
    ['Message-ID', r.messageId],
  ];
  const postacert = r.kind === 'avvenuta-consegna' && r.ricevuta === 'completa' ? o.raw : null;
  const entity = signedEntity(text, htmlBody, daticert, postacert, r.at);
  return await signedMessage(headers, entity, r.emitter.identity, r.at);
}

/** The Return-Path and Delivered-To a delivery agent writes on top of a message, as in the samples. */
export function deliveryHeaders(returnPath: string, deliveredTo: string): Buffer {
  return Buffer.from(
    headerBlock([
      ['Return-Path', `<${returnPath}>`],
      ['Delivered-To', deliveredTo],
    ]),
  );
}
