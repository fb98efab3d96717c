import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError, InvalidInputError, NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { correspondentSnapshot, RUBRICA_READ, type CorrespondentSnapshot } from '../rubrica/index.js';
import type { CheckedCorrespondent } from './protocol-input-checks.js';
import { ProtocolCorrespondentKind } from './protocollo-enums.js';
import type { ProtocolCorrespondentInput } from './protocollo.inputs.js';

/**
 * The inline data fields of a correspondent (what a registration copies); with a directory entry
 * the entry is their only source. Import formats (the emergency register's) read the same list.
 */
export const CORRESPONDENT_DATA_FIELDS = [
  'denominazione',
  'nome',
  'cognome',
  'codiceFiscale',
  'partitaIva',
  'ipaAmministrazione',
  'ipaAoo',
  'ipaUo',
  'indirizzo',
  'email',
  'pec',
] as const;

/** A correspondent copied from the directory, with the version of the entry copied. */
export type DirectoryCorrespondent = CheckedCorrespondent & {
  correspondentId: string;
  correspondentVersion: number;
};

/**
 * Refuses inline data beside a directory id: two sources for one correspondent would leave the
 * registratura saying something the entry (and its version) does not, so the caller must choose.
 */
export function refuseInlineBesideEntry(field: string, c: ProtocolCorrespondentInput): void {
  for (const f of CORRESPONDENT_DATA_FIELDS) {
    const v = c[f];
    if (v !== undefined && v !== null) {
      throw new DomainError(
        'PROTOCOL_CORRESPONDENT_FROM_DIRECTORY',
        `${field}.${f}: a correspondent taken from the directory (correspondentId) carries the entry's data only; leave ${f} out`,
        { field: `${field}.${f}` },
      );
    }
  }
}

/**
 * The entry's snapshot as the registratura stores it, read inside the registration's transaction
 * (so the copy is of one version, and a refusal persists nothing and gives the number back). An
 * entry of another AOO, a missing id and an AOO whose directory the caller cannot read look the
 * same (NOT_FOUND); a deactivated entry is refused (it is not to be used for new registrations).
 */
export async function directoryCorrespondent(
  tx: UnitOfWork,
  field: string,
  aooId: string,
  c: ProtocolCorrespondentInput,
): Promise<DirectoryCorrespondent> {
  const id = c.correspondentId ?? '';
  const missing = (): DomainError =>
    new DomainError('NOT_FOUND', `${field}.correspondentId: Correspondent ${id} not found`, {
      kind: 'Correspondent',
      field: `${field}.correspondentId`,
    });
  if (!isUuid(id)) throw new InvalidInputError(`${field}.correspondentId`, 'is not an id');
  if (!tx.grants.has(RUBRICA_READ, aooId)) throw missing();
  let entry: CorrespondentSnapshot;
  try {
    entry = await correspondentSnapshot(tx, aooId, id);
  } catch (e) {
    if (e instanceof NotFoundError) throw missing();
    throw e;
  }
  if (!entry.active) {
    throw new DomainError(
      'PROTOCOL_CORRESPONDENT_INACTIVE',
      `${field}.correspondentId: the directory entry ${id} is deactivated; reactivate it or give the correspondent inline`,
      { field: `${field}.correspondentId` },
    );
  }
  if ((entry.kind as string) !== (c.kind as string)) {
    throw new DomainError(
      'PROTOCOL_CORRESPONDENT_FROM_DIRECTORY',
      `${field}.kind: the directory entry is ${entry.kind}, not ${c.kind}`,
      { field: `${field}.kind` },
    );
  }
  return {
    kind: entry.kind as unknown as ProtocolCorrespondentKind,
    correspondentId: entry.id,
    correspondentVersion: entry.version,
    denominazione: entry.denominazione,
    nome: entry.name,
    cognome: entry.surname,
    codiceFiscale: entry.codiceFiscale,
    partitaIva: entry.partitaIva,
    ipaAmministrazione: entry.ipaCode,
    ipaAoo: entry.aooCode,
    ipaUo: entry.uoCode,
    indirizzo: postalAddress(entry),
    email: entry.email,
    pec: entry.pec,
  };
}

/** The directory keeps the address in parts; the registratura keeps one line. */
function postalAddress(e: CorrespondentSnapshot): string | null {
  const place = [e.postalCode, e.city, e.province ? `(${e.province})` : null].filter(Boolean).join(' ');
  const line = [e.address, place, e.country].filter((p) => p !== null && p !== '').join(', ');
  return line === '' ? null : line.slice(0, 500);
}
