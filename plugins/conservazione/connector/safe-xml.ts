import { DOMParser, type Document } from '@xmldom/xmldom';

/**
 * XML from outside (the conservator's answers; for the simulator, the producer's requests) read
 * safely: a document type declaration or an entity declaration anywhere is refused before any
 * parser sees the text — it is the only way to declare entities (external ones read local files,
 * nested ones explode), and ParER's schemas need none. Then @xmldom/xmldom parses it with every
 * error fatal. (The same rule as the PEC plugin's interop reader; plugins do not import each other.)
 */

export type SafeXml = { ok: true; doc: Document; text: string } | { ok: false; reason: string };

export function parseSafeXml(input: Buffer | string, maxBytes: number): SafeXml {
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (bytes > maxBytes)
    return { ok: false, reason: `the XML is ${bytes} bytes, more than the limit of ${maxBytes}` };
  let text: string;
  try {
    // ParER speaks UTF-8 only; anything else (UTF-16 included) is refused, not guessed.
    text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    return { ok: false, reason: 'the XML is not valid UTF-8 text' };
  }
  if (text.trim() === '') return { ok: false, reason: 'the XML is empty' };
  const declared = /^\s*<\?xml\s[^>]*encoding\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
  if (declared && !/^utf-?8$/i.test(declared))
    return { ok: false, reason: `the XML declares the encoding "${declared}", not UTF-8` };
  if (/<!DOCTYPE/i.test(text))
    return {
      ok: false,
      reason: 'the XML contains a document type declaration (DOCTYPE), refused: it could declare entities',
    };
  if (/<!ENTITY/i.test(text))
    return { ok: false, reason: 'the XML contains an entity declaration (ENTITY), refused' };
  const errors: string[] = [];
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') errors.push(message);
      },
    }).parseFromString(text, 'text/xml');
  } catch (error) {
    return { ok: false, reason: `the XML is malformed: ${errors[0] ?? (error as Error).message}` };
  }
  if (errors.length > 0) return { ok: false, reason: `the XML is malformed: ${errors[0]}` };
  if (!doc.documentElement) return { ok: false, reason: 'the XML has no root element' };
  return { ok: true, doc, text };
}
