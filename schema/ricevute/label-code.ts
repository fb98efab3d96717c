import { DomainError } from '../../server/errors/domain-error.js';
import { formatProtocolNumber } from '../protocollo/index.js';

/** The codes of the register a record belongs to (all public: they are printed on the label). */
export interface RegisterCodes {
  /** IPA code of the administration (CodiceAmministrazione). */
  ipaCode: string;
  /** IPA code of the AOO (Codice_uni_aoo). */
  aooCode: string;
  /** Code of the AOO's protocol register (CodiceRegistro). */
  registerCode: string;
}

/** What identifies a registration on paper: the register's codes, year and number. */
export interface LabelKey {
  ipaCode: string;
  aooCode: string;
  year: number;
  number: number;
}

/**
 * The barcode's content: `PROT:<IPA code>:<AOO code>:<year>:<number, 7 digits>`. The AOO code is
 * unique only within its administration, so the IPA code is part of it; both are letters,
 * digits and `_` (organisation rules), so `:` never occurs inside a part. Printable ASCII only,
 * which Code 128 encodes compactly and every scanner types back unchanged.
 */
const LABEL_CODE = /^PROT:([A-Za-z0-9_]{1,32}):([A-Za-z0-9_]{1,16}):(\d{4}):(\d{1,10})$/;

export function labelCode(codes: RegisterCodes, record: { year: number; number: number }): string {
  return `PROT:${codes.ipaCode}:${codes.aooCode}:${record.year}:${formatProtocolNumber(record.number)}`;
}

/** Reads a scanned code back; anything else is PROTOCOL_BARCODE_MALFORMED (nothing is looked up). */
export function parseLabelCode(code: string): LabelKey {
  // Scanners in keyboard mode often append a newline or a tab: trailing whitespace is not the code.
  const m = LABEL_CODE.exec(code.trim());
  const number = Number(m?.[4]);
  if (!m || !Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) {
    throw new DomainError(
      'PROTOCOL_BARCODE_MALFORMED',
      'code: not a protocol label code; expected PROT:<IPA code>:<AOO code>:<year>:<number>',
      { field: 'code' },
    );
  }
  return { ipaCode: m[1] ?? '', aooCode: m[2] ?? '', year: Number(m[3]), number };
}

/**
 * The short human-readable segnatura for stamping (001 §6.3 minimum: administration, AOO,
 * register, number, date): `c_demo ADEMO01 REG_PROT 0000042 del 04/12/2026`.
 */
export function labelText(codes: RegisterCodes, record: { number: number; date: string }): string {
  return `${codes.ipaCode} ${codes.aooCode} ${codes.registerCode} ${formatProtocolNumber(record.number)} del ${italianDate(record.date)}`;
}

/** `YYYY-MM-DD` (the record's Europe/Rome registration day) as `DD/MM/YYYY`. */
export function italianDate(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}
