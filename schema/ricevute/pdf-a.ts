import PDFDocument from 'pdfkit';
import { fontBytes } from './fonts.js';

export const REGULAR = 'DejaVuSans';
export const BOLD = 'DejaVuSans-Bold';

export interface PdfAOptions {
  /** Page size in points. */
  size: [number, number] | 'A4';
  margin: number;
  title: string;
  subject: string;
  /** The moment the PDF is issued (the request clock: schema/ code never reads the host's). */
  issuedAt: Date;
}

/**
 * A tagged PDF/A-3b document (Italian, with its title shown) whose only fonts are the embedded
 * DejaVu Sans: PDF/A-3b is what conservation accepts for a receipt, and pdfkit writes its XMP
 * metadata (pdfaid:part 3, conformance B) and the sRGB output intent it requires.
 */
export function createPdfA(options: PdfAOptions): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    subset: 'PDF/A-3b',
    pdfVersion: '1.7',
    tagged: true,
    lang: 'it-IT',
    displayTitle: true,
    size: options.size,
    margin: options.margin,
    autoFirstPage: true,
    info: {
      Title: options.title,
      Subject: options.subject,
      Creator: 'protocollo-dms',
      Producer: 'protocollo-dms (PDFKit)',
      CreationDate: options.issuedAt,
      ModDate: options.issuedAt,
    },
  });
  const fonts = fontBytes();
  doc.registerFont(REGULAR, fonts.regular);
  doc.registerFont(BOLD, fonts.bold);
  doc.font(REGULAR);
  return doc;
}

/** Ends the document and collects its bytes. */
export function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}
