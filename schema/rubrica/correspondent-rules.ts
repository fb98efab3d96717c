import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../server/db/sql-array.js';
import { DomainError, InvalidInputError } from '../../server/errors/domain-error.js';
import { CorrespondentKind } from './correspondent.types.js';
import { DATA_FIELDS, type CorrespondentValues, type DataField } from './correspondent-rows.js';
import { codiceFiscaleProblem, normaliseCode, partitaIvaProblem } from './tax-codes.js';

/** One thing wrong with the data of an entry: the field, the error code and why. */
export interface Problem {
  field: string;
  code: 'BAD_USER_INPUT' | 'INVALID_CODICE_FISCALE' | 'INVALID_PARTITA_IVA' | 'CORRESPONDENT_DUPLICATE';
  message: string;
  existingId?: string;
}

export const MAX_LENGTH: Record<DataField, number> = {
  name: 200,
  surname: 200,
  denominazione: 400,
  codiceFiscale: 16,
  partitaIva: 11,
  ipaCode: 20,
  aooCode: 20,
  uoCode: 20,
  country: 100,
  address: 400,
  postalCode: 20,
  city: 200,
  province: 100,
  email: 254,
  pec: 254,
  notes: 2000,
};

/** Which fields each kind requires, and which do not apply to it (must stay empty). */
const REQUIRED: Record<CorrespondentKind, DataField[]> = {
  PERSONA_FISICA: ['name', 'surname'],
  PERSONA_GIURIDICA: ['denominazione'],
  AMMINISTRAZIONE_ITALIANA: ['denominazione', 'ipaCode'],
  AMMINISTRAZIONE_ESTERA: ['denominazione', 'country'],
};
const NOT_APPLICABLE: Record<CorrespondentKind, DataField[]> = {
  PERSONA_FISICA: ['denominazione', 'partitaIva', 'ipaCode', 'aooCode', 'uoCode'],
  PERSONA_GIURIDICA: ['name', 'surname', 'ipaCode', 'aooCode', 'uoCode'],
  AMMINISTRAZIONE_ITALIANA: ['name', 'surname'],
  AMMINISTRAZIONE_ESTERA: ['name', 'surname', 'codiceFiscale', 'partitaIva', 'ipaCode', 'aooCode', 'uoCode'],
};
const CODES: DataField[] = ['codiceFiscale', 'partitaIva', 'ipaCode', 'aooCode', 'uoCode'];
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}\.[^\s@]{2,}$/;

/** The values as stored (trimmed, codes upper case, empty as null) and every problem found. */
export function checkValues(
  kind: CorrespondentKind,
  raw: Partial<Record<DataField, string | null | undefined>>,
  prefix = '',
): { values: CorrespondentValues; problems: Problem[] } {
  const problems: Problem[] = [];
  const bad = (field: DataField, message: string, code: Problem['code'] = 'BAD_USER_INPUT') =>
    problems.push({ field: `${prefix}${field}`, code, message });
  const values = {} as CorrespondentValues;
  for (const f of DATA_FIELDS) {
    let v = raw[f]?.trim() ?? '';
    // Tax codes are upper case; IPA codes are kept as IPA writes them (c_h501, A1B2C3D).
    if (f === 'codiceFiscale' || f === 'partitaIva') v = normaliseCode(v);
    else if (CODES.includes(f)) v = v.replace(/\s+/g, '');
    if (f === 'pec' || f === 'email') v = v.toLowerCase();
    values[f] = v === '' ? null : v;
    if (v === '') continue;
    if (CONTROL.test(v) || (f !== 'notes' && v.includes('\n'))) bad(f, 'must not contain control characters');
    else if (v.length > MAX_LENGTH[f] && f !== 'codiceFiscale' && f !== 'partitaIva')
      bad(f, `must be at most ${MAX_LENGTH[f]} characters (got ${v.length})`);
  }
  for (const f of REQUIRED[kind]) if (values[f] === null) bad(f, `is required for ${kind}`);
  for (const f of NOT_APPLICABLE[kind]) if (values[f] !== null) bad(f, `does not apply to ${kind}`);
  const cf = values.codiceFiscale;
  if (cf !== null) {
    const why =
      kind === CorrespondentKind.PERSONA_FISICA && cf.length !== 16
        ? 'a natural person’s codice fiscale has 16 characters'
        : codiceFiscaleProblem(cf);
    if (why) bad('codiceFiscale', `${cf} ${why}`, 'INVALID_CODICE_FISCALE');
  }
  const piva = values.partitaIva;
  if (piva !== null) {
    const why = partitaIvaProblem(piva);
    if (why) bad('partitaIva', `${piva} ${why}`, 'INVALID_PARTITA_IVA');
  }
  for (const f of ['email', 'pec'] as const) {
    const v = values[f];
    if (v !== null && !EMAIL.test(v)) bad(f, 'must be an e-mail address like nome@dominio.it');
  }
  return { values, problems };
}

/** The first problem as the typed error a GraphQL client branches on. */
export function raise(problem: Problem): never {
  if (problem.code === 'BAD_USER_INPUT') throw new InvalidInputError(problem.field, problem.message);
  throw new DomainError(problem.code, `${problem.field}: ${problem.message}`, {
    field: problem.field,
    ...(problem.existingId ? { existingId: problem.existingId } : {}),
  });
}

/** What duplicate detection compares of an entry. */
export interface Keys {
  id: string | null;
  kind: CorrespondentKind;
  codiceFiscale: string | null;
  partitaIva: string | null;
  ipaCode: string | null;
  aooCode: string | null;
  uoCode: string | null;
  pec: string | null;
}

/**
 * The key two entries share, if any. An administration's AOOs and offices are entries of their
 * own with the administration's codice fiscale, and often its PEC address: within one IPA code
 * only the (IPA, AOO, UO) triple must differ.
 */
export function sharedKey(a: Keys, b: Keys): DataField | null {
  if (a.id !== null && a.id === b.id) return null;
  const sameAdministration =
    a.kind === CorrespondentKind.AMMINISTRAZIONE_ITALIANA &&
    b.kind === CorrespondentKind.AMMINISTRAZIONE_ITALIANA &&
    a.ipaCode === b.ipaCode;
  if (!sameAdministration && a.codiceFiscale !== null && a.codiceFiscale === b.codiceFiscale)
    return 'codiceFiscale';
  if (!sameAdministration && a.partitaIva !== null && a.partitaIva === b.partitaIva) return 'partitaIva';
  if (sameAdministration && (a.aooCode ?? '') === (b.aooCode ?? '') && (a.uoCode ?? '') === (b.uoCode ?? ''))
    return 'ipaCode';
  if (!sameAdministration && a.pec !== null && a.pec === b.pec) return 'pec';
  return null;
}

export function duplicateProblem(field: DataField, existingId: string, prefix = ''): Problem {
  const what: Record<string, string> = {
    codiceFiscale: 'codice fiscale',
    partitaIva: 'partita IVA',
    ipaCode: 'IPA code (with AOO and UO code)',
    pec: 'PEC address',
  };
  return {
    field: `${prefix}${field}`,
    code: 'CORRESPONDENT_DUPLICATE',
    message: `correspondent ${existingId} of this AOO has the same ${what[field] ?? field}`,
    existingId,
  };
}

/** The entries of the AOO that share one of the keys of these candidates (one statement). */
export async function entriesSharingKeys(
  em: EntityManager,
  aooId: string,
  candidates: Keys[],
): Promise<Keys[]> {
  const cf = candidates.flatMap((c) => (c.codiceFiscale ? [c.codiceFiscale] : []));
  const piva = candidates.flatMap((c) => (c.partitaIva ? [c.partitaIva] : []));
  const ipa = candidates.flatMap((c) => (c.ipaCode ? [c.ipaCode] : []));
  const pec = candidates.flatMap((c) => (c.pec ? [c.pec] : []));
  if (cf.length + piva.length + ipa.length + pec.length === 0) return [];
  const rows = await em.execute<Array<Record<string, string | null>>>(
    `select id, kind, codice_fiscale, partita_iva, ipa_code, aoo_code, uo_code, lower(pec) as pec
       from correspondent
      where aoo_id = ? and (codice_fiscale = any(?::text[]) or partita_iva = any(?::text[])
            or ipa_code = any(?::text[]) or lower(pec) = any(?::text[]))`,
    [aooId, pgArray(cf), pgArray(piva), pgArray(ipa), pgArray(pec)],
  );
  return rows.map((r) => ({
    id: r['id'] ?? null,
    kind: r['kind'] as CorrespondentKind,
    codiceFiscale: r['codice_fiscale'] ?? null,
    partitaIva: r['partita_iva'] ?? null,
    ipaCode: r['ipa_code'] ?? null,
    aooCode: r['aoo_code'] ?? null,
    uoCode: r['uo_code'] ?? null,
    pec: r['pec'] ?? null,
  }));
}

export function keysOf(id: string | null, kind: CorrespondentKind, v: CorrespondentValues): Keys {
  return {
    id,
    kind,
    codiceFiscale: v.codiceFiscale,
    partitaIva: v.partitaIva,
    ipaCode: v.ipaCode,
    aooCode: v.aooCode,
    uoCode: v.uoCode,
    pec: v.pec?.toLowerCase() ?? null,
  };
}

/** Writes to one AOO's directory run one at a time, so duplicate checks cannot race. */
export async function lockDirectory(em: EntityManager, aooId: string): Promise<void> {
  await em.execute(`select pg_advisory_xact_lock(hashtextextended('rubrica:' || ?, 0))`, [aooId]);
}
