/**
 * The file formats the records platform distinguishes, detected from the bytes (never from the
 * file name or a client-declared MIME type).
 *
 * DOMAIN §10 condenses 001 §3.2.2 into: PDF, PDF/A, XML, ODF/OOXML, TXT, TIFF, JPG,
 * EML (RFC 2822/MIME), P7M (CAdES) and PAdES-signed PDF. A PAdES file is a PDF (or PDF/A) whose
 * signature is found by the signature module, so it has no format of its own here.
 */
export enum DocumentFormat {
  PDF = 'PDF',
  PDF_A = 'PDF_A',
  XML = 'XML',
  /** OpenDocument text, spreadsheet, presentation (odt, ods, odp). */
  ODF = 'ODF',
  /** Office Open XML document, workbook, presentation (docx, xlsx, pptx). */
  OOXML = 'OOXML',
  TXT = 'TXT',
  TIFF = 'TIFF',
  JPEG = 'JPEG',
  /** An RFC 822/2822 message with MIME (a saved e-mail, `postacert.eml`). */
  EML = 'EML',
  /** A CAdES attached envelope (CMS SignedData with the content inside), DER or base64/PEM. */
  P7M = 'P7M',
  OTHER = 'OTHER',
}

/**
 * Formats accepted for registration and conservation, 001 §3.2.2 as condensed in DOMAIN §10.
 *
 * 001 §3.2.2 also names legacy or non-archival formats (Doc, Xls, Html, Gif, Mp3, Wav, Avi, Exe,
 * Zip, RAR…): they are detected as OTHER and not accepted, following DOMAIN §10. A file that is
 * not accepted is still registered (001 §8.3: "viene comunque registrato al protocollo"); the RPA
 * decides whether to ask the sender for a compliant copy. Acceptance is advice, never a block.
 */
export const ACCEPTED_FORMATS: ReadonlySet<DocumentFormat> = new Set([
  DocumentFormat.PDF,
  DocumentFormat.PDF_A,
  DocumentFormat.XML,
  DocumentFormat.ODF,
  DocumentFormat.OOXML,
  DocumentFormat.TXT,
  DocumentFormat.TIFF,
  DocumentFormat.JPEG,
  DocumentFormat.EML,
  DocumentFormat.P7M,
]);

/** Whether the format is one of those listed in 001 §3.2.2 / DOMAIN §10. OTHER never is. */
export function isAcceptedFormat(format: DocumentFormat): boolean {
  return ACCEPTED_FORMATS.has(format);
}
