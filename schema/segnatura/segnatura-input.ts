/**
 * What a segnatura informatica says (AgID 2021, Allegato 6, `segnatura_protocollo.xsd`), as
 * plain data: the protocol module fills it from a registration (the correspondents as they were
 * copied at registration, the digests bound then) and hands it to `buildSegnatura`. Nothing
 * here reads the database: the XML is a function of this value alone.
 *
 * Who is Mittente and who Destinatario follows the kind of registration:
 * - `ARRIVO`: the external sender is `mittente`, the receiving AOO (an `AMMINISTRAZIONE`
 *   with its AOO and UO codes) the `destinatari`;
 * - `PARTENZA`: the own AOO is `mittente`, the external recipients the `destinatari`
 *   (`perConoscenza` for those in CC);
 * - `INTERNO`: both are the own administration, with the sending and receiving UO codes.
 */
export type SegnaturaRegistrationKind = 'ARRIVO' | 'PARTENZA' | 'INTERNO';

/** The identifier of a registration (art. 55 DPR 445/2000): `Identificatore`. */
export interface SegnaturaIdentifier {
  /** IPA code of the administration (`codice_IPA`). */
  codiceAmministrazione: string;
  denominazioneAmministrazione?: string;
  /** IPA unique AOO code (`Codice_uni_aoo`, 7 characters from 2022). */
  codiceAOO: string;
  denominazioneAOO?: string;
  /** Register code, `[A-Za-z0-9_.-]{1,16}`. */
  codiceRegistro: string;
  /** Progressive number in the year; written zero-padded to at least 7 digits. */
  numero: number;
  /** Registration day, Europe/Rome calendar: `YYYY-MM-DD`. */
  data: string;
  /** Registration time, Europe/Rome: `HH:MM:SS` (optional in the XSD). */
  ora?: string;
}

/** Titolario classification: `Denominazione` and a flat code or the path of levels. */
export interface SegnaturaClassification {
  /** Description of the class applied (e.g. "Contratti e convenzioni"). */
  denominazione: string;
  /** Flat code (e.g. "VI.3"); used when `levels` is absent. */
  codice: string;
  /** Levels from the title down (`CodicePath`), each code with its description. */
  levels?: ReadonlyArray<{ codice: string; descrizione?: string }>;
}

export interface SegnaturaFascicolo {
  denominazione: string;
  /** E.g. "2026-VI.3.12". */
  codice: string;
}

/**
 * A postal address. The 2021 XSD declares `CAPType` as `[0-9]{6}` (Italian CAPs have 5 digits)
 * and makes CAP and the ISTAT code mandatory, so an address is emitted only when it fits the
 * XSD; otherwise it is left out (the XML stays valid; the directory keeps the full address).
 */
export interface SegnaturaPostalAddress {
  /** Denominazione urbanistica generica: "Via", "Piazza"… */
  dug: string;
  /** Denominazione urbanistica ufficiale: the street's name. */
  duf: string;
  civico: string;
  cap: string;
  comune: string;
  /** ISTAT code of the comune, 6 digits. */
  codiceIstatComune: string;
  nazione?: string;
  /** ISO 3166-1 alpha-3, default ITA. */
  codiceNazione?: string;
}

export interface SegnaturaContacts {
  indirizziPostali?: readonly SegnaturaPostalAddress[];
  /** Ordinary e-mail addresses (`IndirizzoTelematico tipo="smtp"`). */
  email?: readonly string[];
  /** PEC addresses (`IndirizzoTelematico tipo="smtp" note="PEC"`). */
  pec?: readonly string[];
  /** Service endpoints (`IndirizzoTelematico tipo="url"`). */
  url?: readonly string[];
  telefoni?: readonly string[];
}

export interface SegnaturaPerson {
  nome: string;
  cognome: string;
  titolo?: string;
  /** Italian codice fiscale; left out unless it matches the XSD's 16-character pattern. */
  codiceFiscale?: string;
  contatti?: SegnaturaContacts;
}

/** An office (AOO or UO) of an Italian administration, by its IPA code. */
export interface SegnaturaIpaOffice {
  codiceIPA: string;
  denominazione?: string;
  contatti?: SegnaturaContacts;
}

/** The four kinds of correspondent of the XSD's `SoggettoType`. */
export type SegnaturaCorrespondent =
  | ({ type: 'PERSONA_FISICA' } & SegnaturaPerson)
  | {
      type: 'PERSONA_GIURIDICA';
      denominazione: string;
      /** VAT number or numeric tax code: left out unless 11 digits (the XSD's `PartitaIVA`). */
      partitaIvaOCodiceFiscale?: string;
      contatti?: SegnaturaContacts;
      /** Reference people inside the organisation. */
      persone?: readonly SegnaturaPerson[];
    }
  | {
      type: 'AMMINISTRAZIONE';
      denominazione: string;
      /** IPA code of the administration (mandatory in the XSD). */
      codiceIPA: string;
      /** Tax code of the administration: left out unless 11 digits. */
      codiceFiscale?: string;
      contatti?: SegnaturaContacts;
      aoo?: SegnaturaIpaOffice;
      uo?: SegnaturaIpaOffice;
      persone?: readonly SegnaturaPerson[];
    }
  | {
      type: 'AMMINISTRAZIONE_ESTERA';
      denominazione: string;
      ufficio?: string;
      contatti?: SegnaturaContacts;
    };

export type SegnaturaRecipient = SegnaturaCorrespondent & {
  /** In CC (`perConoscenza`). */
  perConoscenza?: boolean;
  /** The sender asks for a ConfermaRicezione (XSD default true). */
  confermaRicezione?: boolean;
};

/** The primary document or an attachment, bound by its digest. */
export interface SegnaturaDocument {
  nomeFile: string;
  mimeType: string;
  descrizione?: string;
  /** SHA-256 of the file's bytes, 64 hexadecimal characters (written base64 in `Impronta`). */
  sha256: string;
  /** The file carries a digital signature (CAdES/PAdES…, enveloping). */
  firmatoDigitalmente?: boolean;
}

/** A previous message this segnatura answers (`Riferimenti`). */
export interface SegnaturaReference {
  identifier: SegnaturaIdentifier;
  oggetto: string;
  classification: SegnaturaClassification;
  fascicolo?: SegnaturaFascicolo;
}

export interface SegnaturaInput {
  kind: SegnaturaRegistrationKind;
  identifier: SegnaturaIdentifier;
  /** The first registration of a document registered again (only if different). */
  primaRegistrazione?: SegnaturaIdentifier;
  oggetto: string;
  classification: SegnaturaClassification;
  fascicolo?: SegnaturaFascicolo;
  /** Present when the registration is riservato. */
  riservato?: { note?: string };
  riferimento?: SegnaturaReference;
  mittente: SegnaturaCorrespondent;
  /** At least one. */
  destinatari: readonly SegnaturaRecipient[];
  documentoPrimario: SegnaturaDocument;
  allegati: readonly SegnaturaDocument[];
}
