import type { ErrorCodeDefinition } from '../../server/errors/error-codes.js';

/** Business outcomes of repertori a UI branches on. */
export const REPERTORIO_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'REPERTORIO_CODE_TAKEN',
    httpStatus: 409,
    description: 'The AOO already has a repertorio with this code (codes are never reused)',
  },
  {
    code: 'REPERTORIO_INACTIVE',
    httpStatus: 409,
    description: 'The repertorio is deactivated: nothing more is registered in it',
  },
  {
    code: 'REPERTORIO_DOCUMENT_REGISTERED',
    httpStatus: 409,
    description: 'The document already stands in this repertorio (annul that entry first)',
  },
  {
    code: 'REPERTORIO_ENTRY_ANNULLED',
    httpStatus: 409,
    description: 'The repertorio entry is already annulled',
  },
];
