import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import type * as pkijs from 'pkijs';
import { inspectArchive } from './archive-inspection.js';
import { parseDaticert } from './daticert.js';
import { analyseMime, type MimeStructure } from './mime-structure.js';
import {
  PEC_RECEIPT_KINDS,
  pecParseLimits,
  type DroppedAttachment,
  type OriginalMessage,
  type ParsedPecMessage,
  type PecAttachment,
  type PecParseLimits,
  type PecReceiptKind,
  type PecSignature,
} from './parsed-message.js';
import {
  encapsulatedContent,
  loadTrustAnchors,
  verifyCmsSignature,
  type TrustAnchorInput,
} from './smime-verification.js';

/** Limits, plus what signature verification needs. */
export interface PecParseOptions extends Partial<PecParseLimits> {
  /** CA certificates of the PEC providers (AgID's list); without any, a valid signature is 'untrusted'. */
  trustAnchors?: readonly TrustAnchorInput[];
  /** The time a chain is judged at when neither the signature nor the message dates itself (request clock). */
  at?: Date;
}

/** The header block is all a refused message is read for (classification, sender, ids). */
const MAX_HEADER_BYTES = 256 * 1024;
const SIGNATURE_TYPES = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature']);

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function headerBlock(raw: Buffer): Buffer {
  const limit = Math.min(raw.length, MAX_HEADER_BYTES);
  const crlf = raw.subarray(0, limit).indexOf('\r\n\r\n');
  const lf = raw.subarray(0, limit).indexOf('\n\n');
  const ends = [crlf >= 0 ? crlf + 4 : -1, lf >= 0 ? lf + 2 : -1].filter((n) => n >= 0);
  return raw.subarray(0, ends.length > 0 ? Math.min(...ends) : limit);
}

function headerText(mail: ParsedMail, name: string): string | null {
  const value: unknown = mail.headers.get(name);
  if (typeof value === 'string') return value.trim() || null;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0].trim() || null;
  return null;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const out: string[] = [];
  for (const object of value === undefined ? [] : Array.isArray(value) ? value : [value]) {
    for (const entry of object.value) {
      if (entry.address) out.push(entry.address);
      for (const member of entry.group ?? []) if (member.address) out.push(member.address);
    }
  }
  return out;
}

/**
 * The Date header as ISO 8601 with the offset it was written in (mailparser gives an instant;
 * the zone is part of what the sender's system said, and PEC readers compare it with daticert).
 */
function isoDate(mail: ParsedMail): string | null {
  if (!mail.date || Number.isNaN(mail.date.getTime())) return null;
  const line = mail.headerLines.find((h) => h.key === 'date')?.line ?? '';
  const zone = /([+-])(\d{2})(\d{2})\s*(\([^)]*\))?\s*$/.exec(line);
  const sign = zone?.[1] === '-' ? -1 : 1;
  const offset = zone ? sign * (Number(zone[2]) * 60 + Number(zone[3])) : 0;
  const local = new Date(mail.date.getTime() + offset * 60_000).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  const abs = Math.abs(offset);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${local}${offset < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

async function parseMail(source: Buffer, problems: string[], what: string): Promise<ParsedMail | null> {
  try {
    // ignoreEmbedded: postacert.eml stays an attachment with its exact bytes (STACK.md).
    return await simpleParser(source, { ignoreEmbedded: true, skipTextToHtml: true, skipImageLinks: true });
  } catch (error) {
    problems.push(`${what} could not be parsed as MIME: ${describe(error)}`);
    return null;
  }
}

function attachmentName(attachment: Attachment): string {
  return attachment.filename ?? '';
}

function keepAttachments(
  attachments: readonly Attachment[],
  limits: PecParseLimits,
  problems: string[],
): { kept: PecAttachment[]; dropped: DroppedAttachment[] } {
  const kept: PecAttachment[] = [];
  const dropped: DroppedAttachment[] = [];
  for (const [index, attachment] of attachments.entries()) {
    const fileName = attachmentName(attachment) || `attachment-${index + 1}`;
    const mediaType = attachment.contentType || 'application/octet-stream';
    const bytes = attachment.content;
    if (bytes.length > limits.maxAttachmentBytes) {
      const reason = `attachment "${fileName}" is ${bytes.length} bytes decoded (limit ${limits.maxAttachmentBytes}): not kept`;
      problems.push(reason);
      dropped.push({ fileName, mediaType, size: bytes.length, reason });
      continue;
    }
    problems.push(...inspectArchive(fileName, bytes, limits));
    kept.push({
      fileName,
      mediaType,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes,
    });
  }
  return { kept, dropped };
}

function original(mail: ParsedMail, raw: Buffer): OriginalMessage {
  return {
    messageId: mail.messageId ?? null,
    from: addresses(mail.from)[0] ?? null,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    subject: mail.subject ?? null,
    date: isoDate(mail),
    text: mail.text ?? null,
    html: typeof mail.html === 'string' ? mail.html : null,
    raw,
  };
}

function classify(
  mail: ParsedMail | null,
  problems: string[],
): Pick<ParsedPecMessage, 'kind' | 'transport' | 'receipt'> {
  const trasporto = mail ? headerText(mail, 'x-trasporto')?.toLowerCase() : undefined;
  const ricevuta = mail ? headerText(mail, 'x-ricevuta')?.toLowerCase() : undefined;
  if (trasporto && ricevuta)
    problems.push(`both X-Trasporto "${trasporto}" and X-Ricevuta "${ricevuta}": read as a receipt`);
  if (ricevuta) {
    const receipt = (PEC_RECEIPT_KINDS as readonly string[]).includes(ricevuta)
      ? (ricevuta as PecReceiptKind)
      : null;
    if (!receipt) problems.push(`X-Ricevuta "${ricevuta}" is not a PEC receipt kind`);
    return { kind: 'receipt', transport: null, receipt };
  }
  if (trasporto === 'posta-certificata')
    return { kind: 'busta', transport: 'posta-certificata', receipt: null };
  if (trasporto === 'errore') return { kind: 'anomalia', transport: 'errore', receipt: null };
  if (trasporto)
    problems.push(
      `X-Trasporto "${trasporto}" is neither posta-certificata nor errore: read as an ordinary message`,
    );
  return { kind: 'peo', transport: null, receipt: null };
}

async function verifySignature(
  structure: MimeStructure,
  needsSignature: boolean,
  anchors: pkijs.Certificate[],
  at: Date | undefined,
): Promise<PecSignature> {
  if (structure.signed) {
    const { signature, signatureType, content } = structure.signed;
    if (!signature) {
      return { outcome: 'unsigned', reason: 'multipart/signed without its signature part', signer: null };
    }
    if (!signatureType || !SIGNATURE_TYPES.has(signatureType)) {
      return {
        outcome: 'invalid',
        reason: `unsupported signature part type ${signatureType ?? '(none)'}`,
        signer: null,
      };
    }
    return verifyCmsSignature(signature, content, { trustAnchors: anchors, at });
  }
  if (structure.opaque) return verifyCmsSignature(structure.opaque, null, { trustAnchors: anchors, at });
  return {
    outcome: 'unsigned',
    reason: needsSignature
      ? 'a PEC provider message must be S/MIME signed; this one carries no signature'
      : null,
    signer: null,
  };
}

function emptyMessage(problems: string[]): ParsedPecMessage {
  return {
    kind: 'peo',
    transport: null,
    receipt: null,
    messageId: null,
    riferimentoMessageId: null,
    from: null,
    to: [],
    cc: [],
    subject: null,
    date: null,
    signature: { outcome: 'unsigned', reason: null, signer: null },
    daticert: null,
    original: null,
    attachments: [],
    droppedAttachments: [],
    problems,
  };
}

/**
 * Everything the plugin understands of one received message (busta di trasporto, busta di
 * anomalia, receipt, or an ordinary message). Never throws on bad input: every defect is a
 * problem, and the message is returned with whatever could be read.
 */
export async function parsePecMessage(raw: Buffer, options: PecParseOptions = {}): Promise<ParsedPecMessage> {
  const problems: string[] = [];
  try {
    return await parse(raw, options, problems);
  } catch (error) {
    // A defect of ours or of a library on hostile input: still no throw, the message is kept.
    problems.push(`the message could not be fully analysed: ${describe(error)}`);
    return emptyMessage(problems);
  }
}

async function parse(raw: Buffer, options: PecParseOptions, problems: string[]): Promise<ParsedPecMessage> {
  const limits = pecParseLimits(options);
  let anchors: pkijs.Certificate[] = [];
  try {
    anchors = loadTrustAnchors(options.trustAnchors ?? []);
  } catch (error) {
    problems.push(`trust anchors not readable (${describe(error)}): signatures judged without them`);
  }
  if (raw.length === 0) return emptyMessage(['the message is empty (0 bytes)']);

  let structure: MimeStructure;
  if (raw.length > limits.maxMessageBytes) {
    problems.push(
      `the message is ${raw.length} bytes (limit ${limits.maxMessageBytes}): only its headers are read`,
    );
    structure = {
      parts: 0,
      depth: 0,
      rootType: null,
      signed: null,
      opaque: null,
      refused: true,
      problems: [],
    };
  } else {
    structure = await analyseMime(raw, limits);
    problems.push(...structure.problems);
  }

  const outer = await parseMail(structure.refused ? headerBlock(raw) : raw, problems, 'the message');
  // RFC 5322 §3.6: From and Date are required; their absence is how junk and headless text show.
  if (outer && !outer.headerLines.some((h) => h.key === 'from'))
    problems.push('malformed message: no From header');
  if (outer && !outer.headerLines.some((h) => h.key === 'date'))
    problems.push('malformed message: no Date header');
  const classification = classify(outer, problems);
  const isPec = classification.kind !== 'peo';

  // Opaque S/MIME: the content (daticert, postacert) is inside the signature.
  let content = structure.refused ? null : outer;
  if (!structure.refused && structure.opaque) {
    const inner = encapsulatedContent(structure.opaque);
    content = inner ? await parseMail(inner, problems, 'the content of the opaque signature') : null;
  }

  const signature = structure.refused
    ? {
        outcome: 'unsigned' as const,
        reason: 'not verified: the message is beyond the parsing limits',
        signer: null,
      }
    : await verifySignature(structure, isPec, anchors, options.at ?? outer?.date ?? undefined);
  if (signature.outcome === 'invalid' || (signature.outcome === 'unsigned' && signature.reason && isPec)) {
    problems.push(`signature ${signature.outcome}: ${signature.reason}`);
  } else if (signature.outcome === 'untrusted' && anchors.length > 0) {
    problems.push(`signature untrusted: ${signature.reason}`);
  }

  const parsed: ParsedPecMessage = {
    ...classification,
    messageId: outer?.messageId ?? null,
    riferimentoMessageId: outer ? headerText(outer, 'x-riferimento-message-id') : null,
    from: addresses(outer?.from)[0] ?? null,
    to: addresses(outer?.to),
    cc: addresses(outer?.cc),
    subject: outer?.subject ?? null,
    date: outer ? isoDate(outer) : null,
    signature,
    daticert: null,
    original: null,
    attachments: [],
    droppedAttachments: [],
    problems,
  };
  if (!content) return parsed;

  if (!isPec) {
    parsed.original = original(content, raw);
    const { kept, dropped } = keepAttachments(content.attachments, limits, problems);
    parsed.attachments = kept;
    parsed.droppedAttachments = dropped;
    return parsed;
  }

  const named = (name: string): Attachment | undefined =>
    content.attachments.find((a) => attachmentName(a).toLowerCase() === name);
  const daticertFile = named('daticert.xml');
  if (daticertFile) {
    const result = parseDaticert(daticertFile.content);
    parsed.daticert = result.daticert;
    problems.push(...result.problems);
  } else {
    problems.push(`the ${classification.kind} carries no daticert.xml`);
  }
  const expectedTipo = classification.kind === 'busta' ? 'posta-certificata' : classification.receipt;
  if (
    parsed.daticert &&
    expectedTipo &&
    parsed.daticert.tipo !== '' &&
    parsed.daticert.tipo !== expectedTipo
  ) {
    problems.push(`daticert.xml says tipo "${parsed.daticert.tipo}" but the headers say "${expectedTipo}"`);
  }

  const postacert =
    named('postacert.eml') ?? content.attachments.find((a) => a.contentType === 'message/rfc822');
  if (postacert) {
    const originalMail = await parseMail(postacert.content, problems, 'postacert.eml');
    if (originalMail) {
      parsed.original = original(originalMail, postacert.content);
      const { kept, dropped } = keepAttachments(originalMail.attachments, limits, problems);
      parsed.attachments = kept;
      parsed.droppedAttachments = dropped;
    }
  } else if (classification.kind === 'busta' || classification.kind === 'anomalia') {
    problems.push(`the ${classification.kind} carries no postacert.eml (the original message)`);
  }
  return parsed;
}
