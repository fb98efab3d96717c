import type { ErrorCodeDefinition } from '../../../server/errors/error-codes.js';

/** Outcomes of sending by PEC that a client branches on. */
export const PEC_SEND_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'PEC_SEND_NOT_PARTENZA',
    httpStatus: 409,
    description:
      'Only partenza (outgoing) records are sent by PEC; an arrivo or interno record is not. `extensions.kind` is the record’s kind',
  },
  {
    code: 'PEC_SEND_NO_RECIPIENTS',
    httpStatus: 409,
    description:
      'No recipient to send to: the record’s recipients have no PEC address and none was given. Give `recipients`, or register the addresses with the correspondents',
  },
  {
    code: 'PEC_SEND_MAILBOX_UNUSABLE',
    httpStatus: 409,
    description:
      'The mailbox cannot send this: it is not active, is an ordinary (PEO) mailbox, or belongs to another AOO than the record',
  },
];
