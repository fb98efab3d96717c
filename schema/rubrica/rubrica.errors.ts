import type { ErrorCodeDefinition } from '../../server/errors/error-codes.js';

/** Business outcomes of the correspondents directory a UI branches on. */
export const RUBRICA_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'CORRESPONDENT_DUPLICATE',
    httpStatus: 409,
    description:
      'Another entry of the directory has the same codice fiscale, partita IVA, IPA code (with AOO/UO code) or PEC address; `extensions.field` names the key and `extensions.existingId` the entry',
  },
  {
    code: 'INVALID_CODICE_FISCALE',
    httpStatus: 400,
    description: 'The codice fiscale is malformed or its check character is wrong (`extensions.field`)',
  },
  {
    code: 'INVALID_PARTITA_IVA',
    httpStatus: 400,
    description: 'The partita IVA is not 11 digits or its check digit is wrong (`extensions.field`)',
  },
  {
    code: 'CORRESPONDENT_INACTIVE',
    httpStatus: 409,
    description: 'The correspondent is deactivated: reactivate it before editing it',
  },
  {
    code: 'IPA_IMPORT_INVALID',
    httpStatus: 400,
    description:
      'The IPA file has errors and nothing was imported; `extensions.errors` lists every one with line, field and message',
  },
];
