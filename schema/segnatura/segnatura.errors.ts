import type { ErrorCodeDefinition } from '../../server/errors/error-codes.js';

/** Outcomes of the seal configuration a UI branches on. */
export const SEGNATURA_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'SEAL_KEYSTORE_UNREADABLE',
    httpStatus: 400,
    description: 'The PKCS#12 keystore cannot be opened: wrong password, or not a PKCS#12 file',
  },
  {
    code: 'SEAL_KEYSTORE_INCOMPLETE',
    httpStatus: 400,
    description: 'The PKCS#12 keystore opens but lacks the private key or the certificate that matches it',
  },
  {
    code: 'SEAL_CERTIFICATE_NOT_VALID',
    httpStatus: 409,
    description:
      "The seal's certificate is expired or not yet valid at this moment: a receiving AOO would reject the segnatura; renew the seal",
  },
  {
    code: 'SEAL_NOT_CONFIGURED',
    httpStatus: 409,
    description:
      'The AOO has no seal for its segnature: set one (setSegnaturaSeal) or generate a development seal',
  },
];
