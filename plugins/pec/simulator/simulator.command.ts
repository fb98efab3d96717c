import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError } from '../../../server/cli/cli-error.js';
import { stopSignal } from '../../../server/cli/stop-signal.js';
import type { OfflineCliCommand } from '../../../server/modules/module.js';
import { startPecProvider, type PecMailboxAccount } from './provider.js';
import { createTestCa, type TestCa } from './test-ca.js';
import { systemClock } from '../../../server/clock.js';

/** The simulator's configuration file (--config FILE.json). */
export interface PecSimulatorConfig {
  /** Simulated PEC domains (default: the mailboxes' domains). */
  domains?: string[];
  mailboxes: PecMailboxAccount[];
  smtpPort?: number;
  imapPort?: number;
}

/** Two AOOs' mailboxes, when no configuration is given. */
export const DEMO_SIMULATOR_CONFIG: PecSimulatorConfig = {
  mailboxes: [
    { address: 'protocollo@pec.aoo-a.example.it', password: 'demo-a' },
    { address: 'protocollo@pec.aoo-b.example.it', password: 'demo-b' },
  ],
};

const ADDRESS = /^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/i;

function port(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new CliError(`${what} must be a port number (1-65535)`);
  }
  return value;
}

/** Reads and checks a configuration file; every problem is a CliError naming the field. */
export function parseSimulatorConfig(text: string, file: string): PecSimulatorConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file}: not JSON (${(error as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new CliError(`${file}: expected an object`);
  const o = data as Record<string, unknown>;
  if (!Array.isArray(o.mailboxes) || o.mailboxes.length === 0) {
    throw new CliError(`${file}: "mailboxes" must be a non-empty array of { "address", "password" }`);
  }
  const mailboxes = o.mailboxes.map((m: unknown, i) => {
    const r = (m ?? {}) as Record<string, unknown>;
    if (typeof r.address !== 'string' || !ADDRESS.test(r.address))
      throw new CliError(`${file}: mailboxes[${i}].address is not an e-mail address`);
    if (typeof r.password !== 'string' || r.password.length === 0 || /[:\r\n\0]/.test(r.password)) {
      throw new CliError(
        `${file}: mailboxes[${i}].password must be a non-empty string without ':' or line breaks`,
      );
    }
    return { address: r.address.toLowerCase(), password: r.password };
  });
  let domains: string[] | undefined;
  if (o.domains !== undefined) {
    if (
      !Array.isArray(o.domains) ||
      o.domains.some((d) => typeof d !== 'string' || !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(d))
    ) {
      throw new CliError(`${file}: "domains" must be an array of domain names`);
    }
    domains = (o.domains as string[]).map((d) => d.toLowerCase());
  }
  const smtpPort = port(o.smtpPort, `${file}: smtpPort`);
  const imapPort = port(o.imapPort, `${file}: imapPort`);
  return {
    ...(domains ? { domains } : {}),
    mailboxes,
    ...(smtpPort ? { smtpPort } : {}),
    ...(imapPort ? { imapPort } : {}),
  };
}

/** The CA of --ca-dir (ca.pem + ca.key), created there on first use so clients can keep trusting it. */
async function loadOrCreateCa(dir: string): Promise<TestCa> {
  const certFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'ca.key');
  if (existsSync(certFile) && existsSync(keyFile)) {
    return {
      certificatePem: await readFile(certFile, 'utf8'),
      privateKeyPem: await readFile(keyFile, 'utf8'),
    };
  }
  const ca = createTestCa(systemClock.now());
  await mkdir(dir, { recursive: true });
  await writeFile(certFile, ca.certificatePem);
  await writeFile(keyFile, ca.privateKeyPem, { mode: 0o600 });
  return ca;
}

/**
 * `dms pec-simulator [--config FILE.json] [--ca-dir DIR] [--json]`: a PEC provider for
 * development (real SMTP submission and dovecot IMAP on loopback, signed bustas and receipts).
 * Offline: no database. Runs until SIGINT/SIGTERM.
 */
export const pecSimulatorCommand: OfflineCliCommand = {
  name: 'pec-simulator',
  usage:
    'pec-simulator [--config FILE.json] [--ca-dir DIR] [--json]  run a PEC provider simulator (SMTP + IMAP on loopback) until interrupted',
  offline: true,
  async run(args) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        config: { type: 'string' },
        'ca-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const config = values.config
      ? parseSimulatorConfig(
          await readFile(values.config, 'utf8').catch((e: Error) => {
            throw new CliError(`Cannot read ${values.config}: ${e.message}`);
          }),
          values.config,
        )
      : DEMO_SIMULATOR_CONFIG;
    const ownCaDir = values['ca-dir'] === undefined;
    const caDir = values['ca-dir'] ? resolve(values['ca-dir']) : await mkdtemp(join(tmpdir(), 'dms-pec-ca-'));
    const ca = await loadOrCreateCa(caDir);
    const domains = config.domains ?? [
      ...new Set(config.mailboxes.map((m) => m.address.slice(m.address.indexOf('@') + 1))),
    ];
    // Before dovecot starts and long before the summary: see stopSignal.
    const signal = stopSignal();
    let provider;
    try {
      provider = await startPecProvider({
        domains,
        mailboxes: config.mailboxes,
        ca,
        ...(config.smtpPort ? { smtpPort: config.smtpPort } : {}),
        ...(config.imapPort ? { imapPort: config.imapPort } : {}),
        onSubmission: (s) => {
          if (!values.json)
            console.log(
              `${s.outcome}: ${s.from} -> ${s.recipients.join(', ')} ${s.messageId ?? ''} (${s.identificativo})`,
            );
        },
      });
    } catch (error) {
      signal.release();
      if (ownCaDir) await rm(caDir, { recursive: true, force: true });
      throw new CliError(`The PEC simulator did not start: ${(error as Error).message}`);
    }
    const caFile = join(caDir, 'ca.pem');
    const summary = {
      smtp: provider.smtp,
      imap: provider.imap,
      caCertificate: caFile,
      domains: provider.domains,
      mailboxes: provider.mailboxes(),
    };
    if (values.json) {
      console.log(JSON.stringify(summary));
    } else {
      console.log('PEC provider simulator running (Ctrl-C to stop)');
      console.log(
        `SMTP ${provider.smtp.host}:${provider.smtp.port} (AUTH PLAIN/LOGIN as the mailbox, no TLS)`,
      );
      console.log(`IMAP ${provider.imap.host}:${provider.imap.port} (no TLS)`);
      console.log(`CA   ${caFile} (trust it to verify the bustas and receipts)`);
      for (const m of summary.mailboxes) console.log(`mailbox ${m.address} password ${m.password}`);
    }
    await signal.received;
    try {
      await provider.stop();
    } finally {
      signal.release();
    }
    if (ownCaDir) await rm(caDir, { recursive: true, force: true });
    return 0;
  },
};
