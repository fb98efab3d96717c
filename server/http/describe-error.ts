import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from '../db/outage.js';

/**
 * The status, code and client-facing message of an error that reached Express outside
 * GraphQL: body-parser failures are the client's (400, 413, 415), errors with a 503 status say
 * "retry", and anything else is an internal error whose details stay in the log.
 */
export function describeHttpError(err: unknown): { status: number; code: string; message: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    status?: unknown;
    type?: unknown;
    message?: unknown;
    limit?: unknown;
  };
  const message = typeof e.message === 'string' ? e.message : 'Error';
  switch (e.type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'BAD_REQUEST', message: `The body is not valid JSON: ${message}` };
    case 'entity.too.large':
      return {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `The body exceeds the limit of ${String(e.limit)} bytes`,
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message };
    default:
      break;
  }
  // An error that names its own status (e.g. the identity provider is unreachable) keeps it.
  if (typeof e.status !== 'number' && isDatabaseUnavailable(err))
    return { status: 503, code: 'SERVICE_UNAVAILABLE', message: DATABASE_UNAVAILABLE_MESSAGE };
  const status = typeof e.status === 'number' ? e.status : 500;
  if (status === 503) return { status, code: 'SERVICE_UNAVAILABLE', message };
  if (status >= 400 && status < 500) return { status, code: 'BAD_REQUEST', message };
  return { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' };
}
