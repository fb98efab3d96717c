import type { ErrorCodeDefinition } from '../../server/errors/error-codes.js';

/** Business outcomes of fascicoli and filing a UI branches on. */
export const FASCICOLO_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'FASCICOLO_NODE_NOT_LEAF',
    httpStatus: 422,
    description:
      'Fascicoli are opened on the last level of the titolario (persona fascicoli also on a titolo): pick a leaf node',
  },
  {
    code: 'FASCICOLO_CLOSED',
    httpStatus: 409,
    description:
      'The fascicolo is closed: nothing may be filed, unfiled or opened under it until the RGD reopens it',
  },
  {
    code: 'FASCICOLO_HAS_OPEN_CHILDREN',
    httpStatus: 409,
    description:
      'A fascicolo cannot close while one of its sottofascicoli or inserti is open: close them first',
  },
  {
    code: 'FASCICOLO_NOT_CLOSED',
    httpStatus: 409,
    description: 'Only a closed fascicolo can be reopened',
  },
  {
    code: 'FASCICOLO_PARENT_CLOSED',
    httpStatus: 409,
    description: 'The parent fascicolo is closed: reopen it before reopening this sottofascicolo',
  },
  {
    code: 'FASCICOLO_TOO_DEEP',
    httpStatus: 422,
    description: 'Fascicoli nest three levels at most: fascicolo, sottofascicolo, inserto',
  },
  {
    code: 'FASCICOLO_RPA_NOT_IN_UOR',
    httpStatus: 422,
    description: 'The RPA must be an active user with a membership in the UOR of the fascicolo',
  },
  {
    code: 'DOCUMENT_ALREADY_FILED',
    httpStatus: 409,
    description: 'The document is already filed in this fascicolo',
  },
  {
    code: 'DOCUMENT_NOT_FILED',
    httpStatus: 409,
    description: 'The document is not filed in this fascicolo',
  },
  {
    code: 'DOCUMENT_PRIMARY_FASCICOLO_EXISTS',
    httpStatus: 409,
    description:
      'The document already has a primary fascicolo: file it as linked (primary: false), or unfile it from the primary first',
  },
  {
    code: 'CLASSIFICATION_FASCICOLO_MISMATCH',
    httpStatus: 422,
    description:
      'The classification and the fascicolo disagree: a document is classified as the titolario node its primary fascicolo sits on (give the fascicolo alone to take its node)',
  },
  {
    code: 'DOCUMENT_CLASSIFICATION_NOT_LEAF',
    httpStatus: 422,
    description: 'A document is classified on the last level of the titolario: pick a leaf node',
  },
  {
    code: 'DOCUMENT_CLASSIFIED_IN_PROTOCOL',
    httpStatus: 409,
    description:
      'The document is registered in the protocol: its classification is a managed field of the record, changed with updateProtocolFields',
  },
  {
    code: 'DOCUMENT_PRIMARY_FILING_BY_PROTOCOL',
    httpStatus: 409,
    description:
      'The document is registered in the protocol: its primary fascicolo is a managed field of the record, changed with updateProtocolFields (fascicoloId); linked filings stay free',
  },
];
