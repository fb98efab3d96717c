import { summariseInterop } from '../inbox/interop-reader.js';
import type { IncomingReaders } from '../inbox/store-incoming.service.js';
import { confermaRequestedBy, findInteropAttachment, type InteropCheck } from '../interop/index.js';
import { parsePecMessage, type ParsedPecMessage, type PecParseOptions } from '../message/index.js';

/** What the parser and the interoperability check said of one message, for the dispatch. */
export interface ReadMessage {
  parsed: ParsedPecMessage | null;
  interop: InteropCheck | null;
}

/**
 * The readers storeIncomingMessage is handed (pec-parse's parser, pec-interop's check), keeping
 * their full results for the dispatch in the same transaction: the store keeps a summary, the
 * dispatch needs the daticert of a receipt and the references of an interoperability message.
 * `extraProblems` are added to what the parser found (an oversize message read by its header);
 * `own`: the receiving AOO's IPA codes (whether the Segnatura asks it for a Conferma).
 */
export function capturingReaders(
  options: PecParseOptions,
  extraProblems: readonly string[],
  own: { codiceAmministrazione: string; codiceAOO: string },
): { readers: IncomingReaders; read: ReadMessage } {
  const read: ReadMessage = { parsed: null, interop: null };
  const readers: IncomingReaders = {
    parse: async (raw) => {
      const parsed = await parsePecMessage(raw, options);
      parsed.problems.push(...extraProblems);
      read.parsed = parsed;
      return parsed;
    },
    findInterop: async (attachments) => {
      const check = await findInteropAttachment(attachments, {
        at: options.at ?? null,
      });
      read.interop = check;
      if (!check) return null;
      const summary = summariseInterop(check);
      const s = check.segnatura;
      return s && summary.segnatura
        ? {
            ...summary,
            segnatura: {
              ...summary.segnatura,
              // Kept for the replies and for an Annullamento that names this registration later.
              identificatore: s.identificatore,
              // Allegato 6 §3.1.1 B: our own Destinatario entries decide; a Segnatura that names
              // this AOO in none of them is answered if any recipient asked.
              confermaRichiesta: confermaRequestedBy(s, own) ?? s.confermaRichiesta,
            },
          }
        : summary;
    },
  };
  return { readers, read };
}
