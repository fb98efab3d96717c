import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { portAnswers } from '../../plugins/pec/simulator/dovecot.js';
import { readHeaders } from '../../plugins/pec/simulator/mime.js';
import { waitForMailbox } from '../harness/dovecot.js';
import { runSignalledAtReady } from '../harness/signalled-at-ready.js';

const DMS = fileURLToPath(new URL('../../../bin/dms.js', import.meta.url));

interface Summary {
  smtp: { host: string; port: number };
  imap: { host: string; port: number };
  caCertificate: string;
  domains: string[];
  mailboxes: { address: string; password: string }[];
}

/** `dms pec-simulator` as an operator runs it: a child process, offline (no database settings at all). */
function startSimulator(args: string[]): {
  child: ChildProcessWithoutNullStreams;
  summary: Promise<Summary>;
  stderr: () => string;
} {
  const env: NodeJS.ProcessEnv = { ...process.env, DMS_PLUGINS: 'pec', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [DMS, 'pec-simulator', ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const summary = new Promise<Summary>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as Summary);
    });
    child.once('exit', (code) => reject(new Error(`pec-simulator exited with ${code}: ${stderr}`)));
  });
  return { child, summary, stderr: () => stderr };
}

/** The exit code, or the signal that ended the process (so a failure says which). */
async function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode;
  return await new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

describe('dms pec-simulator', () => {
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'pec-sim-cmd-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('runs with a config file, answers on the ports it prints, signs with the CA it prints, stops on SIGTERM', async () => {
    const config = join(work, 'simulator.json');
    const caDir = join(work, 'ca');
    const mailboxes = [
      { address: 'protocollo@pec.comune-x.example.it', password: randomBytes(6).toString('hex') },
      { address: 'protocollo@pec.asl-y.example.it', password: randomBytes(6).toString('hex') },
    ];
    writeFileSync(config, JSON.stringify({ mailboxes }));
    const run = startSimulator(['--config', config, '--ca-dir', caDir, '--json']);
    try {
      const s = await run.summary;
      assert.deepEqual(s.mailboxes, mailboxes);
      assert.deepEqual(s.domains, ['pec.comune-x.example.it', 'pec.asl-y.example.it']);
      assert.equal(s.caCertificate, join(caDir, 'ca.pem'));
      assert.ok(await portAnswers(s.smtp.host, s.smtp.port));
      assert.ok(await portAnswers(s.imap.host, s.imap.port));
      const [a, b] = mailboxes as [(typeof mailboxes)[0], (typeof mailboxes)[0]];
      const info = await nodemailer
        .createTransport({
          host: s.smtp.host,
          port: s.smtp.port,
          ignoreTLS: true,
          auth: { user: a.address, pass: a.password },
        })
        .sendMail({ from: a.address, to: b.address, subject: 'Dal simulatore', text: 'ciao' });
      const [busta] = await waitForMailbox({ ...s.imap, user: b.address, password: b.password }, 1);
      assert.ok(busta);
      const refers = readHeaders(busta.raw).find((h) => h.name === 'x-riferimento-message-id')?.value;
      assert.equal(refers, info.messageId);
      const file = join(work, 'busta.eml');
      writeFileSync(file, busta.raw);
      const verify = spawnSync(
        'openssl',
        ['smime', '-verify', '-CAfile', s.caCertificate, '-in', file, '-out', '/dev/null'],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(verify.status, 0, verify.stderr);
      const receipts = await waitForMailbox({ ...s.imap, user: a.address, password: a.password }, 2);
      assert.equal(receipts.length, 2);
    } finally {
      run.child.kill('SIGTERM');
    }
    assert.equal(await exitOf(run.child), 0, run.stderr());
    // The CA of --ca-dir stays for the next run (clients keep trusting it).
    assert.match(readFileSync(join(caDir, 'ca.pem'), 'utf8'), /BEGIN CERTIFICATE/);
    assert.ok(existsSync(join(caDir, 'ca.key')));
  });

  it('without a config it serves the two demo mailboxes; a bad config is a one-line error', async () => {
    const run = startSimulator(['--json']);
    try {
      const s = await run.summary;
      assert.deepEqual(
        s.mailboxes.map((m) => m.address),
        ['protocollo@pec.aoo-a.example.it', 'protocollo@pec.aoo-b.example.it'],
      );
      assert.ok(await portAnswers(s.imap.host, s.imap.port));
    } finally {
      run.child.kill('SIGINT');
    }
    assert.equal(await exitOf(run.child), 0);

    const bad = join(work, 'bad.json');
    writeFileSync(bad, JSON.stringify({ mailboxes: [{ address: 'non-un-indirizzo', password: 'x' }] }));
    const failed = startSimulator(['--config', bad]);
    await assert.rejects(failed.summary);
    assert.equal(await exitOf(failed.child), 1);
    assert.match(failed.stderr(), /mailboxes\[0\]\.address is not an e-mail address/);
  });

  // Regression (a CI failure): the handlers were installed after the summary was printed, and a
  // SIGINT sent on reading it killed the simulator, its dovecot left running.
  it('a SIGINT sent the instant the summary is printed stops it cleanly, dovecot with it', async () => {
    const run = await runSignalledAtReady(['pec-simulator', '--json'], '^\\{', 'SIGINT', {
      DMS_PLUGINS: 'pec',
    });
    assert.equal(run.exit, 0, run.stderr);
    const summary = JSON.parse(run.stdout.split('\n').find((l) => l.startsWith('{')) ?? 'null') as Summary;
    assert.equal(await portAnswers(summary.imap.host, summary.imap.port), false);
  });
});
