import type { SignatureOutcome } from './signature-outcome.js';

/** Allegato 6, Appendix A: the SegnaturaInformatica and its types. */
export const PROT_NS = 'http://www.agid.gov.it/protocollo/';
/** Allegato 6, Appendix C: the messages exchanged by e-mail (and a SegnaturaInformatica too). */
export const PEC_NS = 'http://www.agid.gov.it/protocollo/pec/';
/** DOMAIN §8: senders use either namespace; both are read. */
export const INTEROP_NAMESPACES = [PROT_NS, PEC_NS] as const;

export type InteropKind = 'segnatura' | 'conferma' | 'aggiornamento' | 'eccezione' | 'annullamento';

/** Root element and file name of each kind (Allegato 6, Appendix C). */
export const INTEROP_FILES: Record<InteropKind, { root: string; fileName: string }> = {
  segnatura: { root: 'SegnaturaInformatica', fileName: 'Segnatura.xml' },
  conferma: { root: 'ConfermaRicezione', fileName: 'Conferma.xml' },
  aggiornamento: { root: 'AggiornamentoConferma', fileName: 'Aggiornamento.xml' },
  eccezione: { root: 'NotificaEccezione', fileName: 'Eccezione.xml' },
  annullamento: { root: 'AnnullamentoProtocollazione', fileName: 'Annullamento.xml' },
};

/**
 * A registration as Allegato 6 identifies it (IdentificatoreType): the AOO's IPA codes, the
 * register, the number (as written, at least 7 digits) and the date (YYYY-MM-DD).
 */
export interface InteropReference {
  codiceAmministrazione: string;
  codiceAOO: string;
  codiceRegistro: string;
  numero: string;
  data: string;
  ora: string | null;
}

export type { SignatureOutcome };
