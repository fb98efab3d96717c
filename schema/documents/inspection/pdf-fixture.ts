// Test support (not a test file): minimal PDFs, unsigned or PAdES-signed, built byte by byte.

/** Hex digits reserved for /Contents: 8 KiB of CMS, ample for one RSA or ECDSA signature. */
const CONTENTS_HEX_LENGTH = 16_384;
const BYTE_RANGE_PLACEHOLDER = '[0 0000000000 0000000000 0000000000]';

export interface PdfOptions {
  /** Adds a signature field and dictionary with this /SubFilter; no signature otherwise. */
  subFilter?: string;
  /** /M of the signature dictionary (PDF date text, e.g. `D:20200601120000Z`). */
  claimedSigningTime?: string;
  /** Text of the page's content stream. */
  pageText?: string;
}

/** An assembled PDF; for a signature, where its gap is and what the byte range covers. */
export interface PreparedPdf {
  bytes: Buffer;
  /** [0, b, c, d], or undefined for an unsigned PDF. */
  byteRange: [number, number, number, number] | undefined;
}

function assemble(objects: readonly string[]): Buffer {
  let body = '%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  for (const [index, object] of objects.entries()) {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  }
  const xrefOffset = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/**
 * A one-page PDF. With `subFilter` it has a signature dictionary whose /ByteRange covers the
 * whole file except the /Contents placeholder (zeros), ready for `embedSignature`.
 */
export function buildPdf(options: PdfOptions = {}): PreparedPdf {
  const stream = options.pageText ?? '0 0 m 100 100 l S';
  const signed = options.subFilter !== undefined;
  const objects = [
    `<< /Type /Catalog /Pages 2 0 R${signed ? ' /AcroForm << /Fields [4 0 R] /SigFlags 3 >>' : ''} >>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 6 0 R${signed ? ' /Annots [4 0 R]' : ''} >>`,
    signed
      ? '<< /Type /Annot /Subtype /Widget /FT /Sig /T (Firma1) /Rect [0 0 0 0] /F 132 /P 3 0 R /V 5 0 R >>'
      : 'null',
    signed
      ? `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /${options.subFilter ?? ''}` +
        (options.claimedSigningTime ? ` /M (${options.claimedSigningTime})` : '') +
        ` /ByteRange ${BYTE_RANGE_PLACEHOLDER} /Contents <${'0'.repeat(CONTENTS_HEX_LENGTH)}> >>`
      : 'null',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
  ];
  const bytes = assemble(objects);
  if (!signed) return { bytes, byteRange: undefined };
  const gapStart = bytes.indexOf('/Contents <') + '/Contents '.length;
  const gapEnd = gapStart + CONTENTS_HEX_LENGTH + 2;
  const byteRange: [number, number, number, number] = [0, gapStart, gapEnd, bytes.length - gapEnd];
  const rangeText = `[0 ${byteRange
    .slice(1)
    .map((n) => String(n).padEnd(10, ' '))
    .join(' ')}]`;
  bytes.write(rangeText, bytes.indexOf(BYTE_RANGE_PLACEHOLDER), 'latin1');
  return { bytes, byteRange };
}

/** The bytes a signature over `pdf` covers: both byte ranges, concatenated. */
export function signedRanges(pdf: PreparedPdf): Buffer {
  if (!pdf.byteRange) throw new Error('unsigned PDF has no byte range');
  const [, b, c, d] = pdf.byteRange;
  return Buffer.concat([pdf.bytes.subarray(0, b), pdf.bytes.subarray(c, c + d)]);
}

/** Writes a DER CMS into the /Contents placeholder (hex, zero-padded). */
export function embedSignature(pdf: PreparedPdf, cms: Buffer): Buffer {
  if (!pdf.byteRange) throw new Error('unsigned PDF has no /Contents placeholder');
  const hex = cms.toString('hex');
  if (hex.length > CONTENTS_HEX_LENGTH) throw new Error('CMS larger than the /Contents placeholder');
  const out = Buffer.from(pdf.bytes);
  out.write(hex, pdf.byteRange[1] + 1, 'latin1');
  return out;
}
