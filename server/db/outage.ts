import { DriverException } from '@mikro-orm/core';

/**
 * Whether an error means "the database cannot be reached right now" (an outage the client may
 * retry after: HTTP 503, GraphQL SERVICE_UNAVAILABLE) rather than a fault in the request or the
 * code. Walks the causes MikroORM and knex wrap around the driver's error.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// SQLSTATE: 08 connection exception; 57P01-57P03 the server is shutting down or starting;
// 53300 too many connections.
const SQLSTATE = /^(08...|57P0[123]|53300)$/;

const MESSAGES = [
  /Connection terminated/i,
  /Connection ended unexpectedly/i,
  /not queryable/i,
  /Timeout acquiring a connection/i,
  /timeout exceeded when trying to connect/i,
];

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    // Only errors of the database layer: a refused connection to S3 or to an identity provider
    // is another outage with its own answer.
    if (current instanceof DriverException || (current as Error).name === 'KnexTimeoutError') {
      const e = current as { code?: unknown; message?: unknown };
      if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || SQLSTATE.test(e.code))) return true;
      if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string))) return true;
    }
    const next = current as { cause?: unknown; originalError?: unknown };
    current = next.originalError ?? next.cause;
  }
  return false;
}

export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is unavailable; nothing was changed. Retry shortly';
