import { randomBytes } from 'node:crypto';

/** Every line break of the simulator's output is CRLF (RFC 5322): signatures cover these exact bytes. */
export const CRLF = '\r\n';

/** A header field as it is written: name and an already encoded (ASCII) value. */
export type HeaderField = readonly [name: string, value: string];

export function headerBlock(fields: readonly HeaderField[]): string {
  return fields.map(([name, value]) => `${name}: ${value}${CRLF}`).join('');
}

/** A boundary in the shape of the samples' ("----------=_<time>-<pid>-<n>"), random enough never to occur in a body. */
export function boundary(seconds: number, n: number): string {
  return `----------=_${seconds}-${process.pid}-${n}-${randomBytes(6).toString('hex')}`;
}

/** The S/MIME outer boundary, as openssl writes it ("----" and 32 hex digits). */
export function smimeBoundary(): string {
  return `----${randomBytes(16).toString('hex').toUpperCase()}`;
}

/** Base64 in lines of 76 characters (RFC 2045), CRLF separated, with a final CRLF. */
export function base64Lines(bytes: Buffer, width = 76): string {
  const text = bytes.toString('base64');
  let out = '';
  for (let i = 0; i < text.length; i += width) out += text.slice(i, i + width) + CRLF;
  return out;
}

/**
 * Quoted-printable (RFC 2045 §6.7) of text in ISO-8859-1, as the samples' bodies are: lines
 * of at most 76 characters with soft breaks, `=` and non-ASCII bytes escaped, trailing blanks
 * escaped. Line breaks of the input become CRLF.
 */
export function quotedPrintableLatin1(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  for (const line of lines) {
    const bytes = Buffer.from(line, 'latin1');
    let current = '';
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] ?? 0;
      const last = i === bytes.length - 1;
      const literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
      const token = literal ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
      if (current.length + token.length > 75) {
        out.push(`${current}=`);
        current = '';
      }
      current += token;
    }
    out.push(current);
  }
  return out.join(CRLF) + CRLF;
}

/** A MIME part: its header fields and its body (already encoded, CRLF lines). */
export interface MimePart {
  headers: readonly HeaderField[];
  body: Buffer | string;
}

/** A multipart body: each part after `--boundary`, closed by `--boundary--` (the CRLF before a delimiter belongs to it). */
export function multipartBody(parts: readonly MimePart[], b: string): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${b}${CRLF}${headerBlock(part.headers)}${CRLF}`));
    const body = typeof part.body === 'string' ? Buffer.from(part.body, 'latin1') : part.body;
    chunks.push(body);
    // A body that does not end with a line break gets the delimiter's own CRLF only.
    chunks.push(Buffer.from(CRLF));
  }
  chunks.push(Buffer.from(`--${b}--${CRLF}`));
  return Buffer.concat(chunks);
}

/** Strips the final CRLF of an encoded body: the delimiter's CRLF then follows directly. */
export function withoutFinalCrlf(body: string): string {
  return body.endsWith(CRLF) ? body.slice(0, -2) : body;
}

/** RFC 2047 encoded word (UTF-8, base64) for a header value that is not plain ASCII. */
export function encodeHeaderText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** The header block of a message (up to the first empty line), unfolded, names in lower case, in order. */
export function readHeaders(raw: Buffer): { name: string; value: string }[] {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = end < 0 ? text : text.slice(0, end);
  const fields: { name: string; value: string }[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) {
      const last = fields[fields.length - 1];
      if (last) last.value += line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return fields;
}
