import type { ErrorCodeDefinition } from '../../server/errors/error-codes.js';

/** Business outcomes of raccoglitori a UI branches on. */
export const RACCOGLITORE_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'RACCOGLITORE_CLOSED',
    httpStatus: 409,
    description:
      'The raccoglitore is closed: it can be read, but not renamed, described or changed in content',
  },
  {
    code: 'RACCOGLITORE_NAME_IN_USE',
    httpStatus: 409,
    description: 'An open raccoglitore of the AOO already has this name (case ignored): choose another',
  },
  {
    code: 'DOCUMENT_ALREADY_IN_RACCOGLITORE',
    httpStatus: 409,
    description: 'The document is in the raccoglitore already',
  },
  {
    code: 'DOCUMENT_NOT_IN_RACCOGLITORE',
    httpStatus: 409,
    description: 'The document is not in the raccoglitore (never added, or removed already)',
  },
];
