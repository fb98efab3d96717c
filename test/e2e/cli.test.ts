import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { jwtVerify } from 'jose';
import { coreModules } from '../../schema/modules.js';
import { DEMO_USERS } from '../../schema/organisation/index.js';
import { composeModules } from '../../server/modules/compose.js';
import {
  createMigratedTestDatabase,
  createTestDatabase,
  withClient,
  type TestDatabase,
} from '../harness/database.js';

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

  const dms = (...args: string[]): Promise<Run> => dmsOn(db.url, ...args);
  const dmsOn = (databaseUrl: string, ...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [DMS, ...args], {
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
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
    assert.equal(Number(users.rows[0]?.n), DEMO_USERS.length, 'each demo user once');
  });

  it('token prints a token the server accepts for that user, with the requested lifetime', async () => {
    const r = await dms('token', 'protocollista', '--ttl', '30m');
    assert.equal(r.code, 0, r.stderr);
    const { payload } = await jwtVerify(r.stdout.trim(), new TextEncoder().encode(secret));
    assert.equal(payload.sub, 'protocollista');
    const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
    assert.equal(lifetime, 1800);
  });

  it('create-admin makes the first platform administrator of a fresh database, audited, who can then work', async () => {
    // Fresh and migrated, as `dms migrate` leaves it (its own test above runs it on an empty one).
    const fresh = await createMigratedTestDatabase(composeModules(coreModules));
    try {
      const run = (...args: string[]) => dmsOn(fresh.url, ...args);
      const made = await run(
        'create-admin',
        'capo',
        '--given-name',
        'Anna',
        '--family-name',
        'Bianchi',
        '--email',
        'anna@ente.it',
      );
      assert.equal(made.code, 0, made.stderr);
      assert.match(made.stdout, /Created platform administrator capo/);
      const rows = await withClient(
        fresh.url,
        async (c) =>
          (
            await c.query<{
              platform_admin: boolean;
              subject: string;
              operation: string;
              actor_id: string | null;
            }>(
              `select u.platform_admin, u.subject, a.operation, a.actor_id from app_user u
               join audit_event a on a.target_id = u.id::text where u.username = 'capo'`,
            )
          ).rows,
      );
      assert.deepEqual(rows, [
        { platform_admin: true, subject: 'capo', operation: 'user.createPlatformAdmin', actor_id: null },
      ]);
      // Independent of one another (each refused call changes nothing): run together.
      const [again, usage, bad, issued] = await Promise.all([
        run('create-admin', 'capo', '--given-name', 'A', '--family-name', 'B'),
        run('create-admin', 'altro'),
        run('create-admin', 'Non Valido!', '--given-name', 'A', '--family-name', 'B'),
        run('token', 'capo'),
      ]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /exists already/);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /Usage: dms create-admin/);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^username: must be/);
      // The administrator's token works: the platform is ready to be set up through the API.
      const { payload } = await jwtVerify(issued.stdout.trim(), new TextEncoder().encode(secret));
      assert.equal(payload.sub, 'capo');
    } finally {
      await fresh.drop();
    }
  });

  it('token refuses unknown users and bad lifetimes; unknown commands print the usage', async () => {
    const [unknown, badTtl, bogus] = await Promise.all([
      dms('token', 'nessuno'),
      dms('token', 'protocollista', '--ttl', 'forever'),
      dms('frobnicate'),
    ]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No active user "nessuno"/);
    assert.equal(badTtl.code, 2);
    assert.match(badTtl.stderr, /^Invalid --ttl "forever"/);
    assert.doesNotMatch(badTtl.stderr, /\n\s+at /, 'a message, not a stack trace');
    assert.equal(bogus.code, 2);
    assert.match(bogus.stderr, /Usage: dms <command>/);
  });
});
