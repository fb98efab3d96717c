import type { ErrorCodeDefinition } from '../../../server/errors/error-codes.js';

/** Outcomes of sending an AggiornamentoConferma that a client branches on. */
export const PEC_AGGIORNAMENTO_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'PEC_AGGIORNAMENTO_NOT_FROM_PEC',
    httpStatus: 409,
    description:
      'An Aggiornamento.xml updates the confirmation of a message received by PEC: the record was not registered from one',
  },
  {
    code: 'PEC_AGGIORNAMENTO_NO_SEGNATURA',
    httpStatus: 409,
    description:
      'The message the record was registered from carried no readable Segnatura.xml (the sender’s registration and address): there is no confirmation to update',
  },
];
