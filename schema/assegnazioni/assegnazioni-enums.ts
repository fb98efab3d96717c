import { registerEnumType } from 'type-graphql';

/** Where one office's competence over a registration stands (DOMAIN §6). */
export enum AssignmentState {
  DA_ASSEGNARE = 'DA_ASSEGNARE',
  ASSEGNATO = 'ASSEGNATO',
  IN_CARICO = 'IN_CARICO',
  RIGETTATO = 'RIGETTATO',
  TRASFERITO = 'TRASFERITO',
}

export const ACTIVE_STATES: readonly AssignmentState[] = [
  AssignmentState.DA_ASSEGNARE,
  AssignmentState.ASSEGNATO,
  AssignmentState.IN_CARICO,
];

registerEnumType(AssignmentState, {
  name: 'AssignmentState',
  description: "Where an office's competence over a registration stands",
  valuesConfig: {
    DA_ASSEGNARE: { description: 'Sent to the office; no RPA yet (the head or a delegate assigns one)' },
    ASSEGNATO: { description: 'An RPA is named; the paper original is not yet taken in charge' },
    IN_CARICO: { description: 'Taken in charge by the RPA (at assignment for digital documents)' },
    RIGETTATO: { description: 'Rejected by the office as not its own: back to the protocol office (ended)' },
    TRASFERITO: { description: 'Competence transferred to another office (ended)' },
  },
});

/** A step of the workflow's history. */
export enum WorkflowAction {
  SMISTAMENTO = 'SMISTAMENTO',
  CONOSCENZA = 'CONOSCENZA',
  ASSEGNAZIONE = 'ASSEGNAZIONE',
  PRESA_IN_CARICO = 'PRESA_IN_CARICO',
  RIGETTO = 'RIGETTO',
  TRASFERIMENTO = 'TRASFERIMENTO',
  RESTITUZIONE = 'RESTITUZIONE',
}

registerEnumType(WorkflowAction, {
  name: 'WorkflowAction',
  description: 'A step of the assignment workflow (DOMAIN §6)',
  valuesConfig: {
    SMISTAMENTO: { description: 'Sent to an office per competenza' },
    CONOSCENZA: { description: 'Sent to an office or a user per conoscenza (CC)' },
    ASSEGNAZIONE: { description: 'An RPA assigned by the office' },
    PRESA_IN_CARICO: { description: 'Taken in charge by the RPA' },
    RIGETTO: { description: 'Rejected by the office, naming the right one: back to the protocol office' },
    TRASFERIMENTO: { description: 'Competence transferred from one office to another' },
    RESTITUZIONE: { description: 'Given back by the RPA to the office, to be assigned again' },
  },
});

/** Means of transmission whose original is paper: taken in charge by the RPA's confirmation. */
export const PAPER_MEANS: ReadonlySet<string> = new Set(['POSTA', 'RACCOMANDATA', 'A_MANO']);
