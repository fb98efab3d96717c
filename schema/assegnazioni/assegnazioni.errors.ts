import type { ErrorCodeDefinition } from '../../server/errors/error-codes.js';

/** Business outcomes of the assignment workflow a UI branches on. */
export const WORKFLOW_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'ASSIGNMENT_STATE',
    httpStatus: 409,
    description:
      'The assignment is not in a state that allows this step (ended, not yet assigned, already taken in charge)',
  },
  {
    code: 'ASSIGNMENT_ALREADY_ACTIVE',
    httpStatus: 409,
    description: 'The office already holds an active competence over the registration',
  },
  {
    code: 'ASSIGNMENT_NOT_RPA',
    httpStatus: 403,
    description:
      'Only the RPA of the assignment takes it in charge or gives it back (CC recipients never do)',
  },
  {
    code: 'WORKFLOW_REJECTION_LIMIT',
    httpStatus: 409,
    description:
      'The registration was rejected twice: only the RGD sends it on (WORKFLOW_DISPATCH_BY_AUTHORITY), and it is not rejected again',
  },
];
