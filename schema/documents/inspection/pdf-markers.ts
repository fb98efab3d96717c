import { ByteMarkerScanner } from './byte-marker-scanner.js';

/** The PDF/A part and conformance level a PDF declares in its XMP metadata (ISO 19005). */
export interface PdfAIdentification {
  /** 1, 2, 3 or 4 (ISO 19005-1 … -4). */
  part: number;
  /** A, B, U, E or F; absent in PDF/A-4 (which has none) or when not found near the part. */
  conformance: string | undefined;
}

const PART = 'pdfaid:part';
const CONFORMANCE = 'pdfaid:conformance';
const BYTE_RANGE = '/ByteRange';
// Enough bytes after the property name for `="1"` or `>1</pdfaid:part>` with some whitespace.
const CAPTURE = 48;

/** XMP allows both `pdfaid:part="1"` (attribute) and `<pdfaid:part>1</pdfaid:part>` (element). */
const PROPERTY_VALUE = /^\s*(?:=\s*["']\s*([^"'<\s]+)|>\s*([^<\s]+))/;

function propertyValue(following: Buffer): string | undefined {
  const match = PROPERTY_VALUE.exec(following.toString('latin1'));
  return match?.[1] ?? match?.[2];
}

/**
 * Scans a PDF as it streams for the markers that the head alone cannot show: the PDF/A
 * identification in the XMP packet (often near the end, written with the last update) and the
 * `/ByteRange` of a signature dictionary (a hint of PAdES; the signature module verifies it).
 *
 * A PDF/A's document metadata stream must be stored unfiltered, so the XMP text is visible in
 * the raw bytes. A declared part is a claim, not a validation: conformance checking needs a
 * PDF/A validator (veraPDF), which this module does not replace.
 */
export class PdfMarkerScanner {
  private readonly scanner = new ByteMarkerScanner([
    { name: PART, pattern: Buffer.from(PART), captureAfter: CAPTURE },
    { name: CONFORMANCE, pattern: Buffer.from(CONFORMANCE), captureAfter: CAPTURE },
    { name: BYTE_RANGE, pattern: Buffer.from(BYTE_RANGE), captureAfter: 0 },
  ]);

  update(chunk: Uint8Array): void {
    this.scanner.update(chunk);
  }

  /** The declared PDF/A identification, or undefined when the file declares none (or garbage). */
  pdfA(): PdfAIdentification | undefined {
    const partHit = this.scanner.hit(PART);
    const part = partHit ? Number(propertyValue(partHit.following)) : NaN;
    if (!Number.isInteger(part) || part < 1 || part > 4) return undefined;
    const conformanceHit = this.scanner.hit(CONFORMANCE);
    const conformance = conformanceHit ? propertyValue(conformanceHit.following)?.toUpperCase() : undefined;
    return { part, conformance: conformance && /^[ABUEF]$/.test(conformance) ? conformance : undefined };
  }

  /** Whether a `/ByteRange` key was seen: the PDF probably carries a signature dictionary. */
  sawByteRange(): boolean {
    return this.scanner.hit(BYTE_RANGE) !== undefined;
  }
}
