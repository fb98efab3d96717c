import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { AuthenticationError } from '../auth/token-service.js';
import { createContext, type RequestContext } from '../context.js';
import type { Platform } from '../platform.js';
import { authenticateRequest, sendUnauthenticated, type RequestAuthentication } from './authentication.js';
import { sendError } from './error-response.js';
import { discardRefusedBody } from './refused-body.js';

/**
 * The one way a module's HTTP route runs its work: authenticates the caller (a bearer token, or
 * what `authentication` also accepts, such as a signed link), builds the request context as
 * GraphQL does, and answers a typed error with its registered HTTP status and the JSON body of
 * the error table; anything else goes to Express's error handler. Routes beside GraphQL thus
 * refuse, audit and report exactly like the GraphQL operations they mirror.
 */
export function runModuleRoute(
  platform: Platform,
  req: Request,
  res: Response,
  next: NextFunction,
  work: (ctx: RequestContext) => Promise<void>,
  authentication: Omit<RequestAuthentication, 'required'> = {},
): void {
  void (async () => {
    try {
      const caller = await authenticateRequest(platform, req, { ...authentication, required: true });
      const ctx = createContext(platform, caller.user, caller.grants, {
        requestId: req.requestId ?? randomUUID(),
        clientIp: req.ip ?? null,
        userAgent: req.header('user-agent') ?? null,
        baseUrl: `${req.protocol}://${req.get('host') ?? 'localhost'}`,
      });
      await work(ctx);
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof AuthenticationError) {
        sendUnauthenticated(req, res, e);
        return;
      }
      const code = e instanceof GraphQLError ? e.extensions['code'] : undefined;
      const status = typeof code === 'string' ? platform.errorCodes.httpStatusOf(code) : undefined;
      if (status === undefined || !(e instanceof GraphQLError) || typeof code !== 'string') {
        next(e);
        return;
      }
      sendError(req, res, status, code, e.message, e.extensions);
      // A refused upload whose body was not all read: the rest is discarded (bounded) so the
      // client, still sending, gets this answer rather than a reset connection.
      discardRefusedBody(req);
    }
  })();
}
