import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { portAnswers } from '../../plugins/pec/simulator/dovecot.js';
import { createTestDatabase, type TestDatabase } from '../harness/database.js';

const DMS = fileURLToPath(new URL('../../../bin/dms.js', import.meta.url));
const PRELOAD = fileURLToPath(new URL('../harness/signal-at-ready.js', import.meta.url));

/**
 * A long-running command signalled the instant it announces that it is ready (the preload sends
 * the signal from inside the write of the announcement) stops cleanly and exits 0: its handlers
 * were installed before the announcement. Regression: the PEC simulator installed them after
 * printing its JSON summary, and a SIGINT on a loaded CI machine killed it (dovecot left behind).
 */
async function runSignalledAtReady(
  args: string[],
  ready: string,
  signal: NodeJS.Signals,
  env: NodeJS.ProcessEnv = {},
): Promise<{ exit: number | string | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', PRELOAD, DMS, ...args], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      ...env,
      SIGNAL_AT_READY: ready,
      SIGNAL_AT_READY_SIGNAL: signal,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = await new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, sig) => resolve(code ?? sig)),
  );
  return { exit, stdout, stderr };
}

describe('a command signalled the moment it says it is ready stops cleanly', () => {
  it('dms pec-simulator --json, SIGINT at its summary: exits 0 (dovecot stopped with it)', async () => {
    const env: NodeJS.ProcessEnv = { DMS_PLUGINS: 'pec' };
    const run = await runSignalledAtReady(['pec-simulator', '--json'], '^\\{', 'SIGINT', env);
    assert.equal(run.exit, 0, run.stderr);
    const summary = JSON.parse(run.stdout.split('\n').find((l) => l.startsWith('{')) ?? 'null') as {
      imap: { host: string; port: number };
    };
    // Its dovecot went with it: nothing answers on the IMAP port any more.
    assert.equal(await portAnswers(summary.imap.host, summary.imap.port), false);
  });

  it('dms conservazione-simulator --json, SIGTERM at its summary: exits 0', async () => {
    const env: NodeJS.ProcessEnv = { DMS_PLUGINS: 'conservazione' };
    const run = await runSignalledAtReady(['conservazione-simulator', '--json'], '^\\{', 'SIGTERM', env);
    assert.equal(run.exit, 0, run.stderr);
    assert.match(run.stdout, /"url":"http:\/\/127\.0\.0\.1:\d+\/sacerws"/);
  });

  describe('dms start', () => {
    let db: TestDatabase;
    let dataDir: string;
    before(async () => {
      db = await createTestDatabase();
      dataDir = await mkdtemp(path.join(tmpdir(), 'dms-signal-ready-'));
    });
    after(async () => {
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('SIGTERM at "GraphQL ready": shuts down gracefully and exits 0', async () => {
      const run = await runSignalledAtReady(['start'], 'GraphQL ready at', 'SIGTERM', {
        NODE_ENV: 'development',
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: db.url,
        DATA_DIR: dataDir,
        JWT_SECRET: randomBytes(32).toString('hex'),
        SEED_DEMO: 'false',
        LOG_LEVEL: 'info',
      });
      assert.equal(run.exit, 0, run.stderr);
      // The graceful path ran: the server said it was stopping (pino writes its lines to stdout).
      assert.match(run.stdout, /"msg":"stopped"/);
    });
  });
});
