import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadEmbeddedPostgres } from '../../server/db/embedded-postgres.js';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
let embeddedAdminUrl: Promise<string> | undefined;

/**
 * A fresh database per test file on the running PostgreSQL (TEST_DATABASE_URL, default
 * 127.0.0.1:5432 as postgres). Without a reachable server, one embedded PostgreSQL is started
 * for this test process.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = await adminDatabaseUrl();
  const name = `dms_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`create database ${name}`));
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
