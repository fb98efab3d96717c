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
  {
    code: 'PROTOCOL_DATE_IN_FUTURE',
    httpStatus: 400,
    description:
      'A date given at registration (the receipt day of a protocollo differito…) is after today (Europe/Rome); `extensions.field` names it',
  },
  {
    code: 'PROTOCOL_DIFFERITO_NOT_ARRIVO',
    httpStatus: 400,
    description: 'Protocollo differito is for incoming (ARRIVO) registrations only',
  },
  {
    code: 'PROTOCOL_DIFFERITO_PEC',
    httpStatus: 409,
    description:
      'A document received by PEC is never registered as differito, and a differito record never becomes PEC (the PEC date is legally binding)',
  },
  {
    code: 'PROTOCOL_ANONYMOUS_SENDER',
    httpStatus: 400,
    description:
      'An anonymous sender ("Mittente sconosciuto o anonimo") is for incoming registrations without correspondents',
  },
  {
    code: 'PROTOCOL_PARTICOLARE_NO_REPERTORIO',
    httpStatus: 409,
    description:
      'The AOO has no active repertorio PROTOCOLLO_PARTICOLARE, in which a protocollo particolare is also numbered',
  },
  {
    code: 'PROTOCOL_CC_DUPLICATE',
    httpStatus: 400,
    description:
      'The same office or user is twice in the CC (per conoscenza) list; `extensions.field` names the second',
  },
  {
    code: 'PROTOCOL_LINK_SELF',
    httpStatus: 400,
    description: 'A registration is not linked to itself; `extensions.field` names the link',
  },
  {
    code: 'PROTOCOL_LINK_DUPLICATE',
    httpStatus: 400,
    description: 'The same record is linked twice (one link per record); `extensions.field` names the second',
  },
  {
    code: 'PROTOCOL_CATCH_UP_TOO_LARGE',
    httpStatus: 409,
    description:
      'protocolRegistered: more registrations after `since` than one catch-up replays; read them with protocolRecords, then subscribe with a later `since`',
  },
];
