import { registerEnumType } from 'type-graphql';

/** The kinds of fascicolo (DOMAIN §3, 001 §4.2). */
export enum FascicoloKind {
  AFFARE = 'AFFARE',
  ATTIVITA = 'ATTIVITA',
  PROCEDIMENTO_AMMINISTRATIVO = 'PROCEDIMENTO_AMMINISTRATIVO',
  PERSONA_FISICA = 'PERSONA_FISICA',
  PERSONA_GIURIDICA = 'PERSONA_GIURIDICA',
}

/** Persona fascicoli are numbered at the titolo level (002 §8.3.2). */
export const PERSONA_KINDS: ReadonlySet<FascicoloKind> = new Set([
  FascicoloKind.PERSONA_FISICA,
  FascicoloKind.PERSONA_GIURIDICA,
]);

registerEnumType(FascicoloKind, {
  name: 'FascicoloKind',
  description: 'What a fascicolo gathers (001 §4.2)',
  valuesConfig: {
    AFFARE: { description: 'An affare: documents of one matter without a formal procedure' },
    ATTIVITA: { description: 'An attività: documents of a recurring activity' },
    PROCEDIMENTO_AMMINISTRATIVO: { description: 'A procedimento amministrativo (L. 241/1990)' },
    PERSONA_FISICA: { description: 'A person (e.g. an employee): numbered at the titolo level' },
    PERSONA_GIURIDICA: { description: 'A legal person (e.g. a company): numbered at the titolo level' },
  },
});

export enum FascicoloState {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}

registerEnumType(FascicoloState, {
  name: 'FascicoloState',
  description: 'Whether documents may still be filed into a fascicolo',
  valuesConfig: {
    OPEN: { description: 'Open: documents may be filed' },
    CLOSED: { description: 'Closed: nothing may be filed until the RGD reopens it' },
  },
});

export enum FascicoloConfidentiality {
  ORDINARIO = 'ORDINARIO',
  RISERVATO = 'RISERVATO',
  SEGRETO = 'SEGRETO',
}

registerEnumType(FascicoloConfidentiality, {
  name: 'FascicoloConfidentiality',
  description: 'The confidentiality level recorded when a fascicolo is opened (001 §4.3)',
  valuesConfig: {
    ORDINARIO: { description: 'No particular confidentiality' },
    RISERVATO: { description: 'Riservato: contains personal or confidential data' },
    SEGRETO: { description: 'Segreto: restricted by law' },
  },
});

export enum FilingAction {
  FILE = 'FILE',
  UNFILE = 'UNFILE',
}

registerEnumType(FilingAction, {
  name: 'FilingAction',
  description: 'A step of the filing history of a document in a fascicolo',
  valuesConfig: {
    FILE: { description: 'The document was filed (as primary or linked)' },
    UNFILE: { description: 'The document was taken out of the fascicolo' },
  },
});

export enum FascicoloHistoryAction {
  OPENED = 'OPENED',
  CLOSED = 'CLOSED',
  REOPENED = 'REOPENED',
  TRANSFERRED = 'TRANSFERRED',
}

registerEnumType(FascicoloHistoryAction, {
  name: 'FascicoloHistoryAction',
  description: 'A step in the life of a fascicolo (001 §4.5: every change with operator, date and time)',
  valuesConfig: {
    OPENED: { description: 'Opened' },
    CLOSED: { description: 'Closed' },
    REOPENED: { description: 'Reopened by the RGD, with a reason' },
    TRANSFERRED: { description: 'Transferred to another RPA and/or UOR' },
  },
});
