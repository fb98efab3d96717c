import type { NextFunction, Request, Response } from 'express';
import { ANONYMOUS, authenticate, bearerToken, type Caller } from '../auth/authenticate.js';
import { AuthenticationError } from '../auth/token-service.js';
import type { Platform } from '../platform.js';

declare module 'express-serve-static-core' {
  interface Request {
    caller: Caller;
  }
}

/**
 * Resolves the bearer token to a caller before GraphQL or file routes run. No token: an
 * anonymous caller (only public fields answer). A bad, expired or unknown token: 401.
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
      res
        .status(401)
        .setHeader('WWW-Authenticate', `Bearer error="invalid_token", error_description="${e.message}"`)
        .json({
          errors: [{ message: e.message, extensions: { code: 'UNAUTHENTICATED', reason: e.reason } }],
        });
    }
  };
}
