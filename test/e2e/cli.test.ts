import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { jwtVerify } from 'jose';
import { createTestDatabase, withClient, type TestDatabase } from '../harness/database.js';

const DMS = fileURLToPath(new URL('../../../bin/dms.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The `dms` commands, run as a user runs them: a real process against a real database. */
describe('dms CLI', () => {
  let db: TestDatabase;
  let dataDir: string;
  const secret = randomBytes(32).toString('hex');

  const dms = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [DMS, ...args], {
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          DATA_DIR: dataDir,
          JWT_SECRET: secret,
          LOG_LEVEL: 'warn',
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });

  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'dms-cli-'));
  });
  after(async () => {
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('migrate applies every migration once', async () => {
    const first = await dms('migrate');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Applied: Migration20261123000001_organisation/);
    const second = await dms('migrate');
    assert.equal(second.code, 0);
    assert.match(second.stdout, /No pending migrations/);
  });

  it('seed-demo loads the demo municipality once', async () => {
    const first = await dms('seed-demo');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Demo data loaded/);
    assert.match((await dms('seed-demo')).stdout, /already present/);
    const users = await withClient(db.url, (c) =>
      c.query<{ n: string }>('select count(*) as n from app_user'),
    );
    assert.equal(Number(users.rows[0]?.n), 7);
  });

  it('token prints a token the server accepts for that user, with the requested lifetime', async () => {
    const r = await dms('token', 'protocollista', '--ttl', '30m');
    assert.equal(r.code, 0, r.stderr);
    const { payload } = await jwtVerify(r.stdout.trim(), new TextEncoder().encode(secret));
    assert.equal(payload.sub, 'protocollista');
    const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
    assert.equal(lifetime, 1800);
  });

  it('token refuses unknown users and bad lifetimes; unknown commands print the usage', async () => {
    const unknown = await dms('token', 'nessuno');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No active user "nessuno"/);
    const badTtl = await dms('token', 'protocollista', '--ttl', 'forever');
    assert.notEqual(badTtl.code, 0);
    assert.match(badTtl.stderr, /Invalid TTL/);
    const bogus = await dms('frobnicate');
    assert.equal(bogus.code, 2);
    assert.match(bogus.stderr, /Usage: dms <command>/);
  });
});
