/**
 * Recognising a CAdES attached envelope (.p7m) from its bytes: a CMS ContentInfo whose content
 * type is SignedData (RFC 5652 §3, §5.1), stored as DER/BER or as base64 text, with or without
 * PEM armour. Italian signing tools produce both; the extension says nothing reliable.
 */

/** OBJECT IDENTIFIER 1.2.840.113549.1.7.2 (id-signedData), DER-encoded with tag and length. */
const SIGNED_DATA_OID_DER = Buffer.from('06092a864886f70d010702', 'hex');

/** Base64 characters and the whitespace allowed between them (RFC 7468 §3 lax parsing). */
const BASE64_TEXT = /^[A-Za-z0-9+/=\s]*$/;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/;
const PEM_LABELS = new Set(['PKCS7', 'CMS', 'PKCS #7 SIGNED DATA']);

/** Bytes of base64 text decoded to check a head: enough for the ContentInfo prefix. */
const HEAD_BASE64_CHARS = 64;
/** Bytes of a text envelope looked at before decoding it all (room for PEM explanatory text). */
const HEAD_TEXT_BYTES = 4096;

/**
 * Whether the bytes start with a ContentInfo SEQUENCE (definite or indefinite length) whose
 * first element is the id-signedData OID.
 */
export function startsWithSignedDataContentInfo(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x30 || bytes.length < 2) return false;
  const lengthByte = bytes[1] ?? 0;
  let offset = 2;
  if (lengthByte > 0x80) {
    const lengthOctets = lengthByte & 0x7f;
    if (lengthOctets > 4) return false;
    offset += lengthOctets;
  }
  const oid = bytes.subarray(offset, offset + SIGNED_DATA_OID_DER.length);
  return Buffer.from(oid.buffer, oid.byteOffset, oid.length).equals(SIGNED_DATA_OID_DER);
}

/** The base64 payload of a PEM block with a CMS/PKCS#7 label, or of bare base64 text. */
function base64Payload(text: string): string | undefined {
  const pem = PEM_BLOCK.exec(text);
  if (pem) return PEM_LABELS.has(pem[1] ?? '') ? (pem[2] ?? '') : undefined;
  if (text.trimStart().startsWith('-----BEGIN')) return undefined; // a PEM block cut by the head
  return text;
}

function decodeBase64Strict(payload: string): Buffer | undefined {
  if (!BASE64_TEXT.test(payload)) return undefined;
  const compact = payload.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0) return undefined;
  return Buffer.from(compact, 'base64');
}

/**
 * Whether a file head (the first bytes of the stream) looks like a SignedData envelope, DER or
 * base64/PEM. Only the prefix is checked; parsing the whole structure is for the verifier.
 */
export function looksLikeSignedDataEnvelope(head: Buffer): boolean {
  if (startsWithSignedDataContentInfo(head)) return true;
  const text = head.toString('latin1');
  const pemStart = /-----BEGIN (PKCS7|CMS|PKCS #7 SIGNED DATA)-----/.exec(text);
  const body = pemStart ? text.slice(pemStart.index + pemStart[0].length) : text;
  if (!pemStart && !/^\s*MI/.test(text)) return false; // base64 of 0x30 0x8x starts with "MI"
  const chars = body.replace(/\s+/g, '').slice(0, HEAD_BASE64_CHARS);
  if (!/^[A-Za-z0-9+/]+$/.test(chars) || chars.length < 16) return false;
  const usable = chars.slice(0, chars.length - (chars.length % 4));
  return startsWithSignedDataContentInfo(Buffer.from(usable, 'base64'));
}

/**
 * The binary (DER/BER) form of a SignedData envelope given as binary or as base64/PEM text, or
 * undefined when the bytes are neither.
 */
export function envelopeToBinary(input: Buffer): Buffer | undefined {
  if (startsWithSignedDataContentInfo(input)) return input;
  // Cheap rejection first: this runs on every unwrapped content, which may be a large document.
  if (!looksLikeSignedDataEnvelope(input.subarray(0, HEAD_TEXT_BYTES))) return undefined;
  const payload = base64Payload(input.toString('latin1'));
  if (payload === undefined) return undefined;
  const decoded = decodeBase64Strict(payload);
  return decoded && startsWithSignedDataContentInfo(decoded) ? decoded : undefined;
}
