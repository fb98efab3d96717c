import { InvalidInputError } from './domain-error.js';

// NUL cannot be stored in PostgreSQL text at all; the other control characters have no place in
// single-line values such as names and codes.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Trimmed, single-line, non-empty, at most `max` characters. */
export function requiredText(field: string, value: string, max: number): string {
  const v = value.trim();
  if (v.length === 0) throw new InvalidInputError(field, 'must not be empty');
  if (CONTROL.test(v)) throw new InvalidInputError(field, 'must not contain control characters');
  if (v.length > max)
    throw new InvalidInputError(field, `must be at most ${max} characters (got ${v.length})`);
  return v;
}

/** undefined stays undefined (field not changed); empty becomes null (cleared). */
export function optionalText(
  field: string,
  value: string | null | undefined,
  max: number,
): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value.trim() === '') return null;
  return requiredText(field, value, max);
}

export function matching(field: string, value: string, pattern: RegExp, expected: string): string {
  const v = value.trim();
  if (!pattern.test(v))
    throw new InvalidInputError(field, `must be ${expected} (got ${JSON.stringify(v.slice(0, 80))})`);
  return v;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}\.[^\s@]{2,}$/;

export function optionalEmail(field: string, value: string | null | undefined): string | null | undefined {
  const v = optionalText(field, value, 254);
  if (v === undefined || v === null) return v;
  return matching(field, v, EMAIL, 'an e-mail address like name@example.it');
}

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function isoDate(field: string, value: string): string {
  const v = matching(field, value, ISO_DATE, 'a date YYYY-MM-DD');
  if (
    // PostgreSQL has no year 0000 (1 BC precedes AD 1) and rejects it as out of range.
    v.startsWith('0000') ||
    Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ||
    new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v
  ) {
    throw new InvalidInputError(field, `is not a calendar date (got ${v})`);
  }
  return v;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name a record (and must not reach SQL as a uuid). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
