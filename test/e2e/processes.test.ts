import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { processCommand } from '../../server/db/instance-file.js';
import { sleep } from '../harness/files-helpers.js';
import { DMS, exited, run, started, type Started } from '../harness/server-process.js';

/** A free TCP port on loopback (for the embedded PostgreSQL of one test). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The postmaster of a data folder, while it runs. */
function postmaster(dataDir: string): number | null {
  const file = path.join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return processCommand(pid)?.includes('postgres') ? pid : null;
}

async function gone(pid: number, within = 15_000): Promise<boolean> {
  for (let waited = 0; waited < within; waited += 100) {
    if (processCommand(pid) === null) return true;
    await sleep(100);
  }
  return false;
}

/**
 * The server as a process on the embedded database: `npm start` stops with its signal, a crash
 * leaves nothing that is silently reused, two servers never share a data folder, and `dms token`
 * reads the server's configuration or says what differs.
 */
describe('processes on the embedded database', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  /** A server the previous test left running for the next. */
  let running: Started | undefined;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'dms-proc-'));
    // As `.data` is: PostgreSQL runs as the postgres system user when the tests run as root.
    await chmod(dataDir, 0o755);
    env = {
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      PORT: '0',
      EMBEDDED_PG_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      JWT_SECRET: '',
      JOBS_ENABLED: 'false',
    };
  });
  after(async () => {
    if (running) {
      running.child.kill('SIGTERM');
      await exited(running.child);
    }
    const pid = postmaster(dataDir);
    if (pid !== null) process.kill(pid, 'SIGINT');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('npm start stops with SIGTERM sent to npm: server and embedded PostgreSQL exit', async () => {
    // `npm start` runs the whole build (tsc) before the server: minutes on a loaded 2-core machine.
    const app = await started('npm', ['start'], env, 240_000);
    const pg = postmaster(dataDir);
    assert.ok(pg, 'the embedded PostgreSQL runs');
    const server = JSON.parse(readFileSync(path.join(dataDir, 'server.json'), 'utf8')) as { pid: number };
    assert.equal((await fetch(app.url.replace('/graphql', '/readyz'))).status, 200);
    app.child.kill('SIGTERM');
    assert.equal(await exited(app.child), 0, app.output());
    assert.ok(await gone(server.pid), 'the server process exited');
    assert.ok(await gone(pg), 'the embedded PostgreSQL stopped');
    assert.equal(existsSync(path.join(dataDir, 'server.json')), false);
  });

  it('after a crash the left-behind PostgreSQL is stopped and started afresh, not reused', async () => {
    const crashed = await started(process.execPath, [DMS, 'start'], env);
    const orphan = postmaster(dataDir);
    assert.ok(orphan);
    crashed.child.kill('SIGKILL');
    await exited(crashed.child);
    assert.notEqual(processCommand(orphan), null, 'kill -9 leaves the PostgreSQL running');
    const next = await started(process.execPath, [DMS, 'start'], env);
    let handedOver = false;
    try {
      assert.match(next.output(), /stopping the embedded PostgreSQL left behind/);
      assert.ok(await gone(orphan), 'the orphan is gone');
      const fresh = postmaster(dataDir);
      assert.ok(fresh !== null && fresh !== orphan, 'a new PostgreSQL serves');
      assert.equal((await fetch(next.url.replace('/graphql', '/readyz'))).status, 200);
      // A second server on the same data folder is refused, naming the first.
      const second = await run(['start'], env);
      assert.equal(second.code, 1);
      assert.match(
        second.out,
        /Another server \(pid \d+, http:\/\/127\.0\.0\.1:\d+\/graphql\) is running on DATA_DIR/,
      );
      assert.doesNotMatch(second.out, /\n\s+at /, 'a message, not a stack trace');
      // The next test needs a running server: this one (a start costs seconds).
      running = next;
      handedOver = true;
    } finally {
      if (!handedOver) {
        next.child.kill('SIGTERM');
        await exited(next.child);
      }
    }
  });

  it("dms token uses the running server's database and key, or says exactly what differs", async () => {
    const app = running ?? (await started(process.execPath, [DMS, 'start'], env));
    running = undefined;
    try {
      // Independent runs (none changes anything): together.
      const [ok, otherKey, badTtl, elsewhere] = await Promise.all([
        run(['token', 'lettore', '--ttl', '10m'], env),
        run(['token', 'lettore'], { ...env, JWT_SECRET: randomBytes(32).toString('hex') }),
        run(['token', 'lettore', '--ttl', 'forever'], env),
        run(['token', 'lettore'], { ...env, DATA_DIR: path.join(dataDir, 'altrove') }),
      ]);
      assert.equal(ok.code, 0, ok.out);
      const token = ok.out.trim();
      const me = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { username } }' }),
      });
      assert.deepEqual(await me.json(), { data: { me: { username: 'lettore' } } });
      assert.equal(otherKey.code, 1);
      assert.match(
        otherKey.out,
        /verifies tokens with another key: run dms token with the server's JWT_SECRET/,
      );
      assert.equal(badTtl.code, 2);
      assert.match(badTtl.out, /^Invalid --ttl "forever"/);
      assert.doesNotMatch(badTtl.out, /\n\s+at /);
      assert.equal(elsewhere.code, 1);
      assert.match(elsewhere.out, /^No database in .*altrove\/pg: start the server first/);
      assert.doesNotMatch(elsewhere.out, /undefined/);
    } finally {
      app.child.kill('SIGTERM');
      await exited(app.child);
    }
  });
});
