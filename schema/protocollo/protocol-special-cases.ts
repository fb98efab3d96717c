import { DomainError } from '../../server/errors/domain-error.js';
import { SignatureStatus } from '../documents/index.js';
import type { BoundFile } from './protocol-registration-reads.js';
import type { CheckedCorrespondent } from './protocol-input-checks.js';
import { PROTOCOL_NOTE_TEXT, ProtocolKind, ProtocolNote } from './protocollo-enums.js';
import type { RegisterProtocolInput } from './protocollo.inputs.js';

/** More recipients than this make a "Vari destinatari" registration (002 §9.7.1). */
export const VARI_DESTINATARI_OVER = 3;
/** An annotation holds at most this many characters: a longer list of recipients takes several. */
const ANNOTATION_MAX = 4000;

/** The special cases of a registration (002 §9.7), registratura columns of the record. */
export interface SpecialCases {
  anonymousSender: boolean;
  variDestinatari: boolean;
  unsigned: boolean;
}

/** A typed note written as an annotation at registration. */
export interface SpecialNote {
  note: ProtocolNote;
  text: string;
}

/**
 * Checked before the number is taken. An anonymous letter ("Mittente sconosciuto o anonimo",
 * 002 §9.7.7) is incoming and has no correspondents: the flag stands instead of the sender.
 */
export function checkSpecialCases(input: RegisterProtocolInput): SpecialCases {
  const anonymousSender = input.anonymousSender === true;
  if (anonymousSender && input.kind !== ProtocolKind.ARRIVO) {
    throw new DomainError(
      'PROTOCOL_ANONYMOUS_SENDER',
      `input.anonymousSender: only an incoming letter has an anonymous sender, not ${input.kind}`,
      { field: 'input.anonymousSender' },
    );
  }
  if (anonymousSender && input.correspondents.length > 0) {
    throw new DomainError(
      'PROTOCOL_ANONYMOUS_SENDER',
      'input.correspondents: an anonymous letter is registered without correspondents',
      { field: 'input.correspondents' },
    );
  }
  return {
    anonymousSender,
    variDestinatari:
      input.kind !== ProtocolKind.ARRIVO && input.correspondents.length > VARI_DESTINATARI_OVER,
    unsigned: input.unsigned === true,
  };
}

/** What a negative signature check of a bound file is noted as (002 §4.1.2.1). */
const SIGNATURE_NOTES: Partial<Record<SignatureStatus, ProtocolNote>> = {
  [SignatureStatus.CERTIFICATO_SCADUTO]: ProtocolNote.CERTIFICATO_SCADUTO,
  [SignatureStatus.FIRMA_NON_VALIDA]: ProtocolNote.FIRMA_NON_VALIDA,
  [SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA]: ProtocolNote.IMPOSSIBILE_EFFETTUARE_VERIFICA,
};

function nameOf(c: CheckedCorrespondent): string {
  const name = c.denominazione ?? [c.nome, c.cognome].filter((x) => x).join(' ');
  const contact = c.pec ?? c.email ?? c.indirizzo;
  return contact ? `${name} (${contact})` : name;
}

/** The full list of recipients, in order, cut between recipients into annotations that fit. */
function recipientLists(correspondents: readonly CheckedCorrespondent[]): string[] {
  const parts: string[][] = [[]];
  const head = `${PROTOCOL_NOTE_TEXT[ProtocolNote.VARI_DESTINATARI]} (000/000): `;
  let length = head.length;
  correspondents.forEach((c, i) => {
    const item = `${i + 1}) ${nameOf(c)}`;
    const current = parts[parts.length - 1] ?? [];
    if (current.length > 0 && length + 2 + item.length > ANNOTATION_MAX) {
      parts.push([item]);
      length = head.length + item.length;
    } else {
      current.push(item);
      length += 2 + item.length;
    }
  });
  const label = PROTOCOL_NOTE_TEXT[ProtocolNote.VARI_DESTINATARI];
  return parts.map((p, i) =>
    parts.length === 1 ? `${label}: ${p.join('; ')}` : `${label} (${i + 1}/${parts.length}): ${p.join('; ')}`,
  );
}

/**
 * The typed notes of a registration: vari destinatari with the full list (002 §9.7.1), the
 * anonymous and unsigned letter (§9.7.7: "Documento non sottoscritto" when anonymous, "Firma
 * mancante" when it has a sender), and the negative outcomes of the signature check the
 * documents module recorded at upload (§4.1.2.1), one note per outcome naming the files.
 * The check reports expiry, failure and impossibility; revoked and suspended certificates are
 * in the enum for the checks that can tell them.
 */
export function specialNotes(
  special: SpecialCases,
  correspondents: readonly CheckedCorrespondent[],
  files: ReadonlyArray<{ position: number; file: BoundFile }>,
): SpecialNote[] {
  const notes: SpecialNote[] = [];
  const plain = (note: ProtocolNote) => notes.push({ note, text: PROTOCOL_NOTE_TEXT[note] });
  if (special.variDestinatari) {
    for (const text of recipientLists(correspondents))
      notes.push({ note: ProtocolNote.VARI_DESTINATARI, text });
  }
  if (special.anonymousSender) plain(ProtocolNote.MITTENTE_ANONIMO);
  if (special.unsigned) {
    plain(special.anonymousSender ? ProtocolNote.DOCUMENTO_NON_SOTTOSCRITTO : ProtocolNote.FIRMA_MANCANTE);
  }
  const byNote = new Map<ProtocolNote, number[]>();
  for (const f of [...files].sort((a, b) => a.position - b.position)) {
    const note = SIGNATURE_NOTES[f.file.signatureStatus];
    if (note) byNote.set(note, [...(byNote.get(note) ?? []), f.position]);
  }
  for (const [note, positions] of byNote) {
    const which = positions.map((p) => (p === 0 ? 'documento principale' : `allegato ${p}`)).join(', ');
    notes.push({ note, text: `${PROTOCOL_NOTE_TEXT[note]} (${which})` });
  }
  return notes;
}
