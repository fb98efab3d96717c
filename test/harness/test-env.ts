import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { composePlatformModules, seedDemo, startApp, type RunningApp } from '../../server/bootstrap.js';
import type { Clock } from '../../server/clock.js';
import { loadConfig, type Config } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import type { DmsModule } from '../../server/modules/module.js';
import type { Platform } from '../../server/platform.js';
import { coreModules } from '../../schema/modules.js';
import { createMigratedTestDatabase, createTestDatabase, type TestDatabase } from './database.js';
import { GraphqlClient } from './graphql-client.js';
import { startS3Server, type RunningS3Server } from './s3-server.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export interface TestEnvOptions {
  blobDriver?: 'fs' | 's3';
  seedDemo?: boolean;
  clock?: Clock;
  /** Extra environment variables for loadConfig (e.g. GRAPHQL_MAX_DEPTH). */
  env?: Record<string, string>;
  /** With seedDemo: also the demo documents and files, as `npm start` loads them. */
  demoDocuments?: boolean;
  /** Connect the server to PostgreSQL through a relay the test can cut (an outage). */
  databaseProxy?: boolean;
  /** Plugins of this checkout to load (DMS_PLUGINS), e.g. ['pec']. */
  plugins?: readonly string[];
  /** Modules composed after the core ones (a test's probe of what the platform hands a resolver). */
  modules?: readonly DmsModule[];
}

export interface TestEnv {
  config: Config;
  platform: Platform;
  app: RunningApp;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  graphqlUrl: string;
  wsUrl: string;
  /** The database, directly (the server may reach it through `databaseProxy`). */
  databaseUrl: string;
  databaseProxy: TcpProxy | undefined;
  /** The S3-protocol server of `blobDriver: 's3'` (fault tests stop it; stop() is idempotent). */
  s3: RunningS3Server | undefined;
  /**
   * One statement on the database, directly, through a small pool of the test's own sessions (a
   * new connection per statement costs tens of milliseconds on a loaded machine). Not for
   * statements that change the session (SET …): use a client of your own.
   */
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  anonymous: GraphqlClient;
  asUser(username: string): Promise<GraphqlClient>;
  tokenFor(username: string, ttlSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real stack for one test file: a fresh PostgreSQL database, migrations, demo data, the
 * server on a free port, and blob storage (a temp folder, or an S3-protocol server).
 */
export async function startTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const modules = [...coreModules, ...(options.modules ?? [])];
  const db = await createDatabaseFor(modules, options);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'dms-test-'));
  const s3 = options.blobDriver === 's3' ? onceStopped(await startS3Server()) : undefined;
  const dbUrl = new URL(db.url);
  const databaseProxy = options.databaseProxy
    ? await startTcpProxy({ host: dbUrl.hostname, port: Number(dbUrl.port || 5432) })
    : undefined;
  const serverDbUrl = new URL(db.url);
  if (databaseProxy) {
    serverDbUrl.hostname = '127.0.0.1';
    serverDbUrl.port = String(databaseProxy.port);
  }
  const env: Record<string, string> = {
    ...baseEnv(options),
    DATA_DIR: dataDir,
    DATABASE_URL: serverDbUrl.toString(),
    ...(s3
      ? {
          BLOB_DRIVER: 's3',
          S3_ENDPOINT: s3.endpoint,
          S3_ACCESS_KEY: s3.accessKey,
          S3_SECRET_KEY: s3.secretKey,
          S3_BUCKET: s3.bucket,
        }
      : { BLOB_DRIVER: 'fs' }),
    ...options.env,
  };
  const config = loadConfig(env);
  let app: RunningApp;
  try {
    app = await startApp(config, modules, {
      logger: createLogger(config.logLevel),
      clock: options.clock,
    });
  } catch (e) {
    await s3?.stop();
    await databaseProxy?.close();
    await db.drop();
    throw e;
  }
  const { platform } = app;
  if (options.seedDemo ?? true) {
    await seedDemo(platform, options.demoDocuments ? undefined : ['organisation']);
  }
  const baseUrl = `http://127.0.0.1:${app.server.port}`;
  const graphqlUrl = `${baseUrl}/graphql`;
  let pool: pg.Pool | undefined;
  const query = async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
    if (!pool) {
      pool = new pg.Pool({ connectionString: db.url, max: 4, connectionTimeoutMillis: 10_000 });
      // A session ended under it (a test terminating backends, the drop) must not crash the run.
      pool.on('error', () => undefined);
    }
    return (await pool.query(text, params)).rows as T[];
  };
  const tokenFor = async (username: string, ttlSeconds = 3600): Promise<string> => {
    const user = await platform.identity.findActive(platform.orm.em.fork(), { username });
    if (!user) throw new Error(`tokenFor: no active user ${username}`);
    return platform.tokens.issue(user.subject, ttlSeconds);
  };
  return {
    config,
    platform,
    app,
    baseUrl,
    graphqlUrl,
    wsUrl: `ws://127.0.0.1:${app.server.port}/graphql`,
    databaseUrl: db.url,
    databaseProxy,
    s3,
    query,
    anonymous: new GraphqlClient(graphqlUrl, undefined),
    asUser: async (username) => new GraphqlClient(graphqlUrl, await tokenFor(username)),
    tokenFor,
    close: async () => {
      databaseProxy?.restore();
      await app.close();
      await s3?.stop();
      await databaseProxy?.close();
      await pool?.end();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The server's variables that do not depend on what startTestEnv opens for it. */
function baseEnv(options: TestEnvOptions): Record<string, string> {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    // The harness seeds the demo organisation itself (below): no demo documents in the way of counts.
    SEED_DEMO: 'false',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    SHUTDOWN_TIMEOUT_MS: '2000',
    JOBS_ENABLED: 'false',
    // The PEC plugin's IMAP loop only where a test asks for it (env: { PEC_INGEST: 'true' }).
    PEC_INGEST: 'false',
    ...(options.plugins && options.plugins.length > 0 ? { DMS_PLUGINS: options.plugins.join(',') } : {}),
    ...options.env,
  };
}

/**
 * The database of one test: a copy of the migrated template of exactly the modules the server
 * will compose (the core ones, the test's, the plugins its variables name), so the server's
 * migrate on start finds nothing to do; an empty one where the test turns that migrate off.
 */
async function createDatabaseFor(
  modules: readonly DmsModule[],
  options: TestEnvOptions,
): Promise<TestDatabase> {
  // Only what selects the modules (DMS_PLUGINS, DMS_PLUGINS_DIR) matters here; the rest is
  // whatever makes the variables valid before the database and storage exist.
  const planned = loadConfig({
    DATABASE_URL: 'postgres://127.0.0.1/planned',
    BLOB_DRIVER: 'fs',
    ...baseEnv(options),
  });
  if (!planned.migrateOnStart) return createTestDatabase();
  return createMigratedTestDatabase(await composePlatformModules(planned, modules));
}

function onceStopped(server: RunningS3Server): RunningS3Server {
  let stopping: Promise<void> | undefined;
  return { ...server, stop: () => (stopping ??= server.stop()) };
}
