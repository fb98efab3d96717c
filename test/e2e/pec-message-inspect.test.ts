import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  bustaEntity,
  createTestPki,
  originalMessage,
  SAMPLES,
  signBusta,
  type TestPki,
} from '../harness/pec-message-fixtures.js';

const DMS = fileURLToPath(new URL('../../../bin/dms.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `dms pec inspect` as an operator runs it: a real process, the pec plugin, no database reachable. */
function dms(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [DMS, ...args], {
      env: {
        ...process.env,
        DMS_PLUGINS: 'pec',
        // A closed port: the command is offline and must not try it.
        DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:1/none',
        JWT_SECRET: 'a'.repeat(64),
        LOG_LEVEL: 'warn',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('dms pec inspect', () => {
  let pki: TestPki;
  let dir: string;

  /**
   * Each distinct command runs once, all of them together from before(): a process start costs
   * seconds, they read files only, and a command run twice prints the same.
   */
  const runs = new Map<string, Promise<Run>>();
  const pec = (...args: string[]): Promise<Run> => {
    const key = JSON.stringify(args);
    let run = runs.get(key);
    if (!run) {
      run = dms('pec', ...args);
      runs.set(key, run);
    }
    return run;
  };
  const commands = (): string[][] => [
    ['inspect', path.join(SAMPLES, 'consegna.eml')],
    ['inspect', path.join(SAMPLES, 'accettazione.daticert.xml')],
    ['inspect', path.join(dir, 'busta.eml'), '--trust', path.join(dir, 'ca.pem')],
    ['inspect', path.join(dir, 'busta.eml')],
    ['inspect', path.join(dir, 'interop.eml'), '--trust', path.join(dir, 'ca.pem')],
    ['inspect', path.join(dir, 'nope.eml')],
    ['inspect'],
    ['explode'],
  ];

  before(() => {
    pki = createTestPki();
    dir = mkdtempSync(path.join(tmpdir(), 'pec-inspect-'));
    writeFileSync(path.join(dir, 'busta.eml'), signBusta(pki, bustaEntity()));
    writeFileSync(path.join(dir, 'ca.pem'), pki.caPem);
    // A Segnatura.xml that is neither XSD-valid nor sealed: pec-interop's check must say so.
    const segnatura = Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><SegnaturaInformatica xmlns="http://www.agid.gov.it/protocollo/"><Intestazione/></SegnaturaInformatica>',
    );
    const postacert = originalMessage({ name: 'Segnatura.xml', type: 'application/xml', bytes: segnatura });
    writeFileSync(path.join(dir, 'interop.eml'), signBusta(pki, bustaEntity({ postacert })));
    for (const args of commands()) void pec(...args);
  });
  after(async () => {
    await Promise.all(runs.values());
    pki.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a receipt as JSON: kinds, sender, typed recipients, provider, ISO date-time, ids, problems', async () => {
    const run = await pec('inspect', path.join(SAMPLES, 'consegna.eml'));
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.equal(report.kind, 'receipt');
    assert.equal(report.receipt, 'errore-consegna');
    assert.equal(report.sender, 'sender@fakepec.it');
    assert.deepEqual(report.recipients, [{ address: 'rec@pec.it', type: 'certificato' }]);
    assert.equal(report.subject, 'Test PEC');
    assert.equal(report.provider, 'FAKE PEC S.p.A.');
    assert.equal(report.dateTime, '2024-11-15T18:21:03+01:00');
    assert.equal(report.identificativo, 'opec210312.20241115182038.288127.606.1.53@fakepec.it');
    assert.equal(report.msgid, '<SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@fakepec.it>');
    assert.deepEqual(report.signature, {
      outcome: 'unsigned',
      reason: 'multipart/signed without its signature part',
      signer: null,
    });
    assert.ok(Array.isArray(report.problems) && report.problems.length === 2);
  });

  it('prints a bare daticert.xml', async () => {
    const run = await pec('inspect', path.join(SAMPLES, 'accettazione.daticert.xml'));
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.equal(report.kind, 'daticert');
    assert.equal(report.receipt, 'accettazione');
    assert.equal(report.provider, 'FAKEPEC PEC S.p.A.');
    assert.equal(report.dateTime, '2024-11-15T18:20:38+01:00');
    assert.equal(report.signature, null);
    assert.deepEqual(report.problems, []);
  });

  it('a signed busta with --trust: valid signature, attachments with size and sha256', async () => {
    const run = await pec('inspect', path.join(dir, 'busta.eml'), '--trust', path.join(dir, 'ca.pem'));
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as {
      kind: string;
      signature: { outcome: string; signer: string };
      attachments: { name: string; type: string; size: number; sha256: string }[];
      recipients: unknown;
      problems: string[];
    };
    assert.equal(report.kind, 'busta');
    assert.equal(report.signature.outcome, 'valid');
    assert.equal(report.signature.signer, 'Posta Certificata Test <posta-certificata@pec.test>');
    assert.deepEqual(report.recipients, [
      { address: 'protocollo@pec.comune-b.test', type: 'certificato' },
      { address: 'ufficio@comune-b.test', type: 'esterno' },
    ]);
    assert.equal(report.attachments.length, 1);
    assert.equal(report.attachments[0]?.name, 'delibera.pdf');
    assert.match(report.attachments[0]?.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(report.problems, []);
    const untrusted = await pec('inspect', path.join(dir, 'busta.eml'));
    assert.equal((JSON.parse(untrusted.stdout) as typeof report).signature.outcome, 'untrusted');
  });

  it("an interoperability attachment: pec-interop's check of it is in the report", async () => {
    const run = await pec('inspect', path.join(dir, 'interop.eml'), '--trust', path.join(dir, 'ca.pem'));
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as {
      signature: { outcome: string };
      interop: { kind: string; fileName: string; schemaValid: boolean; seal: string } | null;
    };
    assert.equal(report.signature.outcome, 'valid');
    assert.equal(report.interop?.kind, 'segnatura');
    assert.equal(report.interop?.fileName, 'Segnatura.xml');
    assert.equal(report.interop?.schemaValid, false);
    assert.notEqual(report.interop?.seal, 'valid');
    const plain = await pec('inspect', path.join(dir, 'busta.eml'));
    assert.equal((JSON.parse(plain.stdout) as typeof report).interop, null);
  });

  it('a file it cannot read or a wrong usage: one line on stderr, non-zero exit', async () => {
    const missing = await pec('inspect', path.join(dir, 'nope.eml'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Cannot read the message .*nope\.eml: ENOENT/);
    const usage = await pec('inspect');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /Usage: dms pec inspect FILE/);
    const unknown = await pec('explode');
    assert.equal(unknown.code, 2);
  });
});
