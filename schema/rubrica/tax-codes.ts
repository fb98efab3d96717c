/**
 * Italian tax identifiers: the codice fiscale of a natural person (16 characters, D.M. 23/12/1976,
 * with its check character and the "omocodia" letters that replace digits) and the partita IVA
 * (11 digits, D.P.R. 633/1972, Luhn-style check digit), which is also the codice fiscale of legal
 * persons and administrations.
 */

const ODD: Record<string, number> = {};
const ODD_VALUES = [
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];
for (let i = 0; i < 26; i++) {
  const v = ODD_VALUES[i] ?? 0;
  ODD[String.fromCharCode(65 + i)] = v;
  if (i < 10) ODD[String(i)] = v;
}
const even = (c: string): number => (c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 65);

// Positions: 6 letters (surname, name), 2 year digits, month letter, 2 day digits, place letter
// and 3 digits, check letter. Digits may be replaced by L M N P Q R S T U V (omocodia).
const D = '[0-9LMNPQRSTUV]';
const PERSON_CF = new RegExp(`^[A-Z]{6}${D}{2}[ABCDEHLMPRST]${D}{2}[A-Z]${D}{3}[A-Z]$`);

/** Why a codice fiscale is not valid, or null when it is (16-character or 11-digit form). */
export function codiceFiscaleProblem(cf: string): string | null {
  if (/^[0-9]{11}$/.test(cf)) return partitaIvaProblem(cf);
  if (cf.length !== 16) return 'must be 16 characters (natural persons) or 11 digits (legal persons)';
  if (!PERSON_CF.test(cf)) return 'is not in the format of a codice fiscale (e.g. RSSMRA85T10A562S)';
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = cf[i] ?? '';
    sum += i % 2 === 0 ? (ODD[c] ?? 0) : even(c);
  }
  const expected = String.fromCharCode(65 + (sum % 26));
  return cf[15] === expected ? null : `has a wrong check character (expected ${expected})`;
}

/** Why a partita IVA is not valid, or null when it is. */
export function partitaIvaProblem(piva: string): string | null {
  if (!/^[0-9]{11}$/.test(piva)) return 'must be 11 digits';
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const d = piva.charCodeAt(i) - 48;
    if (i % 2 === 0) sum += d;
    else sum += d * 2 > 9 ? d * 2 - 9 : d * 2;
  }
  const expected = (10 - (sum % 10)) % 10;
  return piva.charCodeAt(10) - 48 === expected ? null : `has a wrong check digit (expected ${expected})`;
}

/** The form the directory stores and compares: upper case, no spaces. */
export const normaliseCode = (value: string): string => value.replace(/\s+/g, '').toUpperCase();
