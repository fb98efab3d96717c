import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { sendError } from './error-response.js';

/** What a browser page may send: the bearer token, JSON, the upload's name, byte ranges. */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-file-name',
  'range',
  'x-request-id',
  'apollo-require-preflight',
  'x-apollo-operation-name',
];

/** What a browser page may read: file names, digests, where an upload went, request ids. */
const EXPOSED_HEADERS = [
  'Content-Disposition',
  'Content-Length',
  'Content-Range',
  'Accept-Ranges',
  'ETag',
  'Repr-Digest',
  'X-Content-SHA256',
  'Location',
  'X-Request-Id',
  'Retry-After',
  'WWW-Authenticate',
];

export type CorsOrigins = readonly string[] | '*';

function allowed(origins: CorsOrigins, origin: string): boolean {
  return origins === '*' || origins.includes(origin);
}

/**
 * Cross-origin access for browser apps served elsewhere (CORS_ORIGINS): GraphQL, the file routes
 * and the WebSocket. Tokens travel in the Authorization header, never in cookies, so no
 * credentials mode is offered; a page of another origin can read nothing without being listed.
 * Apollo's CSRF prevention stays on for GraphQL.
 */
export function cors(origins: CorsOrigins) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.header('origin');
    if (origin === undefined) {
      next();
      return;
    }
    res.vary('Origin');
    const preflight = req.method === 'OPTIONS' && req.header('access-control-request-method') !== undefined;
    if (!allowed(origins, origin)) {
      if (preflight) {
        sendError(req, res, 403, 'FORBIDDEN', `Origin ${origin} is not allowed: add it to CORS_ORIGINS`);
        return;
      }
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (!preflight) {
      res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS.join(', '));
      next();
      return;
    }
    const requested = (req.header('access-control-request-headers') ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== '');
    const refused = requested.filter((h) => !ALLOWED_HEADERS.includes(h));
    if (refused.length > 0) {
      sendError(req, res, 403, 'FORBIDDEN', `Headers not allowed from a browser: ${refused.join(', ')}`);
      return;
    }
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS.join(', '));
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}

/**
 * Whether a WebSocket handshake may proceed: clients that send no Origin (servers, CLIs), pages
 * of this very host, and the configured origins. Browsers do not apply CORS to WebSockets, so
 * this check is the only thing keeping pages of other sites off the socket.
 */
export function webSocketOriginAllowed(origins: CorsOrigins, req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed(origins, origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
