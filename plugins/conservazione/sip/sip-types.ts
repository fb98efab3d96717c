import type { RegisteredCorrespondent } from '../../../schema/protocollo/index.js';
import type { StoredBlob } from '../../../server/blob/blob-store.js';

/** The key of a unit at the conservator (ParER Chiave): register code, year, number. */
export interface UnitKey {
  registro: string;
  anno: number;
  numero: string;
}

/**
 * One file of a unit. PRINCIPALE is the primary document, ALLEGATO an attachment (each its own
 * ParER Allegato), FIRMA a detached signature of the primary (the daily register's .p7s seal:
 * a ParER Componente of type FIRMA beside the primary's content).
 */
export interface SipComponent {
  /** Unique within the unit ('1', '2', …): the ParER ID of the component. */
  id: string;
  role: 'PRINCIPALE' | 'ALLEGATO' | 'FIRMA';
  name: string;
  mediaType: string;
  /** Our DocumentFormat name (PDF, PDF_A, XML, P7M…). */
  format: string;
  size: number;
  /** Lowercase hex, as stored. */
  sha256: string;
  /** Read with platform.blobs.get(blobKey). */
  blobKey: string;
  /** The stored file's id (ParER IDComponenteVersato: its identifier in our system). */
  fileId: string;
  /** The attachment's description (registratura), null when none. */
  description: string | null;
}

/**
 * A correspondent of a protocol registration as registered (AgID Allegato 5: Soggetti,
 * Mittente/Destinatario), as the protocollo module reads it.
 */
export type SipCorrespondent = RegisteredCorrespondent;

/** The fascicolo a unit is filed in as its primary, and the chain up to the top fascicolo. */
export interface SipFiling {
  /** Top fascicolo first, the fascicolo the unit is filed in last. */
  chain: Array<{ id: string; identifier: string; oggetto: string; numberPath: string }>;
  classificationCode: string;
}

/** How a unit is registered, for the AgID DatiDiRegistrazione. */
export interface SipRegistration {
  kind: 'PROTOCOLLO' | 'REPERTORIO' | 'NESSUNA';
  /** ARRIVO / PARTENZA / INTERNO for a protocol record, null otherwise. */
  flow: 'ARRIVO' | 'PARTENZA' | 'INTERNO' | null;
  annulled: boolean;
  /** The repertorio's name for a repertorio entry. */
  registerName: string | null;
}

export interface SipUnit {
  documentId: string;
  key: UnitKey;
  /** ParER TipologiaUnitaDocumentaria: 'PROTOCOLLO IN ARRIVO' | … | repertorio name | 'DOCUMENTO NON PROTOCOLLATO'. */
  tipologia: string;
  oggetto: string;
  /** YYYY-MM-DD, Europe/Rome: registration day, or creation day of a document non protocollato. */
  date: string;
  /** ISO instant of the registration (creation for a document non protocollato). */
  registeredAt: string;
  registration: SipRegistration;
  correspondents: SipCorrespondent[];
  /** The classification (titolario full code), null when unclassified. */
  classification: string | null;
  filing: SipFiling | null;
  uor: { code: string; name: string };
  rpa: string | null;
  riservato: boolean;
  /** Primary first, then its detached signature if any, then the attachments in order. */
  components: SipComponent[];
  /** The fascicolo it is filed in (its primary filing), null when none. */
  fascicoloId: string | null;
}

/** AgID "aggregazione documentale" metadata of a fascicolo (001 §4.6, DOMAIN §3). */
export interface SipAggregation {
  id: string;
  /** urn:uuid of the fascicolo. */
  persistentId: string;
  /** `2019 - IX/1.6 «oggetto»`. */
  identifier: string;
  year: number;
  /** Number chain under the classification: '6', '6.1', '6.1.2'. */
  numberPath: string;
  classificationCode: string;
  kind: string;
  oggetto: string;
  aoo: { code: string; name: string };
  uor: { code: string; name: string };
  rpa: string;
  participatingAdministrations: string[];
  openingDate: string;
  closingDate: string | null;
  /** Document ids filed directly here, in registration order. */
  documentIds: string[];
  children: SipAggregation[];
}

export interface SipPackage {
  id: string;
  aooId: string;
  kind: 'DAILY_REGISTER' | 'FASCICOLO' | 'SERIES';
  label: string;
  /** ISO instant. */
  createdAt: string;
  producer: { ipaCode: string; aooCode: string; name: string };
  units: SipUnit[];
  aggregation: SipAggregation | null;
}

/** Who sends (ParER Versatore): from config.conservation and the sending user. */
export interface Versatore {
  ambiente: string;
  ente: string;
  struttura: string;
  userId: string;
}

/** A file of the zip as the PIndex lists it. */
export interface PIndexFile {
  path: string;
  sha256: string;
  size: number;
  mediaType: string;
  /** The unit it belongs to (its key as `registro-anno-numero`), null for package-level files. */
  unit: string | null;
}

export interface BuiltSip {
  sip: StoredBlob;
  pindex: StoredBlob;
  /** Each unit's versamento request, stored: in the order of the package's units. */
  descriptors: Array<{ documentId: string; key: UnitKey; blob: StoredBlob }>;
}
