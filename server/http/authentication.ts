import type { NextFunction, Request, Response } from 'express';
import { AUTHENTICATION_REQUIRED } from '../auth/auth-checker.js';
import { activeCaller, ANONYMOUS, authenticate, bearerToken, type Caller } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import { AuthenticationError } from '../auth/token-service.js';
import { auditAuthentication } from '../audit/authentication-audit.js';
import type { Platform } from '../platform.js';
import { sendError } from './error-response.js';

declare module 'express-serve-static-core' {
  interface Request {
    caller: Caller;
  }
}

/** A signed link's verified claims: whose link it is and until when it serves. */
export interface SignedLinkClaims {
  userId: string;
  expiresAt: Date;
}

export interface RequestAuthentication {
  /**
   * A route that serves signed-in callers only: no credentials is a 401 (GraphQL is not one:
   * its public fields answer anonymous callers).
   */
  required?: boolean;
  /**
   * Verifies the signed link a request carries instead of a bearer token: undefined when it
   * carries none; null when it carries one that is wrong or expired. Routes that hand out
   * signed links (file downloads) supply it.
   */
  signedLink?: (req: Request) => Promise<SignedLinkClaims | null> | undefined;
}

/**
 * The caller of an HTTP request, from its signed link or its bearer token: the one
 * implementation every route uses (GraphQL, files). A bad, expired or unknown credential, or
 * none where one is required, is an AuthenticationError: answer it with sendUnauthenticated.
 */
export function authenticateRequest(
  platform: Platform,
  req: Request,
  options: RequestAuthentication & { required: true },
): Promise<Caller & { user: Principal }>;
export function authenticateRequest(
  platform: Platform,
  req: Request,
  options?: RequestAuthentication,
): Promise<Caller>;
export async function authenticateRequest(
  platform: Platform,
  req: Request,
  options: RequestAuthentication = {},
): Promise<Caller> {
  const link = options.signedLink?.(req);
  const caller =
    link === undefined
      ? await authenticate(platform, bearerToken(req.header('authorization')))
      : await signedLinkCaller(platform, await link);
  if (options.required && !caller.user) throw new AuthenticationError('missing', AUTHENTICATION_REQUIRED);
  return caller;
}

async function signedLinkCaller(platform: Platform, claims: SignedLinkClaims | null): Promise<Caller> {
  if (!claims) throw new AuthenticationError('expired', 'The signed link is invalid or has expired');
  const caller = await activeCaller(platform, { id: claims.userId }, claims.expiresAt);
  if (!caller) throw new AuthenticationError('unknown_user', 'The signed link belongs to no active user');
  return caller;
}

/**
 * Resolves the caller before GraphQL runs. No token: an anonymous caller (public fields answer;
 * the others say UNAUTHENTICATED). A bad, expired or unknown token: 401 before anything runs.
 */
export function authentication(platform: Platform) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      req.caller = await authenticateRequest(platform, req);
      next();
    } catch (e) {
      if (!(e instanceof AuthenticationError)) {
        next(e);
        return;
      }
      req.caller = ANONYMOUS;
      await auditAuthentication(
        platform,
        { requestId: req.requestId, clientIp: req.ip ?? null, userAgent: req.get('user-agent') ?? null },
        {
          operation: 'auth.refused',
          user: null,
          // The path as the client asked it (the mount point included), never its query string.
          target: req.originalUrl.split('?')[0] ?? req.path,
          facts: { reason: e.reason, message: e.message },
        },
      );
      sendUnauthenticated(req, res, e);
    }
  };
}

/**
 * The WWW-Authenticate challenge of a 401 (RFC 6750 §3): without credentials, no error code;
 * with bad ones, invalid_token and the reason in words (a quoted-string: no quotes, no
 * backslashes, printable ASCII).
 */
export function bearerChallenge(e: AuthenticationError | null): string {
  if (e === null || e.reason === 'missing') return 'Bearer realm="dms"';
  const description = e.message.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, ' ');
  return `Bearer realm="dms", error="invalid_token", error_description="${description}"`;
}

/**
 * The one 401 answer of every plain-HTTP route (GraphQL before it runs, files): same body,
 * same challenge. GraphQL's own "authentication required" answer has the same message, code,
 * reason and challenge (response-plugin.ts).
 */
export function sendUnauthenticated(req: Request, res: Response, e: AuthenticationError): void {
  res.setHeader('WWW-Authenticate', bearerChallenge(e));
  sendError(req, res, 401, 'UNAUTHENTICATED', e.message, { reason: e.reason });
}
