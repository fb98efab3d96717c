import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphQLError } from 'graphql';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import type { Platform } from '../platform.js';
import { formatHttpError, maskSocketError } from './format-error.js';

function platform(nodeEnv: 'production' | 'development'): Platform {
  const config = loadConfig(
    nodeEnv === 'production'
      ? {
          NODE_ENV: 'production',
          DATABASE_URL: 'postgres://db/dms',
          JWT_SECRET: 'k'.repeat(32),
          BLOB_DRIVER: 'fs',
        }
      : {},
  );
  return { config, logger: createLogger('silent') } as Platform;
}

const leaky = new GraphQLError('insert into "stored_file" (...) values (...) - invalid byte sequence', {
  path: ['createUpload'],
  originalError: new Error('pg: invalid byte sequence for encoding UTF8'),
});
const business = new GraphQLError('oggetto: must not be empty', {
  extensions: { code: 'BAD_USER_INPUT', field: 'oggetto' },
});

describe('error masking (HTTP and WebSocket alike)', () => {
  it('reduces unexpected errors to "Internal server error" in production', () => {
    const ws = maskSocketError(leaky, platform('production'));
    assert.equal(ws.message, 'Internal server error');
    assert.equal(ws.extensions['code'], 'INTERNAL_SERVER_ERROR');
    assert.deepEqual(ws.path, ['createUpload']);
    const http = formatHttpError(leaky.toJSON(), leaky, platform('production'));
    assert.equal(http.message, 'Internal server error');
    assert.doesNotMatch(JSON.stringify(http) + JSON.stringify(ws.toJSON()), /stored_file|byte sequence/);
  });

  it('keeps business errors and shows details outside production', () => {
    assert.equal(maskSocketError(business, platform('production')), business);
    assert.equal(
      formatHttpError(business.toJSON(), business, platform('production')).message,
      'oggetto: must not be empty',
    );
    assert.equal(maskSocketError(leaky, platform('development')).message, leaky.message);
  });

  it('strips field suggestions from validation errors', () => {
    const e = new GraphQLError('Cannot query field "usernam" on type "User". Did you mean "username"?', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    assert.equal(
      formatHttpError(e.toJSON(), e, platform('production')).message,
      'Cannot query field "usernam" on type "User".',
    );
  });
});
