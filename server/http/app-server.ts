import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { createContext, type RequestContext } from '../context.js';
import { formatHttpError } from '../graphql/format-error.js';
import { createQueryLimits } from '../graphql/query-limits.js';
import type { Platform } from '../platform.js';
import { authentication } from './authentication.js';
import { attachGraphqlWs, type GraphqlWsHandle } from './graphql-ws.js';
import { healthRoutes } from './health.js';
import { requestIdAndLog } from './request-id.js';

export interface AppServer {
  url: string;
  port: number;
  httpServer: HttpServer;
  /** Stop accepting, finish in-flight requests, close sockets (bounded by shutdownTimeoutMs). */
  stop(): Promise<void>;
}

/** Extra HTTP routes contributed by modules (e.g. file upload/download), mounted before GraphQL. */
export type RouteInstaller = (app: express.Express, platform: Platform) => void;

export async function startAppServer(
  platform: Platform,
  schema: GraphQLSchema,
  routes: RouteInstaller[] = [],
): Promise<AppServer> {
  const { config, logger } = platform;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const httpServer = createServer(app);
  const limits = createQueryLimits(config.graphql);
  let draining = false;

  const ws: GraphqlWsHandle = attachGraphqlWs(httpServer, schema, platform, limits);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: config.graphql.introspection,
    validationRules: limits.validationRules,
    allowBatchedHttpRequests: false,
    // Our CLI owns SIGTERM/SIGINT and drains everything (jobs, sockets, database) in order;
    // Apollo's own handler would re-raise the signal and kill the process mid-drain.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: config.nodeEnv === 'development',
    hideSchemaDetailsFromClientErrors: true,
    formatError: (formatted: GraphQLFormattedError, error: unknown) =>
      formatHttpError(formatted, error, platform),
    plugins: [
      ...limits.plugins,
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownTimeoutMs }),
      config.graphql.landingPage
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  app.use(requestIdAndLog(logger));
  app.use(healthRoutes(platform, () => draining));
  for (const install of routes) install(app, platform);
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
          }),
        ),
    }),
  );
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status =
      typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number'
        ? err.status
        : 500;
    if (status >= 500) logger.error({ err, requestId: req.requestId }, 'unhandled error');
    if (!res.headersSent) {
      // 503 means "retry": say so; other 5xx details stay in the log.
      const message = status === 503 || status < 500 ? (err as Error).message : 'Internal error';
      if (status === 503) res.setHeader('Retry-After', '5');
      res.status(status).json({ error: message, requestId: req.requestId });
    }
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
    },
  };
}
