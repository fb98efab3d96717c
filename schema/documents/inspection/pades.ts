import { CmsFormatError, encapsulatedContent, parseSignedData } from './cms-parsing.js';
import { MAX_IN_MEMORY_SIGNED_BYTES, MAX_SIGNATURES } from './inspection-limits.js';
import { findPdfSignatureFields, type PdfSignatureField } from './pdf-signature-fields.js';
import { outcome, SignatureStatus, worstStatus, type SignatureOutcome } from './signature-outcome.js';
import { verifySigners, type SignerVerification } from './signer-verification.js';

export interface VerifyPadesOptions {
  /** Reference time when neither the CMS signingTime nor the PDF /M states one. Default: now. */
  at: Date;
  /** At most this many signatures are verified (default MAX_SIGNATURES). */
  maxSignatures?: number;
}

/** SubFilters whose /Contents is a detached CMS over the byte ranges (ETSI EN 319 142-1, ISO 32000). */
const DETACHED_CMS_SUBFILTERS = new Set(['ETSI.CAdES.detached', 'adbe.pkcs7.detached']);
/** A document timestamp (PAdES-LTA): a time-stamp token, not a signature by a person. */
const DOCUMENT_TIMESTAMP = 'ETSI.RFC3161';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function verifyField(pdf: Buffer, field: PdfSignatureField, at: Date): Promise<SignerVerification[]> {
  const impossible = SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA;
  if (!field.subFilter || !DETACHED_CMS_SUBFILTERS.has(field.subFilter)) {
    const detail = `unsupported signature /SubFilter ${field.subFilter ?? '(none)'}`;
    return [{ status: impossible, detail, signer: undefined, signingTime: undefined }];
  }
  try {
    const signedData = parseSignedData(field.contents);
    if (encapsulatedContent(signedData)) {
      const detail = 'the /Contents CMS encapsulates content: not a detached PAdES signature';
      return [{ status: impossible, detail, signer: undefined, signingTime: undefined }];
    }
    const [offset1, length1, offset2, length2] = field.byteRange;
    return await verifySigners(signedData, {
      detachedContent: [pdf.subarray(offset1, offset1 + length1), pdf.subarray(offset2, offset2 + length2)],
      containerSigningTime: field.claimedSigningTime,
      at,
    });
  } catch (error) {
    const reason = error instanceof CmsFormatError ? error.message : `unexpected error: ${describe(error)}`;
    return [{ status: impossible, detail: reason, signer: undefined, signingTime: undefined }];
  }
}

/**
 * Verifies the signatures of a PDF (PAdES, and the older adbe.pkcs7.detached): for each
 * signature dictionary, the detached CMS in /Contents over the bytes its /ByteRange covers.
 * FIRMA_MANCANTE when the PDF has no signature. Never throws; signed PDFs over
 * MAX_IN_MEMORY_SIGNED_BYTES give IMPOSSIBILE_EFFETTUARE_VERIFICA. Offline: no chain, CRL or
 * OCSP checks. Content appended after the last signature (an incremental update it does not
 * cover) is reported in `detail`; whether it matters is the RPA's call.
 */
export async function verifyPades(pdf: Buffer, options: VerifyPadesOptions): Promise<SignatureOutcome> {
  const impossible = SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA;
  try {
    // Finding the signature dictionaries is a byte scan with no parsing, so even a PDF over the
    // in-memory limit gets the right answer when it is unsigned.
    const scan = findPdfSignatureFields(pdf);
    const signatures = scan.fields.filter((f) => f.subFilter !== DOCUMENT_TIMESTAMP);
    const timestamps = scan.fields.length - signatures.length;
    if (signatures.length === 0 && scan.problems.length === 0) {
      const detail =
        timestamps > 0 ? 'only a document timestamp, no signature' : 'no signature dictionary in the PDF';
      return outcome(SignatureStatus.FIRMA_MANCANTE, 'NONE', detail);
    }
    const max = options.maxSignatures ?? MAX_SIGNATURES;
    if (signatures.length > max) {
      return outcome(
        impossible,
        'PADES',
        `${signatures.length} signatures: at most ${max} are verified in one file`,
      );
    }
    if (pdf.length > MAX_IN_MEMORY_SIGNED_BYTES) {
      const detail = `signed PDF larger than ${MAX_IN_MEMORY_SIGNED_BYTES} bytes: not verified in memory`;
      return outcome(impossible, 'PADES', detail);
    }
    const findings: SignerVerification[] = scan.problems.map((problem) => ({
      status: impossible,
      detail: problem,
      signer: undefined,
      signingTime: undefined,
    }));
    const details = [...scan.problems];
    for (const [index, field] of signatures.entries()) {
      for (const found of await verifyField(pdf, field, options.at)) {
        findings.push(found);
        details.push(signatures.length > 1 ? `signature ${index + 1}: ${found.detail}` : found.detail);
      }
    }
    if (signatures.length > 0 && !signatures.some((f) => f.coversWholeFile)) {
      details.push('bytes were appended after the last signature (an incremental update it does not cover)');
    }
    if (timestamps > 0) details.push(`${timestamps} document timestamp(s) not verified`);
    return outcome(worstStatus(findings.map((f) => f.status)), 'PADES', details.join('; '), {
      signers: findings.flatMap((f) => (f.signer ? [f.signer] : [])),
      signingTime: findings.find((f) => f.signingTime)?.signingTime,
    });
  } catch (error) {
    return outcome(impossible, 'PADES', `unexpected error: ${describe(error)}`);
  }
}
