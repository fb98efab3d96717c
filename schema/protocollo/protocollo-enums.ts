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
