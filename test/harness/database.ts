import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadEmbeddedPostgres } from '../../server/db/embedded-postgres.js';
import { migrate, openOrm, type Schema } from '../../server/db/orm.js';
import { createLogger } from '../../server/logger.js';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A commit of a test database returns without waiting for its WAL to reach the disk: seconds
 * per file on a busy disk, and nothing a test can observe (commits are visible and ordered the
 * same; only a crash of PostgreSQL itself, which no test causes, could lose the last ones).
 */
const NO_COMMIT_FLUSH = (name: string): string => `alter database ${name} set synchronous_commit = off`;

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
let embeddedAdminUrl: Promise<string> | undefined;

/**
 * A fresh database per test file on the running PostgreSQL (TEST_DATABASE_URL, default
 * 127.0.0.1:5432 as postgres). Without a reachable server, one embedded PostgreSQL is started
 * for this test process.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = await adminDatabaseUrl();
  const name = testDatabaseName();
  await withClient(adminUrl, async (c) => {
    await c.query(`create database ${name}`);
    await c.query(NO_COMMIT_FLUSH(name));
  });
  return testDatabase(adminUrl, name);
}

/**
 * A fresh database with `schema`'s migrations applied: a copy of a template database migrated
 * once (by the first test process that needs it) instead of running every migration per test
 * file, which costs seconds each time. The template's name is a hash of the migrations (names and
 * code), so a new or edited migration gets a new template. The server's own migrate on start then
 * finds nothing pending. Tests of migrating itself use createTestDatabase (empty).
 */
export async function createMigratedTestDatabase(schema: Schema): Promise<TestDatabase> {
  const adminUrl = await adminDatabaseUrl();
  const template = await migratedTemplate(adminUrl, schema);
  const name = testDatabaseName();
  await copyDatabase(adminUrl, template, name);
  return testDatabase(adminUrl, name);
}

const templates = new Map<string, Promise<string>>();

function migratedTemplate(adminUrl: string, schema: Schema): Promise<string> {
  const hash = createHash('sha256');
  for (const m of schema.migrations) hash.update(`${m.name}\n${String(m.class)}\n`);
  const name = `dms_tpl_${hash.digest('hex').slice(0, 20)}`;
  const key = `${adminUrl} ${name}`;
  let template = templates.get(key);
  if (!template) {
    template = buildTemplate(adminUrl, name, schema);
    templates.set(key, template);
    // A failed build is retried by the next caller rather than cached.
    template.catch(() => templates.delete(key));
  }
  return template;
}

/**
 * Builds the template unless it exists. Test processes run in parallel: an advisory lock keyed
 * by the template's name makes one build while the others wait, and the build happens under a
 * scratch name renamed at the end, so a build that dies half-way never passes for a template.
 */
async function buildTemplate(adminUrl: string, name: string, schema: Schema): Promise<string> {
  await withClient(adminUrl, async (c) => {
    await c.query('select pg_advisory_lock(hashtext($1))', [name]);
    try {
      const found = await c.query('select 1 from pg_database where datname = $1', [name]);
      if (found.rowCount) return;
      const scratch = `${name}_wip`;
      await c.query(`drop database if exists ${scratch} with (force)`);
      await c.query(`create database ${scratch}`);
      const url = new URL(adminUrl);
      url.pathname = `/${scratch}`;
      const orm = await openOrm(url.toString(), createLogger('silent'), schema);
      try {
        await migrate(orm);
      } finally {
        await orm.close(true);
      }
      await c.query(`alter database ${scratch} rename to ${name}`);
    } finally {
      await c.query('select pg_advisory_unlock(hashtext($1))', [name]);
    }
  });
  return name;
}

/**
 * CREATE DATABASE … TEMPLATE fails while another session is connected to the template (an
 * autovacuum worker may be, briefly): retried for a while.
 */
async function copyDatabase(adminUrl: string, template: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withClient(adminUrl, async (c) => {
        await c.query(`create database ${name} template ${template}`);
        await c.query(NO_COMMIT_FLUSH(name));
      });
      return;
    } catch (e) {
      const busy = e instanceof Error && /is being accessed by other users/.test(e.message);
      if (!busy || attempt >= 20) throw e;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function testDatabaseName(): string {
  return `dms_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

function testDatabase(adminUrl: string, name: string): TestDatabase {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withClient(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(
        () => undefined,
      ),
  };
}

async function adminDatabaseUrl(): Promise<string> {
  const configured = process.env['TEST_DATABASE_URL'];
  if (configured) return configured;
  if (await reachable(DEFAULT_ADMIN_URL)) return DEFAULT_ADMIN_URL;
  embeddedAdminUrl ??= startEmbedded();
  return embeddedAdminUrl;
}

async function startEmbedded(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dms-test-pg-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  process.once('exit', () => {
    void server.stop();
  });
  process.once('beforeExit', () => {
    void server.stop().then(() => rm(dir, { recursive: true, force: true }));
  });
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

async function reachable(url: string): Promise<boolean> {
  try {
    await withClient(url, (c) => c.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
