import type { ErrorCodeDefinition } from '../../server/errors/error-codes.js';

/** Business outcomes of the titolario a UI branches on. */
export const TITOLARIO_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'CLASSIFICATION_NOT_FOUND',
    httpStatus: 404,
    description: 'No titolario node with that id in the AOO (or one the caller may not see)',
  },
  {
    code: 'CLASSIFICATION_NOT_IN_FORCE',
    httpStatus: 409,
    description:
      'The titolario node belongs to a version that is not the published one in force on that day: classify with a node of the version in force',
  },
  {
    code: 'TITOLARIO_VERSION_PUBLISHED',
    httpStatus: 409,
    description: 'The titolario version is published and immutable: prepare a new draft version instead',
  },
  {
    code: 'TITOLARIO_VALID_FROM_INVALID',
    httpStatus: 422,
    description:
      'validFrom must be a 1 January of a year after the approval day (the titolario is never retroactive)',
  },
  {
    code: 'TITOLARIO_VERSION_EXISTS',
    httpStatus: 409,
    description: 'The AOO already has a titolario version starting on that day',
  },
  {
    code: 'TITOLARIO_CODE_INVALID',
    httpStatus: 422,
    description: 'A titolo code is a roman numeral (I, II … XIV), a code below it a positive arabic number',
  },
  {
    code: 'TITOLARIO_CODE_IN_USE',
    httpStatus: 409,
    description: 'Another node of the same parent in this version already has that code',
  },
  {
    code: 'TITOLARIO_VERSION_EMPTY',
    httpStatus: 422,
    description: 'A titolario version without nodes cannot be published',
  },
  {
    code: 'TITOLARIO_IMPORT_INVALID',
    httpStatus: 422,
    description:
      'The import has errors and nothing was imported; `extensions.errors` lists every one with line and field',
  },
];
