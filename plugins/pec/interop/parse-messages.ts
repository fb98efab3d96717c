import type { Element } from '@xmldom/xmldom';
import { ECCEZIONE_CODES, readEccezioneMotivo, type EccezioneCode } from './eccezione-codes.js';
import type { InteropKind, InteropReference } from './interop-types.js';
import { child, readIdentifier, text } from './xml-read.js';

/**
 * What an incoming Conferma, Aggiornamento, Eccezione or Annullamento says, for updating the
 * record it concerns. `reference` is the record the message concerns on the receiving side:
 * - Conferma / Aggiornamento / Eccezione: MessaggioRicevuto/Identificatore, the registration of
 *   the AOO that sent the Segnatura (ours, when the message reaches us);
 * - Annullamento: Identificatore, the annulled registration of the AOO that annuls it (our
 *   record holds it as the counterpart's registration).
 * `counterpart` is the other AOO's identifier the message carries (Conferma: the recipient's
 * registration; Eccezione: the recipient's if it registered).
 */
export interface InteropMessageFacts {
  kind: Exclude<InteropKind, 'segnatura'>;
  reference: InteropReference | null;
  primaRegistrazione: InteropReference | null;
  counterpart: InteropReference | null;
  /** Eccezione without an identifier: the message described in words. */
  descrizioneMessaggio: string | null;
  eccezione?: { code: EccezioneCode | null; description: string };
  annullamento?: { reason: string; act: string | null };
  /** Mandatory parts that could not be read. */
  missing: string[];
}

/** Reads one of the four messages (either namespace, schema-valid or not). */
export function interopMessageFacts(
  root: Element,
  kind: Exclude<InteropKind, 'segnatura'>,
): InteropMessageFacts {
  const missing: string[] = [];
  const own = readIdentifier(child(root, 'Identificatore'));
  const received = child(root, 'MessaggioRicevuto');
  const receivedId = readIdentifier(child(received, 'Identificatore'));
  const prima = readIdentifier(child(received, 'PrimaRegistrazione')).reference;
  const descrizione = text(received, 'DescrizioneMessaggio');

  if (kind === 'annullamento') {
    if (!own.reference) missing.push(...own.missing.map((m) => `Identificatore/${m}`));
    const motivo = text(root, 'Motivo');
    if (!motivo) missing.push('Motivo');
    const act = text(root, 'Provvedimento');
    if (!act) missing.push('Provvedimento');
    return {
      kind,
      reference: own.reference,
      primaRegistrazione: null,
      counterpart: null,
      descrizioneMessaggio: null,
      annullamento: { reason: motivo ?? '', act },
      missing,
    };
  }

  if (!received) missing.push('MessaggioRicevuto');
  else if (!receivedId.reference && !descrizione)
    missing.push(
      ...(child(received, 'Identificatore')
        ? receivedId.missing.map((m) => `MessaggioRicevuto/Identificatore/${m}`)
        : ['MessaggioRicevuto/Identificatore or DescrizioneMessaggio']),
    );
  // Conferma and Aggiornamento must carry the recipient's registration; Eccezione may not.
  if (kind !== 'eccezione' && !own.reference) missing.push(...own.missing.map((m) => `Identificatore/${m}`));
  const facts: InteropMessageFacts = {
    kind,
    reference: receivedId.reference,
    primaRegistrazione: prima,
    counterpart: own.reference,
    descrizioneMessaggio: descrizione,
    missing,
  };
  if (kind === 'eccezione') {
    const motivo = text(root, 'Motivo');
    if (!motivo) missing.push('Motivo');
    const { code, detail } = readEccezioneMotivo(motivo ?? '');
    if (motivo && !code) missing.push('Motivo code (000_Irricevibile … 007_ErroreIdentificatoreNonTrovato)');
    facts.eccezione = { code, description: detail || (code ? ECCEZIONE_CODES[code] : '') };
  }
  return facts;
}
