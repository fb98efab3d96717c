import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../harness/database.js';
import { runSignalledAtReady } from '../harness/signalled-at-ready.js';

const DMS = fileURLToPath(new URL('../../../bin/dms.js', import.meta.url));

/** The real CLI process: SIGTERM stops accepting, finishes in-flight requests, exits 0. */
describe('graceful shutdown', () => {
  let db: TestDatabase;
  let dataDir: string;
  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'dms-shutdown-'));
  });
  after(async () => {
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** `dms start` as `npm start` runs it (development: libraries behave differently under NODE_ENV=test). */
  const serverEnv = (): NodeJS.ProcessEnv => ({
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    SEED_DEMO: 'false',
    SHUTDOWN_TIMEOUT_MS: '5000',
    JOBS_ENABLED: 'true',
  });

  it('completes a request that is in flight when SIGTERM arrives, then exits 0', async () => {
    const child = spawn(process.execPath, [DMS, 'start'], {
      env: { ...process.env, ...serverEnv(), LOG_LEVEL: 'warn' },
    });
    const port = await readyPort(child);
    const body = JSON.stringify({ query: '{ serverInfo { version } }' });
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let response = '';
    socket.on('data', (d: Buffer) => (response += d.toString()));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    // Headers and half of the body: the request is now in flight.
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
        body.slice(0, 10),
    );
    await new Promise((r) => setTimeout(r, 200));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    // New connections are refused while the in-flight one is still being served.
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
    socket.write(body.slice(10));
    await ended;
    assert.match(response, /^HTTP\/1\.1 200/);
    assert.match(response, /"serverInfo":\{"version":"0\.1\.0"\}/);
    assert.equal(await exited, 0);
  });

  // Regression: the handlers were installed after "GraphQL ready" was printed; a supervisor that
  // signalled on the announcement killed the server outright (no graceful close).
  it('a SIGTERM sent the instant "GraphQL ready" is printed still shuts down gracefully, exit 0', async () => {
    const run = await runSignalledAtReady(['start'], 'GraphQL ready at', 'SIGTERM', {
      ...serverEnv(),
      LOG_LEVEL: 'info',
    });
    assert.equal(run.exit, 0, run.stderr);
    // The graceful path ran to its end (pino writes its lines to stdout).
    assert.match(run.stdout, /"msg":"stopped"/);
  });
});

function readyPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /GraphQL ready at http:\/\/[^:]+:(\d+)\/graphql/.exec(out);
      if (m?.[1]) resolve(Number(m[1]));
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before ready: ${err}`)));
    setTimeout(() => reject(new Error(`server not ready in time: ${out} ${err}`)), 30000);
  });
}
