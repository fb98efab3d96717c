import { Transform, Writable } from 'node:stream';
import { fileTypeFromBuffer, type FileTypeResult } from 'file-type';
import { looksLikeSignedDataEnvelope } from './cms-envelope.js';
import { DocumentFormat, isAcceptedFormat } from './document-format.js';
import { PdfMarkerScanner, type PdfAIdentification } from './pdf-markers.js';
import {
  isStrictText,
  looksLikeEmail,
  looksLikeHtml,
  looksLikeXml,
  Utf8TextValidator,
} from './text-sniffing.js';
import { ZipEntryScanner } from './zip-markers.js';

/** What the bytes of a file are, as far as the records platform cares. */
export interface FormatInspection {
  readonly format: DocumentFormat;
  /** The detected media type (for OTHER: file-type's answer, or application/octet-stream). */
  readonly mediaType: string;
  /** A conventional extension for the detected type, without the dot, when one is known. */
  readonly extension: string | undefined;
  /** isAcceptedFormat(format): 001 §3.2.2 / DOMAIN §10. Advice only, never a block. */
  readonly accepted: boolean;
  /** Bytes seen. */
  readonly size: number;
  /** The declared PDF/A part (PDF_A only). */
  readonly pdfA: PdfAIdentification | undefined;
  /**
   * Which signature the signature module should look for: CADES for every P7M, PADES for a
   * PDF with a `/ByteRange`. A hint from markers, not a verification.
   */
  readonly signatureHint: 'CADES' | 'PADES' | undefined;
}

export interface FormatSnifferOptions {
  /**
   * How many leading bytes to keep for magic-number detection. file-type needs 4100; zip-based
   * formats (ODF, OOXML) are recognised from their first entries, so more helps (OOXML entry
   * names are also scanned in the whole stream). Default 64 KiB.
   */
  headBytes?: number;
}

export const DEFAULT_HEAD_BYTES = 64 * 1024;
const MIN_HEAD_BYTES = 4100; // file-type's documented sample size

/** PDF header within the first 1024 bytes (readers tolerate leading bytes, ISO 32000-1 Annex H). */
const PDF_HEADER = Buffer.from('%PDF-');
const PDF_HEADER_WINDOW = 1024;
const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Text-based types that file-type recognises by their opening characters. For any other type,
 * a file that is valid UTF-8 throughout is text that happens to start like a magic number
 * ("BMW…" would be a BMP): real binary formats carry NUL bytes in their headers.
 */
const TEXT_BASED_FILE_TYPES = new Set(['xml', 'rtf', 'ps', 'eps', 'ics', 'vcf', 'vtt', 'pgp', 'reg']);

const FILE_TYPE_FORMATS: ReadonlyMap<string, DocumentFormat> = new Map([
  ['pdf', DocumentFormat.PDF],
  ['xml', DocumentFormat.XML],
  ['odt', DocumentFormat.ODF],
  ['ods', DocumentFormat.ODF],
  ['odp', DocumentFormat.ODF],
  ['docx', DocumentFormat.OOXML],
  ['xlsx', DocumentFormat.OOXML],
  ['pptx', DocumentFormat.OOXML],
  ['tif', DocumentFormat.TIFF],
  ['jpg', DocumentFormat.JPEG],
]);

interface Classification {
  format: DocumentFormat;
  mediaType: string;
  extension: string | undefined;
}

const OCTET_STREAM: Classification = {
  format: DocumentFormat.OTHER,
  mediaType: 'application/octet-stream',
  extension: undefined,
};

function fixed(format: DocumentFormat, mediaType: string, extension: string): Classification {
  return { format, mediaType, extension };
}

function fromFileType(detected: FileTypeResult): Classification {
  const format = FILE_TYPE_FORMATS.get(detected.ext) ?? DocumentFormat.OTHER;
  return { format, mediaType: detected.mime, extension: detected.ext };
}

async function detectMagic(head: Buffer): Promise<FileTypeResult | undefined> {
  try {
    return await fileTypeFromBuffer(head);
  } catch {
    // A truncated or corrupt container (a zip cut by the head): no verdict from magic numbers.
    return undefined;
  }
}

/**
 * Detects the format of a stream in constant memory. Feed it the same chunks that go to
 * storage (`update`, or pipe through `createPassThrough()` / tee into `createWritable()`), then
 * call `finish()`. It keeps the first `headBytes` bytes for magic numbers and text heuristics,
 * and scans the rest with bounded carry-over for markers that may sit anywhere (PDF/A XMP,
 * signature `/ByteRange`, OOXML entry names) and for UTF-8 validity (TXT).
 *
 * ```ts
 * const sniffer = new FormatSniffer();
 * const stored = await blobStore.put(request.pipe(sniffer.createPassThrough()));
 * const inspection = await sniffer.finish();
 * ```
 */
export class FormatSniffer {
  private readonly headLimit: number;
  private readonly headParts: Buffer[] = [];
  private headLength = 0;
  private size = 0;
  private finished = false;
  // Marker scanners run until the head shows they are irrelevant (not a PDF, not a zip).
  private pdfScanner: PdfMarkerScanner | undefined = new PdfMarkerScanner();
  private zipScanner: ZipEntryScanner | undefined = new ZipEntryScanner();
  private readonly text = new Utf8TextValidator();

  constructor(options: FormatSnifferOptions = {}) {
    this.headLimit = Math.max(MIN_HEAD_BYTES, options.headBytes ?? DEFAULT_HEAD_BYTES);
  }

  /** Feeds the next chunk of the stream. The chunk is not retained beyond the head's copy. */
  update(chunk: Uint8Array): void {
    if (this.finished) throw new Error('FormatSniffer.update() called after finish()');
    if (chunk.length === 0) return;
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const headRoom = this.headLimit - this.headLength;
    if (headRoom > 0) {
      const part = Buffer.from(bytes.subarray(0, headRoom)); // copy: the caller may reuse its buffer
      this.headParts.push(part);
      this.headLength += part.length;
      if (this.headLength === this.headLimit && !this.headIsPdf()) this.pdfScanner = undefined;
      if (this.headLength >= ZIP_LOCAL_HEADER.length && !this.headIsZip()) this.zipScanner = undefined;
    }
    this.pdfScanner?.update(bytes);
    this.zipScanner?.update(bytes);
    this.text.update(bytes);
    this.size += bytes.length;
  }

  /** A pass-through stream that feeds every chunk to this sniffer on its way downstream. */
  createPassThrough(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        try {
          this.update(chunk);
          callback(null, chunk);
        } catch (error) {
          callback(error instanceof Error ? error : new Error(String(error)));
        }
      },
    });
  }

  /** A writable end for teeing: `source.pipe(sniffer.createWritable()); source.pipe(upload)`. */
  createWritable(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        try {
          this.update(chunk);
          callback();
        } catch (error) {
          callback(error instanceof Error ? error : new Error(String(error)));
        }
      },
    });
  }

  /** Classifies what was fed. Call once, after the last chunk. */
  async finish(): Promise<FormatInspection> {
    if (this.finished) throw new Error('FormatSniffer.finish() called twice');
    this.finished = true;
    const head = Buffer.concat(this.headParts, this.headLength);
    const classification = await this.classify(head);
    const pdfA = classification.format === DocumentFormat.PDF_A ? this.pdfScanner?.pdfA() : undefined;
    return {
      ...classification,
      accepted: isAcceptedFormat(classification.format),
      size: this.size,
      pdfA,
      signatureHint: this.signatureHint(classification.format),
    };
  }

  private headIsPdf(): boolean {
    const head = this.headParts[0] ?? Buffer.alloc(0);
    // The first part holds min(headLimit, first chunk); a header split across tiny first chunks
    // is found once the head is joined.
    const window = head.length >= PDF_HEADER_WINDOW ? head : Buffer.concat(this.headParts, this.headLength);
    return window.subarray(0, PDF_HEADER_WINDOW).indexOf(PDF_HEADER) !== -1;
  }

  private headIsZip(): boolean {
    return Buffer.concat(this.headParts.slice(0, ZIP_LOCAL_HEADER.length))
      .subarray(0, ZIP_LOCAL_HEADER.length)
      .equals(ZIP_LOCAL_HEADER);
  }

  private signatureHint(format: DocumentFormat): 'CADES' | 'PADES' | undefined {
    if (format === DocumentFormat.P7M) return 'CADES';
    const isPdf = format === DocumentFormat.PDF || format === DocumentFormat.PDF_A;
    return isPdf && this.pdfScanner?.sawByteRange() ? 'PADES' : undefined;
  }

  private async classify(head: Buffer): Promise<Classification> {
    if (this.size === 0) return OCTET_STREAM;
    // Own checks first: file-type knows no CMS, and a PDF/A needs the streamed XMP scan.
    if (looksLikeSignedDataEnvelope(head)) return fixed(DocumentFormat.P7M, 'application/pkcs7-mime', 'p7m');
    if (head.subarray(0, PDF_HEADER_WINDOW).indexOf(PDF_HEADER) !== -1) {
      return this.pdfScanner?.pdfA()
        ? fixed(DocumentFormat.PDF_A, 'application/pdf', 'pdf')
        : fixed(DocumentFormat.PDF, 'application/pdf', 'pdf');
    }
    const truncated = this.size > head.length;
    const textual = this.text.finish() && isStrictText(head, truncated);
    const magic = await detectMagic(head);
    const ooxml = magic?.ext === 'zip' ? this.zipScanner?.ooxmlPackage() : undefined;
    if (ooxml) return fixed(DocumentFormat.OOXML, ooxml.mediaType, ooxml.extension);
    if (magic && (!textual || TEXT_BASED_FILE_TYPES.has(magic.ext))) return fromFileType(magic);
    if (looksLikeXml(head)) return fixed(DocumentFormat.XML, 'application/xml', 'xml');
    if (looksLikeEmail(head, truncated)) return fixed(DocumentFormat.EML, 'message/rfc822', 'eml');
    if (textual && looksLikeHtml(head)) return fixed(DocumentFormat.OTHER, 'text/html', 'html');
    if (textual) return fixed(DocumentFormat.TXT, 'text/plain', 'txt');
    return OCTET_STREAM;
  }
}

/** Inspects bytes already in memory (a whole file, or just its head when that is all there is). */
export async function inspectFormat(
  bytes: Uint8Array,
  options?: FormatSnifferOptions,
): Promise<FormatInspection> {
  const sniffer = new FormatSniffer(options);
  sniffer.update(bytes);
  return sniffer.finish();
}

/** Inspects a stream (a Node Readable is an AsyncIterable) by consuming it to the end. */
export async function inspectStream(
  source: AsyncIterable<Uint8Array>,
  options?: FormatSnifferOptions,
): Promise<FormatInspection> {
  const sniffer = new FormatSniffer(options);
  for await (const chunk of source) sniffer.update(chunk);
  return sniffer.finish();
}
