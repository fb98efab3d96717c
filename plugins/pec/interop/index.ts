/**
 * AgID interoperability between AOOs over PEC (Allegato 6, 2021): checks of an incoming
 * Segnatura.xml or message (safe XML, XSD of its namespace, XAdES seal, facts), and the
 * Conferma / Aggiornamento / Eccezione / Annullamento messages built, validated and sealed.
 * A library of the PEC plugin: no database, no GraphQL.
 */
export {
  INTEROP_FILES,
  INTEROP_NAMESPACES,
  PEC_NS,
  PROT_NS,
  type InteropKind,
  type InteropReference,
} from './interop-types.js';
export type { SignatureOutcome } from './signature-outcome.js';
export {
  ECCEZIONE_CODES,
  ECCEZIONE_CODE_LIST,
  readEccezioneMotivo,
  type EccezioneCode,
} from './eccezione-codes.js';
export { DEFAULT_MAX_XML_BYTES, parseUntrustedXml, unsafeXmlReason, type SafeXml } from './xml-safety.js';
export { validateInteropXml, type XsdResult } from './xsd-validation.js';
export { verifySeal, type SealCheck } from './seal-verification.js';
export { confermaRequestedBy } from './segnatura-facts.js';
export type {
  SegnaturaCorrespondentFacts,
  SegnaturaDocumentFacts,
  SegnaturaFacts,
  SegnaturaRecipientFacts,
} from './segnatura-facts.js';
export type { InteropMessageFacts } from './parse-messages.js';
export {
  InteropParseError,
  parseAggiornamento,
  parseAnnullamento,
  parseConferma,
  parseEccezione,
  parseSegnatura,
} from './interop-parse.js';
export {
  buildAggiornamento,
  buildAnnullamento,
  buildConferma,
  buildEccezione,
  InteropBuildError,
  type AnnullamentoInput,
  type ConfermaInput,
  type EccezioneInput,
  type InteropIdentifierInput,
  type MessaggioRicevutoInput,
} from './build-messages.js';
export {
  checkInteropXml,
  findInteropAttachment,
  type DocumentCheck,
  type InteropAttachment,
  type InteropCheck,
  type InteropCheckOptions,
} from './interop-check.js';
