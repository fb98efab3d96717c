/**
 * What the PEC plugin understands of one message (the contract of issue 14, shared by the
 * helpers): the provider's envelope or receipt, its signature, daticert.xml, the original
 * (postacert.eml) with its attachments, and every problem met on the way. A message is always
 * returned, however broken: problems are recorded, never thrown, so nothing received is lost.
 */

/** X-Trasporto: 'posta-certificata' (busta di trasporto), 'errore' (busta di anomalia); null: not a busta. */
export type PecTransport = 'posta-certificata' | 'errore' | null;

/** X-Ricevuta values (DPR 68/2005, DM 2 November 2005). */
export type PecReceiptKind =
  | 'accettazione'
  | 'non-accettazione'
  | 'presa-in-carico'
  | 'avvenuta-consegna'
  | 'errore-consegna'
  | 'preavviso-errore-consegna'
  | 'rilevazione-virus';

export const PEC_RECEIPT_KINDS: readonly PecReceiptKind[] = [
  'accettazione',
  'non-accettazione',
  'presa-in-carico',
  'avvenuta-consegna',
  'errore-consegna',
  'preavviso-errore-consegna',
  'rilevazione-virus',
];

/**
 * valid: intact and the signer chains to a configured trust anchor; untrusted: intact, but no
 * anchor vouches for the signer (or none was configured); invalid: altered bytes, a bad or
 * unreadable signature; unsigned: no signature at all.
 */
export type SignatureOutcome = 'valid' | 'invalid' | 'unsigned' | 'untrusted';

/** 'peo': an ordinary e-mail, not a PEC provider message. */
export type PecMessageKind = 'busta' | 'receipt' | 'anomalia' | 'peo';

export interface DaticertRecipient {
  address: string;
  /** The `tipo` attribute; the DTD defaults it to 'certificato' when absent. */
  tipo: 'certificato' | 'esterno' | null;
}

/** daticert.xml (standards/pec/daticert.dtd): null where the file does not say. */
export interface Daticert {
  /** postacert/@tipo: accettazione, posta-certificata, avvenuta-consegna... */
  tipo: string;
  /** postacert/@errore: nessuno (the DTD default), no-dest, no-dominio, virus, altro. */
  errore: string | null;
  erroreEsteso: string | null;
  mittente: string | null;
  destinatari: DaticertRecipient[];
  risposte: string | null;
  oggetto: string | null;
  gestoreEmittente: string | null;
  /** ISO 8601 with the offset of `zona`, e.g. 2024-11-15T18:20:38+01:00. */
  dataOra: string | null;
  identificativo: string | null;
  /** With <> as in a Message-ID. */
  msgid: string | null;
  /** tipo attribute of <ricevuta>: completa | breve | sintetica. */
  ricevuta: string | null;
  consegna: string | null;
  /** <ricezione> elements (presa-in-carico: the recipients the receipt is about). */
  ricezione: string[];
}

export interface PecAttachment {
  fileName: string;
  mediaType: string;
  /** Decoded size in bytes. */
  size: number;
  /** SHA-256 of the decoded bytes, lower-case hex. */
  sha256: string;
  bytes: Buffer;
}

/** An attachment that was seen but not kept (over the size limit): named, measured, not returned. */
export interface DroppedAttachment {
  fileName: string;
  mediaType: string;
  size: number;
  reason: string;
}

export interface PecSignature {
  outcome: SignatureOutcome;
  reason: string | null;
  /** The signer certificate's subject: CN, and the e-mail address when it carries one. */
  signer: string | null;
}

export interface OriginalMessage {
  messageId: string | null;
  from: string | null;
  to: string[];
  cc: string[];
  subject: string | null;
  /** ISO 8601 with the offset the Date header gave. */
  date: string | null;
  text: string | null;
  html: string | null;
  /** postacert.eml bytes (PEO: the message itself). */
  raw: Buffer | null;
}

export interface ParsedPecMessage {
  kind: PecMessageKind;
  transport: PecTransport;
  receipt: PecReceiptKind | null;
  /** Message-ID of the message as received (busta/receipt/peo). */
  messageId: string | null;
  /** X-Riferimento-Message-ID (receipts: the matching key). */
  riferimentoMessageId: string | null;
  from: string | null;
  to: string[];
  cc: string[];
  subject: string | null;
  /** ISO 8601 with the offset the Date header gave. */
  date: string | null;
  signature: PecSignature;
  daticert: Daticert | null;
  /** The postacert.eml (PEO: the message itself); null when the message carries none. */
  original: OriginalMessage | null;
  /** Attachments of the original (postacert), never of the busta. */
  attachments: PecAttachment[];
  /** Attachments left out of `attachments` (oversize): still named and measured. */
  droppedAttachments: DroppedAttachment[];
  /** Each a clear reason: malformed MIME, oversize, broken signature... */
  problems: string[];
}

/** Bounds on the work one message may cause (a hostile sender controls every byte). */
export interface PecParseLimits {
  /** Whole raw message; above it only the header block is read. */
  maxMessageBytes: number;
  /** MIME parts (every node, nested messages included); above it the content is not parsed. */
  maxParts: number;
  /** Nesting of message/rfc822 inside message/rfc822 (the busta's postacert.eml is depth 1). */
  maxMessageDepth: number;
  /** Decoded size of one attachment; a larger one is dropped from `attachments` (named in a problem). */
  maxAttachmentBytes: number;
  /** Archive attachments (zip): entries declared in the central directory. */
  maxArchiveEntries: number;
  /** Archive attachments (zip, gzip): declared uncompressed total. */
  maxArchiveUncompressedBytes: number;
  /** Archive attachments: declared uncompressed / compressed. */
  maxArchiveRatio: number;
}

export const DEFAULT_PEC_PARSE_LIMITS: Readonly<PecParseLimits> = Object.freeze({
  // PEC providers cap messages at 50-100 MB including the busta; 100 MiB keeps every real one.
  maxMessageBytes: 100 * 1024 * 1024,
  maxParts: 1000,
  maxMessageDepth: 8,
  maxAttachmentBytes: 60 * 1024 * 1024,
  maxArchiveEntries: 10_000,
  maxArchiveUncompressedBytes: 2 * 1024 * 1024 * 1024,
  // Deflate tops out near 1032:1; ordinary documents compress 2-20x. 200 flags only the pathological.
  maxArchiveRatio: 200,
});

export function pecParseLimits(overrides?: Partial<PecParseLimits>): PecParseLimits {
  const limits = { ...DEFAULT_PEC_PARSE_LIMITS };
  for (const [key, value] of Object.entries(overrides ?? {}) as [
    keyof PecParseLimits,
    number | undefined,
  ][]) {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) limits[key] = value;
  }
  return limits;
}
