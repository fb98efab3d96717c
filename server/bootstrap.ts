import 'reflect-metadata';
import { createBlobStore } from './blob/create-blob-store.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { systemContext } from './context.js';
import { startEmbeddedPostgres, type EmbeddedDatabase, type EmbeddedRole } from './db/embedded-postgres.js';
import { migrate, openOrm } from './db/orm.js';
import { withTransaction } from './db/unit-of-work.js';
import { sealErrorCodes } from './errors/error-codes.js';
import { EventBus } from './events/event-bus.js';
import { createAppPubSub } from './events/pubsub.js';
import { buildAppSchema } from './graphql/schema.js';
import { startAppServer, type AppServer } from './http/app-server.js';
import { JobQueue } from './jobs/job-queue.js';
import { AuditSealer } from './audit/audit-sealer.js';
import { createLogger, type Logger } from './logger.js';
import type { Mailer } from './mail/mailer.js';
import { SmtpMailer } from './mail/smtp-mailer.js';
import { composeModules, type ComposedModules } from './modules/compose.js';
import type { DmsModule } from './modules/module.js';
import { loadPlugins } from './modules/plugins.js';
import type { Platform } from './platform.js';
import { TokenService } from './auth/token-service.js';

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
  /** Run job handlers and schedules in this process (the server, with JOBS_ENABLED). */
  jobWorkers?: boolean;
}

/** The core modules, then the plugins DMS_PLUGINS names, composed and checked. */
export async function composePlatformModules(
  config: Pick<Config, 'plugins' | 'pluginsDir'>,
  coreModules: readonly DmsModule[],
  reservedCommands: readonly string[] = [],
): Promise<ComposedModules> {
  const plugins = await loadPlugins(config.plugins, config.pluginsDir);
  return composeModules([...coreModules, ...plugins], reservedCommands);
}

/**
 * Composes the modules and opens what they work with: the database (embedded or configured,
 * migrated), storage, tokens, the event bus, the job queue and the mailer; then runs the modules'
 * bootstrap hooks.
 */
export async function bootstrap(
  config: Config,
  coreModules: readonly DmsModule[],
  options: BootstrapOptions = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) {
      await c().catch((err: unknown) => logger.error({ err }, 'error while closing'));
    }
  };
  try {
    const modules = await composePlatformModules(config, coreModules);
    sealErrorCodes(modules.errorCodes);
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
    const orm = await openOrm(databaseUrl, logger, modules);
    closers.push(() => orm.close(true));
    const prepare = options.prepareDatabase !== false;
    if (prepare && config.migrateOnStart) {
      const applied = await migrate(orm);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }
    const pubSub = createAppPubSub(config.redisUrl);
    closers.push(() => pubSub.close());
    const events = new EventBus(
      pubSub.pubSub,
      pubSub.listen,
      config.eventChannelPrefix,
      modules.eventHandlers,
      logger,
    );
    closers.push(() => events.drain());
    const jobs = new JobQueue(databaseUrl, modules.jobs);
    // No I/O until the first message: an SMTP server that is down delays notices, not the start.
    let mailer: Mailer | null = null;
    if (config.mail) {
      const { host, port, secure } = config.mail;
      const smtp = new SmtpMailer(config.mail, logger);
      closers.push(() => smtp.close());
      mailer = smtp;
      logger.info({ host, port, tls: secure ? 'implicit' : 'starttls' }, 'e-mail through SMTP');
    }
    const auditSealer = new AuditSealer(databaseUrl, logger);
    // Runs before the database closes: the rows of the last requests are sealed first.
    closers.push(async () => {
      await auditSealer.stop();
      if (prepare) await auditSealer.flush().catch(() => undefined);
      await auditSealer.close();
    });
    const platform: Platform = {
      config,
      logger,
      orm,
      blobs: createBlobStore(config.blob),
      tokens: await TokenService.create(config),
      clock: options.clock ?? systemClock,
      identity: modules.identity,
      permissions: modules.permissions,
      errorCodes: modules.errorCodes,
      events,
      jobs,
      mailer,
      auditSealer,
      modules,
    };
    events.attach(platform);
    if (prepare) auditSealer.start();
    if (prepare) {
      await jobs.open(platform, options.jobWorkers ?? false);
      closers.push(() => jobs.stop());
    }
    for (const m of modules.modules) await m.onBootstrap?.(platform);
    closers.push(async () => {
      for (const m of [...modules.modules].reverse()) await m.onShutdown?.();
    });
    if (prepare && config.seedDemo && (await seedDemo(platform))) logger.info('demo data loaded');
    return { platform, databaseUrl, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Loads the demo data of the modules (all, or those named), in module order, in one
 * transaction. Each module loads what is missing; returns whether any loaded something.
 */
export async function seedDemo(platform: Platform, only?: readonly string[]): Promise<boolean> {
  const ctx = await systemContext(platform, { actorId: null, requestId: 'seed-demo', agent: 'seed-demo' });
  return withTransaction(ctx, async (tx) => {
    let loaded = false;
    for (const m of platform.modules.modules) {
      if (only && !only.includes(m.name)) continue;
      if (m.seedDemo && (await m.seedDemo(tx))) loaded = true;
      await tx.em.flush(); // the next module finds what this one created
      // ...by reading it: each module starts with an empty identity map, so a flush computes
      // the changes of what this module manages, not of every entity loaded before it (the
      // titolario's hundreds of nodes made each registration's flushes several times slower).
      tx.em.clear();
    }
    return loaded;
  });
}

export interface RunningApp extends Runtime {
  server: AppServer;
}

/** bootstrap, then the GraphQL schema and the HTTP/WebSocket server (and the job workers). */
export async function startApp(
  config: Config,
  coreModules: readonly DmsModule[],
  options: BootstrapOptions = {},
): Promise<RunningApp> {
  const runtime = await bootstrap(config, coreModules, { jobWorkers: config.jobsEnabled, ...options });
  try {
    const { platform } = runtime;
    const schema = await buildAppSchema(platform.modules, platform.events.pubSub);
    const server = await startAppServer(platform, schema);
    return {
      ...runtime,
      server,
      close: async () => {
        await server.stop();
        await runtime.close();
      },
    };
  } catch (e) {
    await runtime.close();
    throw e;
  }
}
