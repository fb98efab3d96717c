import type { ErrorCodeDefinition } from '../../server/errors/error-codes.js';

/** Business outcomes of the protocol register a UI branches on. */
export const PROTOCOL_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'PROTOCOL_DOCUMENT_REGISTERED',
    httpStatus: 409,
    description: 'The document is already registered in the protocol (one number per document)',
  },
  {
    code: 'PROTOCOL_NO_PRIMARY_FILE',
    httpStatus: 409,
    description: 'The document has no primary file: there is no digest to bind at registration',
  },
  {
    code: 'PROTOCOL_ATTACHMENTS_MISMATCH',
    httpStatus: 409,
    description: 'The attachments declared do not match the attachments of the document',
  },
  {
    code: 'PROTOCOL_ANNULLED',
    httpStatus: 409,
    description: 'The registration is annulled: it stays readable but changes no more',
  },
  {
    code: 'PROTOCOL_SENT_BY_PEC',
    httpStatus: 409,
    description: 'An outgoing registration already sent by PEC is never annulled (the recipient has it)',
  },
  {
    code: 'PROTOCOL_CORRESPONDENT_FROM_DIRECTORY',
    httpStatus: 400,
    description:
      'A correspondent taken from the directory (correspondentId) was given inline data too, or another kind than the entry’s; `extensions.field` names the field',
  },
  {
    code: 'PROTOCOL_CORRESPONDENT_INACTIVE',
    httpStatus: 409,
    description:
      'The directory entry named by correspondentId is deactivated: it is not used for new registrations',
  },
];
