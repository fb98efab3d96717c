import 'reflect-metadata';
import { createBlobStore } from './blob/create-blob-store.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase, type EmbeddedRole } from './db/embedded-postgres.js';
import { migrate, openOrm } from './db/orm.js';
import { seedDemo } from './demo/seed-demo.js';
import { createAppPubSub } from './events/pubsub.js';
import { buildAppSchema } from './graphql/schema.js';
import { startAppServer, type AppServer, type RouteInstaller } from './http/app-server.js';
import { createLogger, type Logger } from './logger.js';
import type { Platform } from './platform.js';
import { coreRoutes } from '../schema/routes.js';
import { TokenService } from './auth/token-service.js';
import { JobQueue } from './jobs/job-queue.js';
import { coreJobs } from '../schema/jobs.js';

export interface Runtime {
  platform: Platform;
  /** The database actually used (the embedded one when DATABASE_URL is absent). */
  databaseUrl: string;
  /** Closes what bootstrap opened, in reverse order. */
  close(): Promise<void>;
}

export interface BootstrapOptions {
  logger?: Logger;
  clock?: Clock;
  /** Apply migrations (and seed when configured). CLI commands like `token` only read. */
  prepareDatabase?: boolean;
  /** For the embedded database: `owner` runs it (dms start); a `guest` uses the running one. */
  embeddedRole?: EmbeddedRole;
  /** Whether a missing embedded database may be created (default true). */
  mayInitialise?: boolean;
}

/** Opens the database (embedded or configured), storage, tokens and the event bus. */
export async function bootstrap(config: Config, options: BootstrapOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) {
      await c().catch((err: unknown) => logger.error({ err }, 'error while closing'));
    }
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (databaseUrl === undefined) {
      const embedded: EmbeddedDatabase = await startEmbeddedPostgres(
        config.dataDir,
        config.embeddedPgPort,
        logger,
        options.embeddedRole ?? 'guest',
        options.mayInitialise ?? true,
      );
      closers.push(() => embedded.stop());
      databaseUrl = embedded.url;
    }
    const orm = await openOrm(databaseUrl, logger);
    closers.push(() => orm.close(true));
    const blobs = createBlobStore(config.blob);
    const clock = options.clock ?? systemClock;
    if (options.prepareDatabase !== false) {
      if (config.migrateOnStart) {
        const applied = await migrate(orm);
        if (applied.length > 0) logger.info({ applied }, 'migrations applied');
      }
      if (config.seedDemo && (await seedDemo(orm.em.fork(), { documents: { blobs, clock } }))) {
        logger.info('demo data loaded');
      }
    }
    const tokens = await TokenService.create(config);
    const pubSub = createAppPubSub(config.redisUrl);
    closers.push(() => pubSub.close());
    const platform: Platform = {
      config,
      logger,
      orm,
      blobs,
      tokens,
      pubSub: pubSub.pubSub,
      clock,
    };
    return { platform, databaseUrl, close };
  } catch (e) {
    await close();
    throw e;
  }
}

export interface RunningApp extends Runtime {
  server: AppServer;
  jobs: JobQueue | null;
}

export async function startApp(
  config: Config,
  options: BootstrapOptions = {},
  routes: RouteInstaller[] = coreRoutes,
): Promise<RunningApp> {
  const runtime = await bootstrap(config, options);
  try {
    const schema = await buildAppSchema(runtime.platform.pubSub);
    const server = await startAppServer(runtime.platform, schema, routes);
    const jobs = config.jobsEnabled
      ? await JobQueue.start(runtime.platform, runtime.databaseUrl, coreJobs(config.orphanGraceMs)).catch(
          async (e: unknown) => {
            await server.stop();
            throw e;
          },
        )
      : null;
    return {
      ...runtime,
      server,
      jobs,
      close: async () => {
        await server.stop();
        await jobs?.stop();
        await runtime.close();
      },
    };
  } catch (e) {
    await runtime.close();
    throw e;
  }
}
