import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { getOperationAST, GraphQLError, OperationTypeNode, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticate, bearerToken, type Caller } from '../auth/authenticate.js';
import { AuthenticationError } from '../auth/token-service.js';
import { createContext } from '../context.js';
import type { QueryLimits } from '../graphql/query-limits.js';
import type { Platform } from '../platform.js';

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
 * (connection_init), the query limits and the operation-type check are applied here.
 */
export function attachGraphqlWs(
  httpServer: HttpServer,
  schema: GraphQLSchema,
  platform: Platform,
  limits: QueryLimits,
): GraphqlWsHandle {
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 256 * 1024 });
  const cleanup = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const raw = params['authorization'] ?? params['Authorization'];
        try {
          const caller = await authenticate(platform, bearerToken(typeof raw === 'string' ? raw : undefined));
          if (!caller.user) {
            ctx.extra.socket.close(
              CloseCode.Unauthorized,
              'Authentication required: connectionParams.authorization',
            );
            return false;
          }
          ctx.extra.caller = caller;
          if (caller.expiresAt) {
            const ms = Math.max(caller.expiresAt.getTime() - Date.now(), 0);
            // setTimeout overflows beyond ~24.8 days; such tokens are re-checked daily.
            ctx.extra.expiryTimer = setTimeout(
              () => ctx.extra.socket.close(CloseCode.Unauthorized, 'Token expired'),
              Math.min(ms, 2 ** 31 - 1),
            );
          }
          return true;
        } catch (e) {
          if (!(e instanceof AuthenticationError)) throw e;
          ctx.extra.socket.close(
            e.reason === 'expired' ? CloseCode.Unauthorized : CloseCode.Forbidden,
            e.message,
          );
          return false;
        }
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.expiryTimer);
      },
      onSubscribe: (ctx, _id, payload) => {
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
        const caller = ctx.extra.caller;
        if (!caller?.user)
          return [new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } })];
        const contextValue = createContext(platform, caller.user, caller.grants, {
          requestId: randomUUID(),
          clientIp: ctx.extra.request.socket.remoteAddress ?? null,
          userAgent: ctx.extra.request.headers['user-agent'] ?? null,
        });
        return {
          schema,
          document: checked,
          operationName: payload.operationName,
          variableValues: payload.variables ?? undefined,
          contextValue,
        };
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
