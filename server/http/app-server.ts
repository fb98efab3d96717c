import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { createContext, type RequestContext } from '../context.js';
import { formatHttpError } from '../graphql/format-error.js';
import { createQueryLimits } from '../graphql/query-limits.js';
import type { Platform } from '../platform.js';
import { authentication } from './authentication.js';
import { compileTrustProxy } from './client-address.js';
import { attachGraphqlWs, type GraphqlWsHandle } from './graphql-ws.js';
import { healthRoutes } from './health.js';
import { graphiqlRoutes } from './graphiql.js';
import { clientAppRoutes } from './client-apps.js';
import { requestIdAndLog } from './request-id.js';
import { cors } from './cors.js';
import { describeHttpError } from './describe-error.js';
import { sendError } from './error-response.js';
import { responsePlugin } from '../graphql/response-plugin.js';
import { textGuardPlugin } from '../graphql/text-guard.js';

export interface AppServer {
  url: string;
  port: number;
  httpServer: HttpServer;
  /** Stop accepting, finish in-flight requests, close sockets (bounded by shutdownTimeoutMs). */
  stop(): Promise<void>;
}

/** Serves the schema over HTTP and WebSocket, with the modules' plain-HTTP routes beside it. */
export async function startAppServer(platform: Platform, schema: GraphQLSchema): Promise<AppServer> {
  const { config, logger } = platform;
  const app = express();
  app.disable('x-powered-by');
  // One trust function for req.ip (HTTP) and the WebSocket's client address.
  const trustProxy = compileTrustProxy(config.trustProxy);
  app.set('trust proxy', trustProxy);
  const httpServer = createServer(app);
  const limits = createQueryLimits(config.graphql);
  let draining = false;

  const ws: GraphqlWsHandle = attachGraphqlWs(httpServer, schema, platform, limits, trustProxy);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: config.graphql.introspection,
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    allowBatchedHttpRequests: false,
    // Our CLI owns SIGTERM/SIGINT and drains everything (jobs, sockets, database) in order;
    // Apollo's own handler would re-raise the signal and kill the process mid-drain.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: config.graphql.debug,
    hideSchemaDetailsFromClientErrors: true,
    formatError: (formatted: GraphQLFormattedError, error: unknown) =>
      formatHttpError(formatted, error, platform),
    plugins: [
      ...limits.plugins,
      textGuardPlugin,
      responsePlugin,
      // No HTTP caching of GraphQL answers here; its per-field hook would cost on every field.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownTimeoutMs }),
      // The IDE is served by graphiqlRoutes, from this server's own files (no CDN).
      ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  app.use(requestIdAndLog(logger));
  app.use(cors(config.corsOrigins));
  const health = healthRoutes(
    platform,
    () => draining,
    platform.modules.migrations.map((m) => m.name),
  );
  app.use(health.router);
  graphiqlRoutes(app, platform);
  clientAppRoutes(app);
  for (const install of platform.modules.routes) install(app, platform);
  app.use(
    '/graphql',
    authentication(platform),
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: ({ req }) =>
        Promise.resolve(
          createContext(platform, req.caller.user, req.caller.grants, {
            requestId: req.requestId,
            clientIp: req.ip ?? null,
            userAgent: req.header('user-agent') ?? null,
            baseUrl: `${req.protocol}://${req.get('host') ?? 'localhost'}`,
          }),
        ),
    }),
  );
  app.use((req, res) => {
    sendError(req, res, 404, 'NOT_FOUND', `No route ${req.method} ${req.path}`);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, code, message } = describeHttpError(err);
    if (status >= 500 && status !== 503) logger.error({ err, requestId: req.requestId }, 'unhandled error');
    else if (status === 503) logger.warn({ err, requestId: req.requestId }, 'service unavailable');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(req, res, status, code, message);
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${port}/graphql`;

  return {
    url,
    port,
    httpServer,
    stop: async () => {
      draining = true;
      await ws.dispose();
      // The drain plugin closes the listener, waits for in-flight requests, then force-closes.
      await apollo.stop();
      await health.close();
    },
  };
}
