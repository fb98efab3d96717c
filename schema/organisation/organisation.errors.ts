import type { ErrorCodeDefinition } from '../../server/errors/error-codes.js';

/** Business outcomes of the organisation module a UI branches on. */
export const ORGANISATION_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'UOR_INACTIVE',
    httpStatus: 409,
    description: 'The UOR was closed (activeTo passed): it takes no members and no sub-UORs',
  },
  {
    code: 'UOR_HAS_ACTIVE_CHILDREN',
    httpStatus: 409,
    description: 'A UOR cannot close while sub-UORs are active: close or move them first',
  },
  {
    code: 'UOR_CYCLE',
    httpStatus: 409,
    description: 'The move would place a UOR under itself or one of its descendants',
  },
  { code: 'USER_INACTIVE', httpStatus: 409, description: 'The user is deactivated' },
  {
    code: 'CANNOT_DEACTIVATE_SELF',
    httpStatus: 403,
    description: 'Nobody deactivates themselves: another administrator must',
  },
  { code: 'MEMBERSHIP_ENDED', httpStatus: 409, description: 'The membership has ended already' },
];
