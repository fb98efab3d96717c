/**
 * Codes of titolario nodes: roman numerals for titoli (I … XXXIX), positive arabic numbers
 * below. The sort key orders nodes naturally and depth first: 'IX/1/10' → '0009.0001.0010'.
 */

const ROMAN = /^(X{0,3})(IX|IV|V?I{0,3})$/;
const ARABIC = /^[1-9][0-9]{0,3}$/;

export function isValidCode(level: number, code: string): boolean {
  return level === 1 ? code !== '' && ROMAN.test(code) : ARABIC.test(code);
}

export function romanToNumber(roman: string): number {
  const values: Record<string, number> = { I: 1, V: 5, X: 10 };
  let total = 0;
  for (let i = 0; i < roman.length; i++) {
    const v = values[roman[i]];
    const next = i + 1 < roman.length ? values[roman[i + 1]] : 0;
    total += v < next ? -v : v;
  }
  return total;
}

export function toRoman(n: number): string {
  const table: Array<[number, string]> = [
    [10, 'X'],
    [9, 'IX'],
    [5, 'V'],
    [4, 'IV'],
    [1, 'I'],
  ];
  let out = '';
  for (const [v, s] of table) {
    while (n >= v) {
      out += s;
      n -= v;
    }
  }
  return out;
}

/** The sort key of one code segment. */
function segmentKey(level: number, code: string): string {
  const n = level === 1 ? romanToNumber(code) : Number(code);
  return String(n).padStart(4, '0');
}

/** The sort key of a node from its parent's key (null for a titolo). */
export function sortKeyOf(parentSortKey: string | null, level: number, code: string): string {
  const seg = segmentKey(level, code);
  return parentSortKey === null ? seg : `${parentSortKey}.${seg}`;
}

/** The path of codes of a node from its parent's path (null for a titolo). */
export function fullCodeOf(parentFullCode: string | null, code: string): string {
  return parentFullCode === null ? code : `${parentFullCode}/${code}`;
}
