import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { envelopeToBinary } from './cms-envelope.js';
import { MAX_ENVELOPE_DEPTH, MAX_IN_MEMORY_SIGNED_BYTES } from './inspection-limits.js';

/** The bytes are not a SignedData envelope we can parse (or are too large to parse in memory). */
export class CmsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CmsFormatError';
  }
}

/** RFC 5652 §5.1 id-signedData. */
const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Parses a binary (DER or BER) ContentInfo holding SignedData. Throws CmsFormatError.
 * Trailing bytes after the ContentInfo (the zero padding of a PDF /Contents) are ignored.
 */
export function parseSignedData(der: Uint8Array): pkijs.SignedData {
  if (der.length > MAX_IN_MEMORY_SIGNED_BYTES) {
    throw new CmsFormatError(
      `envelope larger than ${MAX_IN_MEMORY_SIGNED_BYTES} bytes: not parsed in memory`,
    );
  }
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) throw new CmsFormatError(`not valid BER/DER: ${asn1.result.error}`);
  try {
    const contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
    if (contentInfo.contentType !== SIGNED_DATA_OID) {
      throw new CmsFormatError(`CMS content type ${contentInfo.contentType} is not SignedData`);
    }
    return new pkijs.SignedData({ schema: contentInfo.content });
  } catch (error) {
    if (error instanceof CmsFormatError) throw error;
    throw new CmsFormatError(`malformed SignedData: ${describe(error)}`);
  }
}

/**
 * The bytes of an OCTET STRING, primitive or constructed (BER allows the encapsulated content
 * in segments, as `openssl cms -stream` and some signing tools write it).
 */
export function octetStringBytes(value: asn1js.BaseBlock): Buffer {
  if (!(value instanceof asn1js.OctetString)) {
    throw new CmsFormatError('encapsulated content is not an OCTET STRING');
  }
  if (!value.idBlock.isConstructed) return Buffer.from(value.valueBlock.valueHexView);
  return Buffer.concat(value.valueBlock.value.map((segment) => octetStringBytes(segment)));
}

/** The encapsulated content of an attached SignedData, or undefined when it is detached. */
export function encapsulatedContent(signedData: pkijs.SignedData): Buffer | undefined {
  const eContent = signedData.encapContentInfo.eContent;
  return eContent ? octetStringBytes(eContent) : undefined;
}

/** One CAdES envelope with the content it carries. */
export interface EnvelopeLayer {
  signedData: pkijs.SignedData;
  content: Buffer;
}

export interface UnwrappedEnvelope {
  /** The innermost content (the signed document itself). */
  content: Buffer;
  /** How many envelopes were opened: file.pdf.p7m → 1, file.pdf.p7m.p7m → 2. */
  depth: number;
  /** Outermost first. */
  layers: EnvelopeLayer[];
}

/**
 * Opens one envelope. The outermost must open (CmsFormatError otherwise); an inner content that
 * merely starts like an envelope but does not parse is the signed document itself, as signed.
 */
function openLayer(binary: Buffer, outermost: boolean): EnvelopeLayer | undefined {
  try {
    const signedData = parseSignedData(binary);
    const content = encapsulatedContent(signedData);
    if (!content) throw new CmsFormatError('detached SignedData: the envelope carries no content');
    return { signedData, content };
  } catch (error) {
    if (outermost) throw error;
    return undefined;
  }
}

/**
 * Opens a .p7m and every .p7m nested inside it (a counter-signed file re-enveloped as
 * .pdf.p7m.p7m), up to MAX_ENVELOPE_DEPTH. Throws CmsFormatError when the outer bytes are not an
 * attached SignedData envelope. Does not verify anything.
 */
export function unwrapEnvelope(p7m: Buffer): UnwrappedEnvelope {
  if (p7m.length > MAX_IN_MEMORY_SIGNED_BYTES) {
    throw new CmsFormatError(
      `envelope larger than ${MAX_IN_MEMORY_SIGNED_BYTES} bytes: not parsed in memory`,
    );
  }
  const layers: EnvelopeLayer[] = [];
  let current: Buffer | undefined = envelopeToBinary(p7m);
  if (!current) throw new CmsFormatError('not a CMS SignedData envelope (DER, BER or base64/PEM)');
  let content: Buffer = p7m;
  while (current) {
    if (layers.length === MAX_ENVELOPE_DEPTH) {
      throw new CmsFormatError(`more than ${MAX_ENVELOPE_DEPTH} nested envelopes`);
    }
    const layer = openLayer(current, layers.length === 0);
    if (!layer) break;
    layers.push(layer);
    content = layer.content;
    current = envelopeToBinary(content);
  }
  return { content, depth: layers.length, layers };
}

/**
 * The document signed inside a .p7m (CAdES attached), unwrapping nested envelopes. Throws
 * CmsFormatError for anything that is not an attached SignedData envelope. Use
 * `unwrapEnvelope` to also learn the nesting depth.
 */
export function extractSignedContent(p7m: Buffer): Buffer {
  return unwrapEnvelope(p7m).content;
}
