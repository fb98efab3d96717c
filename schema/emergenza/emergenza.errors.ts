import type { ErrorCodeDefinition } from '../../server/errors/error-codes.js';

/** Business outcomes of the emergency register a UI branches on. */
export const EMERGENCY_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'EMERGENCY_REGISTER_ALREADY_OPEN',
    httpStatus: 409,
    description: 'The AOO already has an open emergency register: close it before opening another',
  },
  {
    code: 'EMERGENCY_REGISTER_CLOSED',
    httpStatus: 409,
    description: 'The emergency register is already closed: its end stays as recorded',
  },
  {
    code: 'EMERGENCY_PERIOD_EXCEEDED',
    httpStatus: 409,
    description:
      "The end is beyond the authorised periods of the emergency register (24 hours from the start, then the RGD's extensions of at most a week each): extend it first",
  },
  {
    code: 'EMERGENCY_REGISTER_OPEN',
    httpStatus: 409,
    description:
      'The emergency register is still open: records are imported once it is closed (the service is back and its end is known)',
  },
  {
    code: 'EMERGENCY_IMPORT_INVALID',
    httpStatus: 400,
    description:
      'The emergency file has errors: nothing was imported and no number was taken; `extensions.errors` lists every one (line, number, field, message)',
  },
];
