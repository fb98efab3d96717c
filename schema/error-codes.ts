import { PLATFORM_ERROR_CODES, type ErrorCodeDefinition } from '../server/errors/error-codes.js';
import { DOCUMENT_ERROR_CODES } from './documents/documents.errors.js';
import { ORGANISATION_ERROR_CODES } from './organisation/organisation.errors.js';

/** Every error code clients can receive: the platform's and each module's. */
export const coreErrorCodes: readonly ErrorCodeDefinition[] = [
  ...PLATFORM_ERROR_CODES,
  ...ORGANISATION_ERROR_CODES,
  ...DOCUMENT_ERROR_CODES,
];

const byCode = new Map(coreErrorCodes.map((d) => [d.code, d]));

/** The HTTP status of a registered code on plain-HTTP routes; undefined for an unregistered one. */
export function httpStatusOf(code: string): number | undefined {
  return byCode.get(code)?.httpStatus;
}
