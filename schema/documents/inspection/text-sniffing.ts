/**
 * Heuristics for the text formats that magic-number detection (file-type) does not cover:
 * XML without a declaration or in UTF-16, RFC 822 messages, plain UTF-8 text.
 */

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF16LE_XML_DECL = Buffer.from('<?xml', 'utf16le');
const UTF16BE_XML_DECL = Buffer.from([0x00, 0x3c, 0x00, 0x3f, 0x00, 0x78, 0x00, 0x6d, 0x00, 0x6c]);

/** C0 controls that plain text may contain: tab, line feed, vertical tab, form feed, carriage return. */
function isAllowedControl(byte: number): boolean {
  return byte === 0x09 || byte === 0x0a || byte === 0x0b || byte === 0x0c || byte === 0x0d;
}

/**
 * How many bytes at the end of `bytes` belong to a UTF-8 sequence cut by the end of the head
 * (0 to 3). Those bytes are not judged: the rest of the stream will complete them.
 */
function incompleteUtf8Tail(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? back : 0;
  }
  return 0;
}

/**
 * Valid UTF-8 without NUL bytes or unusual control characters. `truncated` says the bytes are
 * the head of a longer stream, so a multi-byte character cut at the end is tolerated.
 */
export function isStrictText(bytes: Buffer, truncated: boolean): boolean {
  const judged = truncated ? bytes.subarray(0, bytes.length - incompleteUtf8Tail(bytes)) : bytes;
  for (const byte of judged) {
    if (byte < 0x20 && !isAllowedControl(byte)) return false;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(judged);
    return true;
  } catch {
    return false;
  }
}

/**
 * Validates a whole stream as UTF-8 text in constant memory: a file whose head is text may still
 * carry binary bytes further on, and then it is not TXT.
 */
export class Utf8TextValidator {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private valid = true;

  update(chunk: Buffer): void {
    if (!this.valid) return;
    if (chunk.includes(0)) {
      this.valid = false;
      return;
    }
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      this.valid = false;
    }
  }

  /** Whether everything fed was valid UTF-8 (an incomplete final character makes it invalid). */
  finish(): boolean {
    if (!this.valid) return false;
    try {
      this.decoder.decode();
      return true;
    } catch {
      this.valid = false;
      return false;
    }
  }
}

function withoutUtf8Bom(bytes: Buffer): Buffer {
  return bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes;
}

/** The first characters after a BOM and leading whitespace, decoded as Latin-1 (bytes as-is). */
function leadingText(bytes: Buffer, length: number): string {
  return withoutUtf8Bom(bytes).subarray(0, length).toString('latin1').trimStart();
}

/** An HTML page is not XML for our purposes (and not in 001 §3.2.2's accepted list as such). */
export function looksLikeHtml(head: Buffer): boolean {
  const start = leadingText(head, 1024).toLowerCase();
  return start.startsWith('<!doctype html') || start.startsWith('<html');
}

/**
 * XML: an XML declaration (UTF-8 with or without BOM, or UTF-16 with BOM), or a document that
 * opens with a comment, a DOCTYPE or an element (Segnatura.xml files sometimes omit the
 * declaration). HTML is excluded.
 */
export function looksLikeXml(head: Buffer): boolean {
  if (head[0] === 0xff && head[1] === 0xfe) return head.subarray(2).indexOf(UTF16LE_XML_DECL) === 0;
  if (head[0] === 0xfe && head[1] === 0xff) return head.subarray(2).indexOf(UTF16BE_XML_DECL) === 0;
  if (looksLikeHtml(head)) return false;
  const start = leadingText(head, 256);
  if (start.startsWith('<?xml')) return true;
  // Without a declaration: a comment, a DOCTYPE or a start tag with a qualified name, and the
  // tag must close within the head.
  return /^(<!--|<!DOCTYPE\s|<[A-Za-z_][\w.:-]*[\s/>])/.test(start) && start.includes('>');
}

// Header fields that only messages carry: generic "Name: value" text (a memo, a YAML file)
// has none of them. RFC 5322 §3.6, RFC 2045 §4, RFC 5321 §4.4.
const MESSAGE_FIELDS = new Set([
  'from',
  'received',
  'mime-version',
  'return-path',
  'message-id',
  'delivered-to',
  'x-trasporto', // PEC transport envelope header (DOMAIN §8)
  'x-ricevuta',
]);

const FIELD_LINE = /^([!-9;-~]+):/; // RFC 5322 §2.2: field name = printable ASCII except ':'
const CONTINUATION_LINE = /^[ \t]/;

/**
 * An RFC 822/2822 message: the text opens with a header block (fields and folded
 * continuation lines up to the first empty line) holding at least two fields, one of which
 * only e-mail messages carry (From, Received, MIME-Version…). `truncated` says the head is
 * the start of a longer stream, so the header block may not end within it.
 */
export function looksLikeEmail(head: Buffer, truncated: boolean): boolean {
  const lines = withoutUtf8Bom(head).toString('latin1').split(/\r?\n/);
  if (truncated && lines.length > 1) lines.pop(); // the last line may be cut mid-way
  let fields = 0;
  let messageFields = 0;
  for (const [index, line] of lines.entries()) {
    if (line === '') break;
    if (CONTINUATION_LINE.test(line) && index > 0) continue;
    const field = FIELD_LINE.exec(line);
    if (!field) return false;
    fields += 1;
    if (MESSAGE_FIELDS.has((field[1] ?? '').toLowerCase())) messageFields += 1;
  }
  return fields >= 2 && messageFields >= 1;
}
