/**
 * File inspection: what a document's bytes are (format, media type, PDF/A claim) and what its
 * digital signature says. Pure functions and a streaming sniffer; no database, no network.
 */
export { ACCEPTED_FORMATS, DocumentFormat, isAcceptedFormat } from './document-format.js';
export {
  DEFAULT_HEAD_BYTES,
  FormatSniffer,
  inspectFormat,
  inspectStream,
  type FormatInspection,
  type FormatSnifferOptions,
} from './media-type.js';
export type { PdfAIdentification } from './pdf-markers.js';
export { MAX_ENVELOPE_DEPTH, MAX_IN_MEMORY_SIGNED_BYTES } from './inspection-limits.js';
export {
  CmsFormatError,
  detectSignatureKind,
  extractSignedContent,
  unwrapEnvelope,
  verifyCades,
  verifyPades,
  verifySignature,
  type VerifyCadesOptions,
  type VerifyPadesOptions,
  type VerifySignatureOptions,
} from './signature.js';
export {
  registrationNoteFor,
  SIGNATURE_STATUS_LABELS,
  SignatureStatus,
  type SignatureKind,
  type SignatureOutcome,
  type SignerSummary,
} from './signature-outcome.js';
