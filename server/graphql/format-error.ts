import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from '../db/outage.js';
import type { Platform } from '../platform.js';
import { stripSuggestion } from './query-limits.js';

/**
 * Errors without a business code are unexpected: logged in full, and in production reduced to
 * "Internal server error" so no SQL, stack or identifier reaches a client. Suggestions are
 * removed from every message. One rule for HTTP (Apollo formatError) and WebSocket (graphql-ws
 * onNext/onError), which Apollo does not cover.
 */
function isUnexpected(code: unknown): boolean {
  return code === undefined || code === 'INTERNAL_SERVER_ERROR';
}

export function formatHttpError(
  formatted: GraphQLFormattedError,
  error: unknown,
  platform: Platform,
): GraphQLFormattedError {
  const code = formatted.extensions?.['code'];
  if (isUnexpected(code) && isDatabaseUnavailable(error)) {
    platform.logger.warn({ err: error }, 'database unavailable');
    return unavailable(formatted);
  }
  if (isUnexpected(code)) {
    platform.logger.error({ err: error }, 'unexpected GraphQL error');
    if (platform.config.nodeEnv === 'production') {
      return {
        message: 'Internal server error',
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      };
    }
  }
  return { ...formatted, message: stripSuggestion(formatted.message) };
}

/** An outage is expected and typed: the client retries (HTTP answers 503 with Retry-After). */
function unavailable(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return {
    message: DATABASE_UNAVAILABLE_MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'SERVICE_UNAVAILABLE' },
  };
}

export function maskSocketError(error: GraphQLError, platform: Platform): GraphQLError {
  if (isUnexpected(error.extensions['code']) && isDatabaseUnavailable(error)) {
    platform.logger.warn({ err: error.originalError ?? error }, 'database unavailable (subscription)');
    return new GraphQLError(DATABASE_UNAVAILABLE_MESSAGE, {
      path: error.path,
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  }
  if (!isUnexpected(error.extensions['code'])) {
    const message = stripSuggestion(error.message);
    return message === error.message
      ? error
      : new GraphQLError(message, {
          nodes: error.nodes,
          path: error.path,
          originalError: error.originalError,
          extensions: error.extensions,
        });
  }
  platform.logger.error({ err: error.originalError ?? error }, 'unexpected GraphQL error (subscription)');
  if (platform.config.nodeEnv !== 'production') return error;
  return new GraphQLError('Internal server error', {
    path: error.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}
