import type { UnitKey, Versatore } from '../sip/index.js';

/**
 * The ParER SacER ingest and recovery web services as this connector speaks them (read from the
 * public sources of RegioneER/parer-sacerws and RegioneER/parer-sacer): plain HTTP POST of
 * multipart/form-data whose fields come in a fixed order — VERSIONE, LOGINNAME, PASSWORD, XMLSIP —
 * then, for a versamento, one file part per component named by the component's <ID> (with a
 * non-empty filename and a non-empty body). The answer is always HTTP 200 with an XML body
 * (EsitoVersamento, StatoConservazione); a failed call is a NEGATIVO inside it, not an HTTP status.
 */

export const PARER_SERVICES = {
  versamento: 'VersamentoSync',
  stato: 'RecDIPStatoConservazioneSync',
  /** Answers a zip of the unit's rapporti di versamento (RapportoVersamentoNNNNN.xml or URN.xml). */
  rapporti: 'RecDIPRapportiVersSync',
} as const;

/**
 * VERSIONE of VersamentoSync calls: the version the request XML states in Intestazione/Versione
 * (SacER refuses a difference, UD-001-013). 1.5 also returns the RapportoVersamento in its own
 * element (TAG_RAPPORTO_VERS_OUT), for new and duplicate units alike.
 */
export { VERSAMENTO_VERSION } from '../sip/index.js';
/** The Recupero request schema in use (WSRequestStato_1.3.xsd). */
export const RECUPERO_VERSION = '1.3';

/** ParER error codes (MessaggiWSBundle) this connector and the simulator give a meaning to. */
export const PARER_CODES = {
  /** "la chiave indicata corrisponde ad una Unità Documentaria già presente nel sistema". */
  alreadyPresent: 'UD-002-001',
  /** The same, as coded before mid-2013 (still recognised by ParER's own clients). */
  alreadyPresentOld: 'UD-002',
  /** "la chiave indicata non corrisponde a nessuna Unità Documentaria presente nel sistema". */
  keyNotFound: 'UD-005-001',
  /** "Il Rapporto di Versamento dell'unità documentaria non è stato prodotto". */
  rapportoMissing: 'UD-005-004',
  /** "l'hash calcolato non coincide con l'hash versato". */
  hashMismatch: 'HASH-004-001',
  /** "XML malformato nel blocco di dati generali". */
  xmlMalformed: 'XSD-001-001',
  /** "Errore di validazione del blocco di dati generali". */
  xmlInvalid: 'XSD-001-002',
  /** "Errore nella struttura della chiamata al Web service" (fields, files not matching components). */
  wsCheck: 'WS-CHECK',
  /** "L'oggetto è un dato di profilo configurato come obbligatorio". */
  oggettoMissing: 'UD-014-001',
  /** "La data dell'unità documentaria è un dato di profilo configurato come obbligatorio". */
  dataMissing: 'UD-014-002',
  /** "per questo componente è obbligatorio indicare l'hash". */
  hashMissing: 'HASH-001-001',
  /** "La versione [..] indicata non è supportata". */
  versionUnsupported: 'UD-001-011',
  /** "Il valore [..] indicato nel tag <Versione> non coincide con la versione indicata nella chiamata al WS". */
  versionMismatch: 'UD-001-013',
  /** "Errore di autenticazione". */
  authentication: 'UD-001-012',
  /** "Il valore indicato nel tag <UserID> non coincide con l'utente indicato nella chiamata al WS". */
  userMismatch: 'UD-001-005',
  /** "Errore imprevisto". */
  unexpected: '666',
} as const;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** The Recupero request (WSRequestStato_1.3.xsd) naming one unit, for the recovery services. */
export function recuperoXml(key: UnitKey, versatore: Versatore): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Recupero>',
    `<Versione>${RECUPERO_VERSION}</Versione>`,
    '<Versatore>',
    `<Ambiente>${escapeXml(versatore.ambiente)}</Ambiente>`,
    `<Ente>${escapeXml(versatore.ente)}</Ente>`,
    `<Struttura>${escapeXml(versatore.struttura)}</Struttura>`,
    `<UserID>${escapeXml(versatore.userId)}</UserID>`,
    '</Versatore>',
    '<Chiave>',
    `<Numero>${escapeXml(key.numero)}</Numero>`,
    `<Anno>${key.anno}</Anno>`,
    `<TipoRegistro>${escapeXml(key.registro)}</TipoRegistro>`,
    '</Chiave>',
    '</Recupero>',
  ].join('');
}

export function keyLabel(key: UnitKey): string {
  return `${key.registro}-${key.anno}-${key.numero}`;
}
