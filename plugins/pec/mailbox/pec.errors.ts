import type { ErrorCodeDefinition } from '../../../server/errors/error-codes.js';

/** Business outcomes of mailboxes and incoming messages a UI branches on. */
export const PEC_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'PEC_MAILBOX_ADDRESS_TAKEN',
    httpStatus: 409,
    description: 'The AOO already has a mailbox with this address',
  },
  {
    code: 'PEC_GRANT_INVALID',
    httpStatus: 400,
    description:
      'A mailbox grant names exactly one of a user or an office of the AOO, once, with at least one right (a right to register or send implies reading)',
  },
  {
    code: 'PEC_MESSAGE_ALREADY_REGISTERED',
    httpStatus: 409,
    description: 'The message is already registered in the protocol (a message is registered at most once)',
  },
  {
    code: 'PEC_MESSAGE_STATE',
    httpStatus: 409,
    description: 'The message is not waiting for an operator (a receipt, or already discarded)',
  },
  {
    code: 'PEC_DISCARD_REASON_REQUIRED',
    httpStatus: 400,
    description: 'A message is discarded only with the reason (at most 2000 characters)',
  },
  {
    code: 'PEC_MAILBOX_INACTIVE',
    httpStatus: 409,
    description: 'The mailbox is deactivated: nothing is stored into it',
  },
  {
    code: 'PEC_REGISTRAR_INVALID',
    httpStatus: 400,
    description:
      "A mailbox's registrar is an active member of its AOO holding PROTOCOL_REGISTER over the mailbox's office and the mailbox's register right; a mailbox that registers automatically names one",
  },
];
