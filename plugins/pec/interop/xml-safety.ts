import { DOMParser, type Document } from '@xmldom/xmldom';

/**
 * Untrusted XML (an attachment of a message from anyone) read safely: the bytes are decoded
 * and screened BEFORE any parser sees them. A document type declaration is refused outright,
 * whatever it holds: it is the only way to declare entities (billion laughs, external entities
 * reading local files or the network), and no interoperability message needs one (the AgID
 * schemas define none). Only then does @xmldom/xmldom parse it, with every error fatal.
 */

/** Larger than any Segnatura (a few KiB even with hundreds of attachments listed). */
export const DEFAULT_MAX_XML_BYTES = 2 * 1024 * 1024;

export type SafeXml = { ok: true; doc: Document; text: string } | { ok: false; reason: string };

// Encodings a declaration may name that TextDecoder reads without loss; anything else
// (UTF-16 included: it would hide markup from a byte-level look) is refused with its name.
const ENCODINGS: Record<string, string> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'us-ascii': 'utf-8',
  ascii: 'utf-8',
  'iso-8859-1': 'latin1',
  latin1: 'latin1',
  'iso-8859-15': 'iso-8859-15',
  'windows-1252': 'windows-1252',
};

const DECLARATION = /^<\?xml\s[^>]*?\?>/;

/** The document as text (UTF-8 in, UTF-8 out; the declaration names UTF-8), or why not. */
export function decodeXml(
  bytes: Buffer,
  maxBytes = DEFAULT_MAX_XML_BYTES,
): { text: string } | { reason: string } {
  if (bytes.length > maxBytes)
    return { reason: `the XML is ${bytes.length} bytes, more than the limit of ${maxBytes}` };
  if (bytes.length === 0) return { reason: 'the XML is empty' };
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))
    return { reason: 'the XML is UTF-16: only UTF-8 (or an 8-bit Latin encoding) is accepted' };
  const head = bytes
    .subarray(0, 200)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '');
  const declared = DECLARATION.exec(head)?.[0].match(/encoding\s*=\s*["']([^"']+)["']/)?.[1];
  const encoding = ENCODINGS[(declared ?? 'utf-8').toLowerCase()];
  if (!encoding) return { reason: `the XML declares the encoding "${declared}", which is not accepted` };
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { reason: `the XML is not valid ${declared ?? 'UTF-8'} text` };
  }
  // The declaration now says what the text is (xmllint and the seal read UTF-8).
  if (declared)
    text = text.replace(DECLARATION, (d) => d.replace(/encoding\s*=\s*["'][^"']+["']/, 'encoding="UTF-8"'));
  return { text };
}

/**
 * Why the text must not be parsed, or null. Any `<!DOCTYPE` or `<!ENTITY` anywhere is refused
 * (a DOCTYPE is legal only in the prolog, and a declaration inside a comment or CDATA costs a
 * sender nothing to avoid: refusing them too keeps the screen a plain search).
 */
export function unsafeXmlReason(text: string): string | null {
  if (/<!DOCTYPE/i.test(text))
    return 'the XML contains a document type declaration (DOCTYPE), refused: it could declare entities';
  if (/<!ENTITY/i.test(text)) return 'the XML contains an entity declaration (ENTITY), refused';
  return null;
}

/** Decodes, screens and parses untrusted XML; never throws. */
export function parseUntrustedXml(input: Buffer | string, maxBytes = DEFAULT_MAX_XML_BYTES): SafeXml {
  const decoded = decodeXml(typeof input === 'string' ? Buffer.from(input, 'utf8') : input, maxBytes);
  if ('reason' in decoded) return { ok: false, reason: decoded.reason };
  const unsafe = unsafeXmlReason(decoded.text);
  if (unsafe) return { ok: false, reason: unsafe };
  const errors: string[] = [];
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') errors.push(message);
      },
    }).parseFromString(decoded.text, 'text/xml');
  } catch (error) {
    errors.push(error instanceof Error ? error.message : String(error));
    return { ok: false, reason: `the XML is malformed: ${errors[0]}` };
  }
  if (errors.length > 0) return { ok: false, reason: `the XML is malformed: ${errors[0]}` };
  if (!doc.documentElement) return { ok: false, reason: 'the XML has no root element' };
  return { ok: true, doc, text: decoded.text };
}
