import type { ApolloServerPlugin } from '@apollo/server';
import { takeMaskedFieldErrors } from '../auth/acl.js';
import type { RequestContext } from '../context.js';
import { bearerChallenge } from '../http/authentication.js';

/**
 * Final touches on every GraphQL-over-HTTP answer: the masked fields are reported, one
 * FIELD_MASKED error per place (see acl.ts); each error carries the request id (the key to
 * the server log), and an operation that could not serve anything because the caller has no
 * valid token answers 401 with WWW-Authenticate, exactly like a bad token does; one that could
 * not serve anything because the database is down answers 503 with Retry-After.
 */
export const responsePlugin: ApolloServerPlugin<RequestContext> = {
  requestDidStart() {
    return Promise.resolve({
      willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single') return Promise.resolve();
        const result = response.body.singleResult;
        const masked = takeMaskedFieldErrors(contextValue);
        // With no data, nothing masked reached the client.
        if (masked.length > 0 && result.data !== null && result.data !== undefined) {
          result.errors = [...(result.errors ?? []), ...masked.map((e) => e.toJSON())];
        }
        const errors = result.errors;
        if (!errors?.length) return Promise.resolve();
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
        return Promise.resolve();
      },
    });
  },
};
