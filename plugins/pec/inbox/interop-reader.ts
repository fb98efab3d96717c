import { findInteropAttachment, type InteropCheck, type InteropCheckOptions } from '../interop/index.js';
import type { IncomingAttachment, InteropSummary } from './stored-summary.js';

/** What the inbox keeps of an interoperability check (plugins/pec/interop): outcomes and the facts registration uses. */
export function summariseInterop(check: InteropCheck): InteropSummary {
  const s = check.segnatura;
  return {
    kind: check.kind,
    fileName: check.fileName,
    schemaValid: check.schemaValid,
    seal: check.seal,
    problems: check.problems,
    segnatura: s
      ? {
          oggetto: s.oggetto,
          mittente: s.mittente
            ? {
                denominazione: s.mittente.denominazione,
                pec: s.mittente.pec,
                codiceAmministrazione: s.mittente.codiceAmministrazione,
                codiceAOO: s.mittente.codiceAOO,
              }
            : null,
          primaryName: s.documenti.find((d) => d.ruolo === 'primario')?.nomeFile ?? null,
        }
      : null,
  };
}

/**
 * The `findInterop` of storeIncomingMessage's readers: the interoperability file among the
 * attachments checked (XSD, seal against the trust anchors given) and summarised.
 */
export function interopReader(
  options: InteropCheckOptions = {},
): (attachments: IncomingAttachment[]) => Promise<InteropSummary | null> {
  return async (attachments) => {
    const check = await findInteropAttachment(attachments, options);
    return check ? summariseInterop(check) : null;
  };
}
