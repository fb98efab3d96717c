import { registerEnumType } from 'type-graphql';

export enum ProtocolKind {
  ARRIVO = 'ARRIVO',
  PARTENZA = 'PARTENZA',
  INTERNO = 'INTERNO',
}

export enum ProtocolState {
  REGISTRATO = 'REGISTRATO',
  ANNULLATO = 'ANNULLATO',
}

export enum CorrespondentRole {
  MITTENTE = 'MITTENTE',
  DESTINATARIO = 'DESTINATARIO',
}

export enum ProtocolCorrespondentKind {
  PERSONA_FISICA = 'PERSONA_FISICA',
  PERSONA_GIURIDICA = 'PERSONA_GIURIDICA',
  AMMINISTRAZIONE_ITALIANA = 'AMMINISTRAZIONE_ITALIANA',
  AMMINISTRAZIONE_ESTERA = 'AMMINISTRAZIONE_ESTERA',
  UFFICIO_INTERNO = 'UFFICIO_INTERNO',
}

registerEnumType(ProtocolKind, {
  name: 'ProtocolKind',
  description: 'Direction of a registration (DOMAIN §5)',
  valuesConfig: {
    ARRIVO: { description: 'Arrivo: an incoming document (the correspondents are its senders)' },
    PARTENZA: { description: 'Partenza: an outgoing document (the correspondents are its recipients)' },
    INTERNO: { description: 'Interno / tra uffici: between offices of the AOO' },
  },
});

registerEnumType(ProtocolState, {
  name: 'ProtocolState',
  description: 'Whether a registration stands or was annulled',
  valuesConfig: {
    REGISTRATO: { description: 'Registered: the registration stands' },
    ANNULLATO: {
      description: 'Annulled: still in the sequence and readable, with date, operator, reason, authorisation',
    },
  },
});

registerEnumType(CorrespondentRole, {
  name: 'CorrespondentRole',
  description: 'What a correspondent is to a registration',
  valuesConfig: {
    MITTENTE: { description: 'Sender (arrivo)' },
    DESTINATARIO: { description: 'Recipient (partenza, interno)' },
  },
});

registerEnumType(ProtocolCorrespondentKind, {
  name: 'ProtocolCorrespondentKind',
  description:
    'What kind of party a correspondent of a registration is: the directory’s kinds (CorrespondentKind) and an office of the same AOO',
  valuesConfig: {
    PERSONA_FISICA: { description: 'A person (nome, cognome, codice fiscale)' },
    PERSONA_GIURIDICA: { description: 'A company or association (denominazione, partita IVA)' },
    AMMINISTRAZIONE_ITALIANA: {
      description: 'An Italian public administration (IPA codes of administration, AOO, UO)',
    },
    AMMINISTRAZIONE_ESTERA: { description: 'A foreign administration or body' },
    UFFICIO_INTERNO: { description: 'An office of the same AOO (interno)' },
  },
});

/**
 * The notes the law words for special registrations (002 §9.7, §4.1.2.1): written as typed
 * annotations at registration, each with its fixed wording (PROTOCOL_NOTE_TEXT).
 */
export enum ProtocolNote {
  VARI_DESTINATARI = 'VARI_DESTINATARI',
  MITTENTE_ANONIMO = 'MITTENTE_ANONIMO',
  DOCUMENTO_NON_SOTTOSCRITTO = 'DOCUMENTO_NON_SOTTOSCRITTO',
  FIRMA_MANCANTE = 'FIRMA_MANCANTE',
  FIRMA_NON_VALIDA = 'FIRMA_NON_VALIDA',
  CERTIFICATO_SCADUTO = 'CERTIFICATO_SCADUTO',
  CERTIFICATO_REVOCATO = 'CERTIFICATO_REVOCATO',
  CERTIFICATO_SOSPESO = 'CERTIFICATO_SOSPESO',
  IMPOSSIBILE_EFFETTUARE_VERIFICA = 'IMPOSSIBILE_EFFETTUARE_VERIFICA',
}

/** The manuals' wording of each note (the annotation's text starts with it). */
export const PROTOCOL_NOTE_TEXT: Readonly<Record<ProtocolNote, string>> = {
  [ProtocolNote.VARI_DESTINATARI]: 'Vari destinatari',
  [ProtocolNote.MITTENTE_ANONIMO]: 'Mittente sconosciuto o anonimo',
  [ProtocolNote.DOCUMENTO_NON_SOTTOSCRITTO]: 'Documento non sottoscritto',
  [ProtocolNote.FIRMA_MANCANTE]: 'Firma mancante',
  [ProtocolNote.FIRMA_NON_VALIDA]: 'verifica firma digitale eseguita: firma non valida',
  [ProtocolNote.CERTIFICATO_SCADUTO]: 'verifica firma digitale eseguita: certificato scaduto',
  [ProtocolNote.CERTIFICATO_REVOCATO]: 'verifica firma digitale eseguita: certificato revocato',
  [ProtocolNote.CERTIFICATO_SOSPESO]: 'verifica firma digitale eseguita: certificato sospeso',
  [ProtocolNote.IMPOSSIBILE_EFFETTUARE_VERIFICA]:
    'verifica firma digitale eseguita: impossibile effettuare verifica',
};

registerEnumType(ProtocolNote, {
  name: 'ProtocolNote',
  description: 'A note the law words for a special registration (002 §9.7, §4.1.2.1), added at registration',
  valuesConfig: {
    VARI_DESTINATARI: {
      description: 'Vari destinatari: more than three recipients; the annotation lists them all',
    },
    MITTENTE_ANONIMO: { description: 'Mittente sconosciuto o anonimo: an anonymous letter' },
    DOCUMENTO_NON_SOTTOSCRITTO: {
      description: 'Documento non sottoscritto: an anonymous letter without signature',
    },
    FIRMA_MANCANTE: { description: 'Firma mancante: a letter with a sender but without signature' },
    FIRMA_NON_VALIDA: { description: 'The digital signature of a bound file does not verify' },
    CERTIFICATO_SCADUTO: { description: "The signer's certificate was expired at the signing time" },
    CERTIFICATO_REVOCATO: { description: "The signer's certificate was revoked" },
    CERTIFICATO_SOSPESO: { description: "The signer's certificate was suspended" },
    IMPOSSIBILE_EFFETTUARE_VERIFICA: { description: 'The signature of a bound file could not be verified' },
  },
});

/** How a registration is linked to another record of its AOO (collegamenti, DOMAIN §5). */
export enum ProtocolLinkKind {
  PRECEDENTE = 'PRECEDENTE',
  RISPOSTA_A = 'RISPOSTA_A',
  RIFERIMENTO = 'RIFERIMENTO',
}

registerEnumType(ProtocolLinkKind, {
  name: 'ProtocolLinkKind',
  description: 'How a registration is linked to another record of its AOO (collegamento)',
  valuesConfig: {
    PRECEDENTE: { description: 'Precedente: an earlier record of the same matter' },
    RISPOSTA_A: { description: 'Risposta a: this registration answers the linked record' },
    RIFERIMENTO: { description: 'Riferimento: the linked record is referred to' },
  },
});
