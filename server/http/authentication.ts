import type { NextFunction, Request, Response } from 'express';
import { ANONYMOUS, authenticate, bearerToken, type Caller } from '../auth/authenticate.js';
import { AuthenticationError } from '../auth/token-service.js';
import type { Platform } from '../platform.js';
import { sendError } from './error-response.js';

declare module 'express-serve-static-core' {
  interface Request {
    caller: Caller;
  }
}

/**
 * Resolves the bearer token to a caller before GraphQL runs. No token: an anonymous caller
 * (public fields answer; the others say UNAUTHENTICATED). A bad, expired or unknown token:
 * 401 before anything runs, in the GraphQL error shape, with WWW-Authenticate.
 */
export function authentication(platform: Platform) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      req.caller = await authenticate(platform, bearerToken(req.header('authorization')));
      next();
    } catch (e) {
      if (!(e instanceof AuthenticationError)) {
        next(e);
        return;
      }
      req.caller = ANONYMOUS;
      sendUnauthenticated(req, res, e);
    }
  };
}

/** The one 401 answer of every route (GraphQL, files): same body, same header. */
export function sendUnauthenticated(req: Request, res: Response, e: AuthenticationError): void {
  res.setHeader(
    'WWW-Authenticate',
    `Bearer realm="dms", error="invalid_token", error_description="${e.message}"`,
  );
  sendError(req, res, 401, 'UNAUTHENTICATED', e.message, { reason: e.reason });
}
