import type { ApolloServerPlugin, GraphQLResponse } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { auditOutsideWrites, writeAuditedReads } from '../audit/audit-log.js';
import { takeMaskedFieldErrors } from '../auth/acl.js';
import type { RequestContext } from '../context.js';
import { bearerChallenge } from '../http/authentication.js';
import { formatHttpError } from './format-error.js';

/**
 * Writes the request's audited viewings (one INSERT) before anything is sent, also for an
 * answer that ends in an error (what was viewed before it was still served). If the write
 * fails, the answer becomes that error and carries no data: nothing is shown unrecorded.
 */
async function recordViewings(ctx: RequestContext, response: GraphQLResponse): Promise<void> {
  try {
    await writeAuditedReads(ctx);
  } catch (e) {
    const error = new GraphQLError('The viewing could not be recorded in the audit trail', {
      originalError: e instanceof Error ? e : new Error(String(e)),
      // What Apollo gives an unexpected error before formatError (masked, or an outage's 503).
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    response.body = {
      kind: 'single',
      singleResult: { errors: [formatHttpError(error.toJSON(), error, ctx.platform)] },
    };
    response.http.status = 500;
  }
}

const REFUSED = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);

/**
 * A refused attempt is an operation the audit trail records (DOMAIN §7: "deletion attempt",
 * failed authorisation): one row per refused field, with the caller (if any) and the code, in
 * the platform-level chain (the AOO it aimed at is not known for every refusal). Written with
 * the request's viewings, before the answer.
 */
async function recordRefusals(
  ctx: RequestContext,
  response: GraphQLResponse,
  operationName: string | null,
): Promise<void> {
  if (response.body.kind !== 'single') return;
  for (const e of response.body.singleResult.errors ?? []) {
    const code = e.extensions?.['code'];
    if (typeof code !== 'string' || !REFUSED.has(code)) continue;
    await auditOutsideWrites(ctx, {
      aooId: null,
      operation: 'access.denied',
      targetType: 'GraphQL',
      targetId: (e.path ?? []).join('.').slice(0, 64) || null,
      changes: { code, operationName, message: e.message.slice(0, 500) },
    });
  }
}

/**
 * Final touches on every GraphQL-over-HTTP answer: the masked fields are reported, one
 * FIELD_MASKED error per place (see acl.ts); each error carries the request id (the key to
 * the server log), and an operation that could not serve anything because the caller has no
 * valid token answers 401 with WWW-Authenticate, exactly like a bad token does; one that could
 * not serve anything because the database is down answers 503 with Retry-After. First of all,
 * the request's audited viewings are written (recordViewings): in this hook, not a separate
 * plugin's, so that a failed write's error answer gets the same touches.
 */
export const responsePlugin: ApolloServerPlugin<RequestContext> = {
  requestDidStart({ contextValue }) {
    contextValue.auditedReads = [];
    return Promise.resolve({
      async willSendResponse({ response, contextValue, operationName }) {
        await recordRefusals(contextValue, response, operationName ?? null);
        await recordViewings(contextValue, response);
        if (response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        const masked = takeMaskedFieldErrors(contextValue);
        // With no data, nothing masked reached the client.
        if (masked.length > 0 && result.data !== null && result.data !== undefined) {
          result.errors = [...(result.errors ?? []), ...masked.map((e) => e.toJSON())];
        }
        const errors = result.errors;
        if (!errors?.length) return;
        result.errors = errors.map((e) => ({
          ...e,
          extensions: { ...e.extensions, requestId: contextValue.requestId },
        }));
        const nothingServed = result.data === null || result.data === undefined;
        if (nothingServed && errors.every((e) => e.extensions?.['code'] === 'UNAUTHENTICATED')) {
          response.http.status = 401;
          response.http.headers.set('www-authenticate', bearerChallenge(null));
        } else if (nothingServed && errors.some((e) => e.extensions?.['code'] === 'SERVICE_UNAVAILABLE')) {
          response.http.status = 503;
          response.http.headers.set('retry-after', '5');
        }
      },
    });
  },
};
