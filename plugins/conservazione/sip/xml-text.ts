/**
 * Text as XML 1.0 accepts it: characters outside its Char production (C0 controls but tab, CR,
 * LF; lone surrogates; U+FFFE/U+FFFF) are dropped, so a stray byte in an oggetto cannot make a
 * package unparseable. Then cut to the schema's maximum length (in characters, as XSD counts).
 */
export function xmlText(value: string, maxLength = Number.POSITIVE_INFINITY): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
  // Fewer UTF-16 units than the limit is fewer characters too: no need to split it (a build
  // passes thousands of texts through here).
  if (clean.length <= maxLength) return clean;
  const chars = Array.from(clean);
  return chars.length > maxLength ? chars.slice(0, maxLength).join('') : clean;
}

/** A value for an xs:token / non-empty string element: never empty (the schemas say minLength 1). */
export function nonEmpty(value: string | null | undefined, fallback: string, maxLength?: number): string {
  const text = xmlText(value ?? '', maxLength).trim();
  return text.length > 0 ? text : fallback;
}

/** Lowercase hex SHA-256 → base64 (AgID Allegato 5 keeps the impronta as xs:base64Binary). */
export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/** The folder of a unit in the zip: `<registro>-<anno>-<numero>`, safe as a path segment. */
export function unitFolder(key: { registro: string; anno: number; numero: string }): string {
  return safeSegment(`${key.registro}-${key.anno}-${key.numero}`);
}

/** A file or folder name with no path separators, controls or dot-only names. */
export function safeSegment(name: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_').trim();
  return cleaned === '' || /^\.+$/.test(cleaned) ? '_' : cleaned;
}
