import type { Request, Response } from 'express';

/**
 * One error shape for every answer that is not a GraphQL result: the GraphQL one, so a client
 * reads `errors[0].extensions.code` whatever route it called. The request id ties the answer to
 * the server log.
 */
export interface ErrorBody {
  errors: Array<{ message: string; extensions: Record<string, unknown> }>;
}

export function errorBody(
  code: string,
  message: string,
  requestId: string | undefined,
  extensions: Record<string, unknown> = {},
): ErrorBody {
  return { errors: [{ message, extensions: { ...extensions, code, requestId } }] };
}

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

/** The GraphQL-over-HTTP media type when the client asked for it on /graphql, else JSON. */
function mediaTypeFor(req: Request): string {
  const graphql = req.originalUrl.split('?')[0] === '/graphql';
  return graphql && (req.header('accept') ?? '').includes(GRAPHQL_RESPONSE)
    ? `${GRAPHQL_RESPONSE}; charset=utf-8`
    : 'application/json; charset=utf-8';
}

export function sendError(
  req: Request,
  res: Response,
  status: number,
  code: string,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  if (status === 503 && !res.hasHeader('Retry-After')) res.setHeader('Retry-After', '5');
  if (status === 401 && !res.hasHeader('WWW-Authenticate'))
    res.setHeader('WWW-Authenticate', 'Bearer realm="dms"');
  res
    .status(status)
    .setHeader('Content-Type', mediaTypeFor(req))
    .send(JSON.stringify(errorBody(code, message, req.requestId, extensions)));
}
