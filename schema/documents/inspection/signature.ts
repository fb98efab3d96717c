import { verifyCades } from './cades.js';
import { looksLikeSignedDataEnvelope } from './cms-envelope.js';
import { verifyPades } from './pades.js';
import { findPdfSignatureFields } from './pdf-signature-fields.js';
import { outcome, SignatureStatus, type SignatureKind, type SignatureOutcome } from './signature-outcome.js';
import { looksLikeXml } from './text-sniffing.js';

export { extractSignedContent, unwrapEnvelope, CmsFormatError } from './cms-parsing.js';
export { verifyCades, type VerifyCadesOptions } from './cades.js';
export { verifyPades, type VerifyPadesOptions } from './pades.js';

const HEAD = 64 * 1024;
const PDF_HEADER = Buffer.from('%PDF-');
const XMLDSIG_NAMESPACE = Buffer.from('http://www.w3.org/2000/09/xmldsig#');

function isPdf(bytes: Buffer): boolean {
  return bytes.subarray(0, 1024).indexOf(PDF_HEADER) !== -1;
}

/**
 * Which kind of signature the bytes carry, from structure only (nothing verified): a CAdES
 * envelope (.p7m), a PDF with a signature dictionary (PAdES), an XML with an XML-DSig
 * Signature (XAdES, e.g. the AOO seal on Segnatura.xml), or none.
 */
export function detectSignatureKind(bytes: Buffer): SignatureKind {
  const head = bytes.subarray(0, HEAD);
  if (looksLikeSignedDataEnvelope(head)) return 'CADES';
  if (isPdf(bytes)) {
    const scan = findPdfSignatureFields(bytes);
    return scan.fields.length > 0 || scan.problems.length > 0 ? 'PADES' : 'NONE';
  }
  if (looksLikeXml(head) && bytes.includes(XMLDSIG_NAMESPACE)) return 'XADES';
  return 'NONE';
}

export interface VerifySignatureOptions {
  /** Reference time when a signer states no signing time: the request clock's now. */
  at: Date;
}

/**
 * The signature outcome to record for a document (002 §4.1.2.1, 001 §8.2-8.3): dispatches to
 * verifyCades or verifyPades by structure, FIRMA_MANCANTE when there is no signature. Never
 * throws. XML signatures are recognised but not verified (IMPOSSIBILE_EFFETTUARE_VERIFICA).
 * Signed inputs over MAX_IN_MEMORY_SIGNED_BYTES are not verified (IMPOSSIBILE_EFFETTUARE_VERIFICA);
 * finding out that a large file is unsigned needs only a byte scan.
 */
export async function verifySignature(
  bytes: Buffer,
  options: VerifySignatureOptions,
): Promise<SignatureOutcome> {
  switch (detectSignatureKind(bytes)) {
    case 'CADES':
      return verifyCades(bytes, options);
    case 'PADES':
      return verifyPades(bytes, options);
    case 'XADES':
      return outcome(
        SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA,
        'XADES',
        'XML signature (XML-DSig/XAdES) found: not verified by this module',
      );
    case 'NONE':
      return outcome(SignatureStatus.FIRMA_MANCANTE, 'NONE', 'no digital signature found');
  }
}
