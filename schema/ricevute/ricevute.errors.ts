import type { ErrorCodeDefinition } from '../../server/errors/error-codes.js';

/** Outcomes of the receipt and label module a UI or a scanner station branches on. */
export const RICEVUTE_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'PROTOCOL_BARCODE_MALFORMED',
    httpStatus: 400,
    description:
      'The scanned code is not a protocol label code (`PROT:<IPA code>:<AOO code>:<year>:<number>`, as `ProtocolRecord.labelCode`); `extensions.field` is `code`',
  },
];
