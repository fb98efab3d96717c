/**
 * Finds the signature dictionaries of a PDF from its raw bytes (ISO 32000-1 §12.8.1). A
 * signature's /Contents must sit in the file bytes at the gap its /ByteRange leaves, so the
 * dictionary is never inside a compressed object stream and a byte scan finds every one.
 */

/** A signature dictionary: what it signs, and the CMS it carries. */
export interface PdfSignatureField {
  /** [offset1, length1, offset2, length2]: the signed bytes are the two ranges. */
  byteRange: readonly [number, number, number, number];
  /** /SubFilter, e.g. `ETSI.CAdES.detached`, `adbe.pkcs7.detached`, `ETSI.RFC3161`. */
  subFilter: string | undefined;
  /** The decoded /Contents (a CMS, usually followed by zero padding). */
  contents: Buffer;
  /** /M, the signing time the PDF claims (PAdES puts it here instead of the CMS). */
  claimedSigningTime: Date | undefined;
  /** Whether the byte ranges reach the end of the file (nothing appended after this signature). */
  coversWholeFile: boolean;
}

export interface PdfSignatureScan {
  fields: PdfSignatureField[];
  /** Signature dictionaries that could not be read, with the reason. */
  problems: string[];
}

const BYTE_RANGE_KEY = Buffer.from('/ByteRange');
const BYTE_RANGE = /^\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/;
// How far around /Contents to look for the rest of its dictionary: signature dictionaries are
// small apart from /Contents (and an optional /Cert or /Reference, rarely large).
const DICTIONARY_WINDOW = 16 * 1024;
const OBJECT_HEADER = /\d+\s+\d+\s+obj\b/g;

const PDF_DATE = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+-])(\d{2})?'?(\d{2})?'?)?/;

/** ISO 32000-1 §7.9.4 date: `D:YYYYMMDDHHmmSSOHH'mm'`, missing parts defaulting to the minimum. */
export function parsePdfDate(text: string): Date | undefined {
  const m = PDF_DATE.exec(text);
  if (!m) return undefined;
  const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00', sign, tzh, tzm] = m;
  const utc = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  const offsetMinutes = Number(tzh ?? 0) * 60 + Number(tzm ?? 0);
  const shift = sign === '+' ? -offsetMinutes : sign === '-' ? offsetMinutes : 0;
  const date = new Date(utc + shift * 60_000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The PDF literal string value of key /M in a dictionary text, e.g. `/M (D:2024…)`. */
function claimedTime(dictionary: string): Date | undefined {
  const m = /\/M\s*\(([^)]*)\)/.exec(dictionary);
  return m?.[1] ? parsePdfDate(m[1]) : undefined;
}

/** The text of the dictionary around the /Contents gap [start, end): from its object header to endobj. */
function dictionaryAround(pdf: Buffer, start: number, end: number): string {
  const before = pdf.subarray(Math.max(0, start - DICTIONARY_WINDOW), start).toString('latin1');
  let objectStart = 0;
  for (const header of before.matchAll(OBJECT_HEADER)) objectStart = header.index;
  const after = pdf.subarray(end, Math.min(pdf.length, end + DICTIONARY_WINDOW)).toString('latin1');
  const objectEnd = after.indexOf('endobj');
  return before.slice(objectStart) + after.slice(0, objectEnd === -1 ? after.length : objectEnd);
}

function decodeHexString(gap: Buffer): Buffer | undefined {
  const text = gap.toString('latin1');
  if (!text.startsWith('<') || !text.endsWith('>')) return undefined;
  const hex = text.slice(1, -1).replace(/\s+/g, '');
  if (!/^[0-9A-Fa-f]*$/.test(hex)) return undefined;
  // ISO 32000-1 §7.3.4.3: an odd final digit is completed with 0.
  return Buffer.from(hex.length % 2 === 0 ? hex : `${hex}0`, 'hex');
}

function readField(pdf: Buffer, at: number): PdfSignatureField | string {
  const range = BYTE_RANGE.exec(pdf.subarray(at, at + 128).toString('latin1'));
  if (!range) return `unreadable /ByteRange at offset ${at}`;
  const [a, b, c, d] = [range[1], range[2], range[3], range[4]].map(Number) as [
    number,
    number,
    number,
    number,
  ];
  // The first range starts the file and the gap holds exactly the /Contents hex string.
  if (a !== 0 || b < 1 || c < b + 2 || c + d > pdf.length) {
    return `/ByteRange [${a} ${b} ${c} ${d}] does not fit a file of ${pdf.length} bytes`;
  }
  const before = pdf.subarray(Math.max(0, b - 32), b).toString('latin1');
  if (!/\/Contents\s*$/.test(before)) {
    return `/ByteRange [${a} ${b} ${c} ${d}]: the excluded gap is not the /Contents of a signature dictionary`;
  }
  const contents = decodeHexString(pdf.subarray(b, c));
  if (!contents) return `/ByteRange [${a} ${b} ${c} ${d}]: /Contents is not a hex string`;
  const dictionary = dictionaryAround(pdf, b, c);
  return {
    byteRange: [a, b, c, d],
    subFilter: /\/SubFilter\s*\/([^\s/<>[\]()]+)/.exec(dictionary)?.[1],
    contents,
    claimedSigningTime: claimedTime(dictionary),
    coversWholeFile: c + d === pdf.length,
  };
}

/** Every signature dictionary of the PDF (every /ByteRange), in file order. */
export function findPdfSignatureFields(pdf: Buffer): PdfSignatureScan {
  const fields: PdfSignatureField[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (let at = pdf.indexOf(BYTE_RANGE_KEY); at !== -1; at = pdf.indexOf(BYTE_RANGE_KEY, at + 1)) {
    const field = readField(pdf, at);
    if (typeof field === 'string') {
      problems.push(field);
      continue;
    }
    const key = field.byteRange.join(' ');
    if (seen.has(key)) continue; // the same dictionary rewritten by a later incremental update
    seen.add(key);
    fields.push(field);
  }
  return { fields, problems };
}
