import { romeDay } from '../../server/clock.js';
import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import type { BoundFile, RegisteredDocument } from './protocol-registration-reads.js';
import { checkDifferimento, type DifferimentoColumns } from './protocol-differimento.js';
import type { CheckedCorrespondent } from './protocol-input-checks.js';
import { ProtocolAnnotation } from './protocol-parts.entity.js';
import { numberParticolare, particolareRepertorio } from './protocol-particolare.js';
import type { ProtocolRecord } from './protocol-record.entity.js';
import { checkSpecialCases, specialNotes, type SpecialCases } from './protocol-special-cases.js';
import type { RegisterProtocolInput } from './protocollo.inputs.js';

/** The special registration of a record, checked before its number is taken. */
export interface SpecialRegistration {
  /** Registratura columns of the record. */
  columns: DifferimentoColumns & Pick<SpecialCases, 'anonymousSender' | 'variDestinatari'>;
  cases: SpecialCases;
  /** The repertorio a particolare is also numbered in; null for an ordinary document. */
  particolareRepertorioId: string | null;
}

/**
 * Everything special about a registration (DOMAIN §5: differito, particolare, anonymous,
 * unsigned, vari destinatari), checked before the number is taken so a refusal consumes none.
 */
export async function checkSpecialRegistration(
  tx: UnitOfWork,
  input: RegisterProtocolInput,
  doc: RegisteredDocument,
  means: string | null,
): Promise<SpecialRegistration> {
  const cases = checkSpecialCases(input);
  const differimento = checkDifferimento(input, means, romeDay(tx.clock.now()));
  return {
    columns: {
      ...differimento,
      anonymousSender: cases.anonymousSender,
      variDestinatari: cases.variDestinatari,
    },
    cases,
    particolareRepertorioId: await particolareRepertorio(tx, doc),
  };
}

/**
 * In the registering transaction, after the record and its document are registered: the typed
 * notes as annotations (the database accepts them in this transaction only) and the
 * particolare's number in its repertorio. Returns what the audit row records.
 */
export async function recordSpecialRegistration(
  tx: UnitOfWork,
  record: ProtocolRecord,
  special: SpecialRegistration,
  correspondents: readonly CheckedCorrespondent[],
  files: ReadonlyArray<{ position: number; file: BoundFile }>,
  at: Date,
): Promise<Record<string, unknown>> {
  const notes = specialNotes(special.cases, correspondents, files);
  for (const { note, text } of notes) {
    tx.em.create(ProtocolAnnotation, {
      recordId: record.id,
      text,
      note,
      createdAt: at,
      createdById: record.registeredById,
    });
  }
  const entry =
    special.particolareRepertorioId === null
      ? null
      : await numberParticolare(tx, record, special.particolareRepertorioId);
  return {
    ...(record.receivedOn !== null ? { differitoReceivedOn: record.receivedOn } : {}),
    notes: [...new Set(notes.map((n) => n.note))],
    ...(entry ? { repertorioParticolare: `${entry.number}/${entry.year}` } : {}),
  };
}
