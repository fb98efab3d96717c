import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { isUuid, matching, optionalEmail, optionalText } from '../../server/errors/input-checks.js';
import { resolveClassification } from '../titolario/index.js';
import { ProtocolCorrespondentKind } from './protocollo-enums.js';
import type { ProtocolCorrespondentInput } from './protocollo.inputs.js';

export const MAX_CORRESPONDENTS = 100;
export const MAX_ANNOTATIONS_AT_REGISTRATION = 20;

const CODICE_FISCALE = /^([A-Z0-9]{16}|\d{11})$/;
const PARTITA_IVA = /^\d{11}$/;
const IPA_CODE = /^[A-Za-z0-9_.-]{1,20}$/;
const MEANS = /^[A-Z][A-Z0-9_]{0,39}$/;

/** The correspondent as it will be stored; every text checked (nothing persisted on a refusal). */
export interface CheckedCorrespondent {
  kind: ProtocolCorrespondentKind;
  /** The directory entry copied, and its version (both null for a correspondent given inline). */
  correspondentId: string | null;
  correspondentVersion: number | null;
  denominazione: string | null;
  nome: string | null;
  cognome: string | null;
  codiceFiscale: string | null;
  partitaIva: string | null;
  ipaAmministrazione: string | null;
  ipaAoo: string | null;
  ipaUo: string | null;
  indirizzo: string | null;
  email: string | null;
  pec: string | null;
}

function code(
  field: string,
  value: string | null | undefined,
  pattern: RegExp,
  expected: string,
): string | null {
  const v = optionalText(field, value, 40);
  return v ? matching(field, v.toUpperCase(), pattern, expected) : null;
}

/** A correspondent given inline (no directory id: see protocol-directory-correspondent.ts). */
export function checkCorrespondent(field: string, c: ProtocolCorrespondentInput): CheckedCorrespondent {
  const checked: CheckedCorrespondent = {
    kind: c.kind,
    correspondentId: null,
    correspondentVersion: null,
    denominazione: optionalText(`${field}.denominazione`, c.denominazione, 300) ?? null,
    nome: optionalText(`${field}.nome`, c.nome, 100) ?? null,
    cognome: optionalText(`${field}.cognome`, c.cognome, 100) ?? null,
    codiceFiscale: code(
      `${field}.codiceFiscale`,
      c.codiceFiscale,
      CODICE_FISCALE,
      '16 letters and digits, or 11 digits',
    ),
    partitaIva: code(`${field}.partitaIva`, c.partitaIva, PARTITA_IVA, '11 digits'),
    ipaAmministrazione: ipa(`${field}.ipaAmministrazione`, c.ipaAmministrazione),
    ipaAoo: ipa(`${field}.ipaAoo`, c.ipaAoo),
    ipaUo: ipa(`${field}.ipaUo`, c.ipaUo),
    indirizzo: optionalText(`${field}.indirizzo`, c.indirizzo, 500) ?? null,
    email: optionalEmail(`${field}.email`, c.email) ?? null,
    pec: optionalEmail(`${field}.pec`, c.pec) ?? null,
  };
  const named = checked.denominazione !== null || (checked.nome !== null && checked.cognome !== null);
  if (!named) {
    throw new InvalidInputError(`${field}.denominazione`, 'is required (or nome and cognome of a person)');
  }
  if (
    checked.kind === ProtocolCorrespondentKind.AMMINISTRAZIONE_ITALIANA &&
    checked.ipaAmministrazione === null &&
    checked.pec === null
  ) {
    throw new InvalidInputError(
      `${field}.ipaAmministrazione`,
      'an Italian administration needs its IPA code or PEC',
    );
  }
  return checked;
}

function ipa(field: string, value: string | null | undefined): string | null {
  const v = optionalText(field, value, 20);
  return v ? matching(field, v, IPA_CODE, 'an IPA code (letters, digits, _ . -, at most 20)') : null;
}

export function checkMeans(field: string, value: string | null | undefined): string | null | undefined {
  const v = optionalText(field, value, 40);
  return v
    ? matching(field, v.toUpperCase(), MEANS, 'a code such as PEC, EMAIL, POSTA, RACCOMANDATA, A_MANO')
    : v;
}

/** The RPA must be an active user with an open membership in the AOO. */
export async function checkRpa(tx: UnitOfWork, field: string, aooId: string, rpaId: string): Promise<string> {
  const rows = isUuid(rpaId)
    ? await tx.em.execute<Array<{ id: string }>>(
        `select u.id from app_user u where u.id = ? and u.active and exists (
           select 1 from membership m join uor o on o.id = m.uor_id
            where m.user_id = u.id and m.ended_at is null and o.aoo_id = ?)`,
        [rpaId, aooId],
      )
    : [];
  if (rows.length !== 1) throw new InvalidInputError(field, 'is not an active user of the AOO');
  return rpaId;
}

/** The UOR must be an office of the AOO. */
export async function checkUor(tx: UnitOfWork, field: string, aooId: string, uorId: string): Promise<string> {
  const rows = isUuid(uorId)
    ? await tx.em.execute<Array<{ id: string }>>(`select id from uor where id = ? and aoo_id = ?`, [
        uorId,
        aooId,
      ])
    : [];
  if (rows.length !== 1) throw new InvalidInputError(field, 'is not an office of the AOO');
  return uorId;
}

/** A classification of the titolario version in force on the Italian day given. */
export async function checkClassification(
  tx: UnitOfWork,
  aooId: string,
  nodeId: string,
  day: string,
): Promise<string> {
  const resolved = await resolveClassification(tx, { aooId, nodeId, day });
  return resolved.node.id;
}
