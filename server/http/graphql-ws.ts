import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  OperationTypeNode,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { takeMaskedFieldErrors } from '../auth/acl.js';
import { authenticate, bearerToken, type Caller } from '../auth/authenticate.js';
import { AuthenticationError } from '../auth/token-service.js';
import { auditAuthentication, type SessionOrigin } from '../audit/authentication-audit.js';
import { createContext } from '../context.js';
import { maskSocketError } from '../graphql/format-error.js';
import { stripSuggestion, type QueryLimits } from '../graphql/query-limits.js';
import { unstorableText } from '../graphql/text-guard.js';
import type { Platform } from '../platform.js';
import { clientAddress, type TrustProxy } from './client-address.js';
import { webSocketOriginAllowed } from './cors.js';

/** Bounds on what one client can hold open (each subscription costs work at every event). */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 20;
export const MAX_SOCKETS_PER_USER = 10;
/** Close code for "too many connections" (4400-4499: application-defined). */
export const CLOSE_TOO_MANY_CONNECTIONS = 4429;

type SocketExtra = {
  socket: WebSocket;
  request: IncomingMessage;
  caller?: Caller;
  expiryTimer?: NodeJS.Timeout;
};

export interface GraphqlWsHandle {
  dispose(): Promise<void>;
}

/**
 * graphql-ws on the same port and path as HTTP. It bypasses Apollo, so authentication
 * (connection_init), the query limits, the operation-type check, error masking and the
 * per-client bounds are applied here; the client address follows TRUST_PROXY as req.ip does.
 */
export function attachGraphqlWs(
  httpServer: HttpServer,
  schema: GraphQLSchema,
  platform: Platform,
  limits: QueryLimits,
  trustProxy: TrustProxy,
): GraphqlWsHandle {
  const wss = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: 256 * 1024,
    // Browsers do not apply CORS to WebSockets: pages of other origins are refused here (403).
    verifyClient: ({ req }: { req: IncomingMessage }) =>
      webSocketOriginAllowed(platform.config.corsOrigins, req),
  });
  const socketsPerUser = new Map<string, number>();
  // Who opens a WebSocket, for the audit trail (the client address as req.ip has it).
  const sessionOrigin = (request: IncomingMessage): SessionOrigin => ({
    requestId: randomUUID(),
    clientIp: clientAddress(request, trustProxy),
    userAgent: request.headers['user-agent'] ?? null,
  });
  const cleanup = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const raw = params['authorization'] ?? params['Authorization'];
        let caller: Caller;
        try {
          caller = await authenticate(platform, bearerToken(typeof raw === 'string' ? raw : undefined));
        } catch (e) {
          if (!(e instanceof AuthenticationError)) throw e;
          await auditAuthentication(platform, sessionOrigin(ctx.extra.request), {
            operation: 'auth.refused',
            user: null,
            target: 'graphql-ws',
            facts: { reason: e.reason, message: e.message },
          });
          ctx.extra.socket.close(
            e.reason === 'expired' ? CloseCode.Unauthorized : CloseCode.Forbidden,
            e.message,
          );
          return false;
        }
        const user = caller.user;
        if (!user) {
          ctx.extra.socket.close(
            CloseCode.Unauthorized,
            'Authentication required: connectionParams.authorization',
          );
          return false;
        }
        const open = socketsPerUser.get(user.id) ?? 0;
        if (open >= MAX_SOCKETS_PER_USER) {
          ctx.extra.socket.close(
            CLOSE_TOO_MANY_CONNECTIONS,
            `At most ${MAX_SOCKETS_PER_USER} connections per user`,
          );
          return false;
        }
        socketsPerUser.set(user.id, open + 1);
        ctx.extra.caller = caller;
        await auditAuthentication(platform, sessionOrigin(ctx.extra.request), {
          operation: 'auth.session-open',
          user,
          target: 'graphql-ws',
          facts: { expiresAt: caller.expiresAt?.toISOString() ?? null },
        });
        if (caller.expiresAt) {
          // setTimeout caps at ~24.8 days: a longer-lived token's socket closes then, and the client reconnects.
          const ms = Math.max(caller.expiresAt.getTime() - Date.now(), 0);
          ctx.extra.expiryTimer = setTimeout(
            () => ctx.extra.socket.close(CloseCode.Unauthorized, 'Token expired'),
            Math.min(ms, 2 ** 31 - 1),
          );
        }
        return true;
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.expiryTimer);
        const userId = ctx.extra.caller?.user?.id;
        if (userId === undefined) return;
        const left = (socketsPerUser.get(userId) ?? 1) - 1;
        if (left > 0) socketsPerUser.set(userId, left);
        else socketsPerUser.delete(userId);
      },
      onSubscribe: (ctx, _id, payload) => {
        // graphql-ws has already entered this subscription in ctx.subscriptions: count it.
        if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_SOCKET) {
          return [
            new GraphQLError(`At most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions per connection`, {
              extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
            }),
          ];
        }
        const checked = limits.parseAndValidate(schema, payload.query);
        if (!('kind' in checked)) return checked;
        const operation = getOperationAST(checked, payload.operationName);
        if (!operation) return [new GraphQLError('Unable to identify the operation')];
        if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
          return [
            new GraphQLError(
              'Only subscriptions are served over WebSocket; send queries and mutations over HTTP',
            ),
          ];
        }
        // Bad variables get the typed error HTTP gives (graphql-ws would report them untyped,
        // and production masking would then hide them as internal errors).
        const coerced = getVariableValues(
          schema,
          operation.variableDefinitions ?? [],
          payload.variables ?? {},
        );
        if (coerced.errors) {
          return coerced.errors.map(
            (e) =>
              new GraphQLError(stripSuggestion(e.message), {
                nodes: e.nodes,
                extensions: { code: 'BAD_USER_INPUT' },
              }),
          );
        }
        const tooCostly = limits.checkCost(schema, checked, payload.operationName, coerced.coerced);
        if (tooCostly) return [tooCostly];
        const unstorable = unstorableText(schema, checked, payload.operationName, coerced.coerced);
        if (unstorable) return [unstorable];
        const caller = ctx.extra.caller;
        if (!caller?.user)
          return [new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } })];
        const contextValue = createContext(platform, caller.user, caller.grants, {
          requestId: randomUUID(),
          clientIp: clientAddress(ctx.extra.request, trustProxy),
          userAgent: ctx.extra.request.headers['user-agent'] ?? null,
          baseUrl: `http://${ctx.extra.request.headers.host ?? 'localhost'}`,
        });
        contextValue.connection = {
          close: (code, reason) => ctx.extra.socket.close(code, reason),
        };
        return {
          schema,
          document: checked,
          operationName: payload.operationName,
          variableValues: payload.variables ?? undefined,
          contextValue,
        };
      },
      // Apollo's formatError does not see WebSocket results: mask unexpected errors here, and
      // report this event's masked fields (one FIELD_MASKED error per place, as over HTTP).
      onNext: (_ctx, _id, _payload, args, result) => {
        const masked = takeMaskedFieldErrors(args.contextValue);
        const shown = result.data !== null && result.data !== undefined;
        const errors = [...(result.errors ?? []), ...(shown ? masked : [])];
        if (errors.length === 0) return undefined;
        return { ...result, errors: errors.map((e) => maskSocketError(e, platform)) };
      },
    },
    wss,
  );
  return {
    dispose: async () => {
      await cleanup.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
