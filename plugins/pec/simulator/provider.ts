import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ImapFlow } from 'imapflow';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { systemClock, type Clock } from '../../../server/clock.js';
import { romeTime } from './daticert.js';
import { startDovecot, type DovecotServer } from './dovecot.js';
import { readHeaders } from './mime.js';
import {
  buildBusta,
  buildReceipt,
  deliveryHeaders,
  type Emitter,
  type OriginalMessage,
  type ReceiptSpec,
  type Recipient,
} from './pec-messages.js';
import { createTestCa, issueProviderIdentity, type TestCa } from './test-ca.js';

/** The EICAR anti-virus test file's signature: any attachment containing it is "infected". */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

export interface PecMailboxAccount {
  address: string;
  password: string;
}

export interface PecProviderOptions {
  /** The PEC domains the provider serves (each gets its own provider certificate from the CA). */
  domains: string[];
  mailboxes: PecMailboxAccount[];
  /** Issue the providers' certificates from this CA (default: a fresh one). */
  ca?: TestCa;
  /** gestore-emittente (default "<DOMAIN> PEC simulator S.p.A."). */
  gestore?: (domain: string) => string;
  /** Time of receipts and daticert (default: the system clock). */
  clock?: Clock;
  /** Fixed ports (default: free ports of 127.0.0.1). */
  smtpPort?: number;
  imapPort?: number;
  /** Called after each submission is processed (for logs). */
  onSubmission?: (submission: PecSubmission) => void;
}

/** A submission the provider took: what tests and the command log show. */
export interface PecSubmission {
  identificativo: string;
  messageId: string | null;
  from: string;
  recipients: string[];
  outcome: 'accepted' | 'not-accepted';
}

/** A busta for a recipient outside the simulated domains (a real provider would relay it). */
export interface ExternalDelivery {
  recipient: string;
  raw: Buffer;
}

export interface PecProviderFaults {
  /** The next `count` SMTP submissions are refused at the end of DATA with `code` (4xx temporary, 5xx permanent). */
  refuseNextSubmissions(count: number, code?: number): void;
  /** Stops the IMAP server: clients get "connection refused"; deliveries wait, none is lost. */
  imapDown(): Promise<void>;
  /** Starts it again; waiting deliveries go on. */
  imapUp(): Promise<void>;
  /** The next `count` bustas are appended twice, byte for byte (a provider's duplicate delivery). */
  duplicateNextBusta(count?: number): void;
  /** From now on receipts to senders are kept back (late receipts) until releaseReceipts(). */
  holdReceipts(): void;
  /** Delivers the held receipts in order and stops holding. Resolves with how many were delivered. */
  releaseReceipts(): Promise<number>;
  /** Receipts currently held. */
  readonly heldReceipts: number;
  /**
   * Answer SMTP only after every receipt and busta of the submission is in the mailboxes: a
   * receipt then reaches the sender's INBOX before the sender has even seen "250" (let alone
   * committed its own state).
   */
  receiptsBeforeReply(on: boolean): void;
  /** Wait `ms` before each delivery into a mailbox (slow provider). */
  delay(ms: number): void;
}

export interface PecProvider {
  smtp: { host: string; port: number };
  imap: { host: string; port: number };
  domains: string[];
  caCertificatePem: string;
  ca: TestCa;
  /** Provider certificates (PEM) per domain. */
  providerCertificatesPem: Record<string, string>;
  mailboxes(): PecMailboxAccount[];
  addMailbox(account: PecMailboxAccount): Promise<void>;
  removeMailbox(address: string): Promise<void>;
  submissions: PecSubmission[];
  external: ExternalDelivery[];
  /**
   * Puts `raw` into the mailbox's INBOX as it is (IMAP APPEND): a message from outside the PEC
   * circuit (an ordinary e-mail), or a malformed or forged one, for ingest tests.
   */
  injectMessage(address: string, raw: Buffer): Promise<void>;
  faults: PecProviderFaults;
  /** Resolves when every submission so far has been processed and delivered (held receipts excepted). */
  settled(): Promise<void>;
  /** The dovecot instance (its directory, log). */
  dovecot: DovecotServer;
  stop(): Promise<void>;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase())).filter((a) => a.length > 0);
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'NoConnection', 'ETIMEOUT']);

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_ERRORS.has(code);
}

interface Delivery {
  mailbox: string;
  raw: Buffer;
  what: string;
}

/**
 * A PEC provider ("gestore") on real servers of the loopback: SMTP submission (smtp-server,
 * AUTH as the mailbox) and the mailboxes' IMAP (Debian dovecot). Each submission is handled
 * as a provider does (DPR 68/2005 and its technical rules): a ricevuta di accettazione (or an
 * avviso di non accettazione) to the sender; for each recipient of a simulated domain the
 * busta di trasporto into its INBOX and a ricevuta di avvenuta consegna (complete: with the
 * original) to the sender, or an avviso di mancata consegna; an attachment with the EICAR
 * test string is not delivered (avviso di rilevazione virus + mancata consegna per virus).
 * Every message is S/MIME signed by the emitting domain's provider certificate (test CA).
 */
export async function startPecProvider(options: PecProviderOptions): Promise<PecProvider> {
  const clock = options.clock ?? systemClock;
  const domains = [...new Set(options.domains.map((d) => d.toLowerCase()))];
  if (domains.length === 0) throw new Error('A PEC provider needs at least one domain');
  const accounts = new Map<string, string>();
  for (const m of options.mailboxes) {
    const address = m.address.toLowerCase();
    if (!domains.includes(domainOf(address)))
      throw new Error(`${m.address} is not in the simulated domains ${domains.join(', ')}`);
    accounts.set(address, m.password);
  }
  const ca = options.ca ?? createTestCa(clock.now());
  const gestore = options.gestore ?? ((d: string) => `${d.toUpperCase()} PEC simulator S.p.A.`);
  const emitters = new Map<string, Emitter>(
    domains.map((d) => [
      d,
      { domain: d, gestore: gestore(d), identity: issueProviderIdentity(ca, d, gestore(d), clock.now()) },
    ]),
  );
  const emitter = (domain: string): Emitter => {
    const e = emitters.get(domain);
    if (!e) throw new Error(`No provider for ${domain}`);
    return e;
  };

  const dovecot = await startDovecot({
    users: [...accounts].map(([user, password]) => ({ user, password })),
    ...(options.imapPort ? { port: options.imapPort } : {}),
  });

  // Fault state.
  let refuse = { count: 0, code: 451 };
  let duplicates = 0;
  let holding = false;
  const held: Delivery[] = [];
  let beforeReply = false;
  let delayMs = 0;
  let stopped = false;

  let counter = 0;
  const newId = (domain: string, at: Date): string =>
    `opec-sim.${romeTime(at).compact}.${process.pid}.${++counter}.${randomBytes(4).toString('hex')}@${domain}`;

  /** One IMAP APPEND as the mailbox itself; while IMAP is down it waits and tries again (nothing is lost). */
  const append = async (d: Delivery): Promise<void> => {
    const password = accounts.get(d.mailbox);
    if (password === undefined) throw new Error(`No mailbox ${d.mailbox}`);
    for (;;) {
      if (delayMs > 0) await sleep(delayMs);
      const client = new ImapFlow({
        host: dovecot.host,
        port: dovecot.port,
        secure: false,
        auth: { user: d.mailbox, pass: password },
        logger: false,
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.append('INBOX', d.raw);
        await client.logout();
        return;
      } catch (error) {
        client.close();
        if (stopped) throw error;
        // Connection refused or dropped (the IMAP server is down or going down): try again shortly.
        if (!dovecot.running || isConnectionError(error)) {
          await sleep(50);
          continue;
        }
        throw new Error(`Delivery of ${d.what} to ${d.mailbox} failed: ${String(error)}`);
      }
    }
  };

  const deliver = async (d: Delivery, isReceipt: boolean): Promise<void> => {
    if (isReceipt && holding) {
      held.push(d);
      return;
    }
    await append(d);
  };

  const withDeliveryHeaders = (mailbox: string, raw: Buffer, returnPath: string): Buffer =>
    Buffer.concat([deliveryHeaders(returnPath, mailbox), raw]);

  /** Handles one accepted submission: receipts, bustas, errors, in the order a provider emits them. */
  const handleSubmission = async (
    authUser: string,
    envelopeFrom: string,
    rcpts: string[],
    raw: Buffer,
  ): Promise<PecSubmission> => {
    const parsed = await simpleParser(raw, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
    });
    const header = (name: string): string | null =>
      readHeaders(raw).find((h) => h.name === name)?.value ?? null;
    const from = addressesOf(parsed.from)[0] ?? '';
    const original: OriginalMessage = {
      raw,
      messageId: header('message-id'),
      from: from || authUser,
      to: addressesOf(parsed.to),
      cc: addressesOf(parsed.cc),
      replyTo: addressesOf(parsed.replyTo)[0] ?? null,
      subject: parsed.subject ?? null,
      rawSubject: header('subject'),
    };
    // X-TipoRicevuta asks for the delivery receipt's kind: 'sintetica' (daticert only) or
    // 'completa' (with the original, the default). 'breve' (the original with its attachments
    // replaced by their hashes) is not simulated: it is answered as 'completa', and daticert says so.
    const ricevuta = header('x-tiporicevuta')?.toLowerCase() === 'sintetica' ? 'sintetica' : 'completa';
    const at = clock.now();
    const senderDomain = domainOf(authUser);
    const sender = emitter(senderDomain);
    const identificativo = newId(senderDomain, at);
    const headerRecipients = [...new Set([...original.to, ...original.cc])];
    const recipients: Recipient[] = headerRecipients.map((address) => ({
      address,
      tipo: emitters.has(domainOf(address)) ? 'certificato' : 'esterno',
    }));
    const receipt = async (
      spec: Omit<ReceiptSpec, 'original' | 'recipients' | 'identificativo' | 'to' | 'messageId'>,
    ): Promise<void> => {
      const raw = await buildReceipt({
        ...spec,
        original,
        recipients,
        identificativo,
        to: authUser,
        messageId: `<${newId(spec.emitter.domain, spec.at)}>`,
      });
      await deliver(
        {
          mailbox: authUser,
          raw: withDeliveryHeaders(authUser, raw, `posta-certificata@${spec.emitter.domain}`),
          what: spec.kind,
        },
        true,
      );
    };

    // Avviso di non accettazione: the sender must be the authenticated mailbox (envelope and From).
    if (from !== authUser || envelopeFrom.toLowerCase() !== authUser) {
      await receipt({
        kind: 'non-accettazione',
        errore: 'altro',
        emitter: sender,
        at,
        erroreEsteso: `E' stato rilevato un mittente (${from || envelopeFrom}) diverso dall'utente autenticato (${authUser})`,
      });
      return {
        identificativo,
        messageId: original.messageId,
        from: from || envelopeFrom,
        recipients: rcpts,
        outcome: 'not-accepted',
      };
    }
    if (rcpts.length === 0 || headerRecipients.length === 0) {
      await receipt({
        kind: 'non-accettazione',
        errore: 'altro',
        emitter: sender,
        at,
        erroreEsteso: 'Nessun destinatario',
      });
      return {
        identificativo,
        messageId: original.messageId,
        from,
        recipients: rcpts,
        outcome: 'not-accepted',
      };
    }

    await receipt({ kind: 'accettazione', errore: 'nessuno', emitter: sender, at });
    const infected = parsed.attachments.some((a) => a.content.includes(EICAR)) || raw.includes(EICAR);
    const busta = await buildBusta({
      emitter: sender,
      original,
      recipients,
      identificativo,
      at,
      messageId: `<${identificativo}>`,
      ricevuta,
    });

    for (const rcpt of rcpts) {
      const rcptDomain = domainOf(rcpt);
      const theirs = emitters.get(rcptDomain);
      if (!theirs) {
        // Outside the simulated providers: a real provider relays it; we keep it for inspection.
        external.push({ recipient: rcpt, raw: busta });
        continue;
      }
      const when = clock.now();
      if (!accounts.has(rcpt)) {
        await receipt({
          kind: 'errore-consegna',
          errore: 'no-dest',
          emitter: theirs,
          at: when,
          consegna: rcpt,
          erroreEsteso: `5.1.1 - ${theirs.gestore} - indirizzo non valido`,
        });
        continue;
      }
      if (infected) {
        // The recipient's provider finds the virus: rilevazione virus, then mancata consegna per virus.
        const erroreEsteso = `5.7.1 - ${theirs.gestore} - virus informatico rilevato (EICAR-Test-File)`;
        await receipt({
          kind: 'rilevazione-virus',
          errore: 'virus',
          emitter: theirs,
          at: when,
          consegna: rcpt,
          erroreEsteso,
        });
        await receipt({
          kind: 'errore-consegna',
          errore: 'virus',
          emitter: sender,
          at: when,
          consegna: rcpt,
          erroreEsteso,
        });
        continue;
      }
      const delivered = withDeliveryHeaders(rcpt, busta, `posta-certificata@${senderDomain}`);
      await deliver({ mailbox: rcpt, raw: delivered, what: 'busta' }, false);
      if (duplicates > 0) {
        duplicates--;
        await deliver({ mailbox: rcpt, raw: delivered, what: 'busta (duplicate)' }, false);
      }
      await receipt({
        kind: 'avvenuta-consegna',
        errore: 'nessuno',
        emitter: theirs,
        at: when,
        consegna: rcpt,
        ricevuta,
      });
    }
    return { identificativo, messageId: original.messageId, from, recipients: rcpts, outcome: 'accepted' };
  };

  const submissions: PecSubmission[] = [];
  const external: ExternalDelivery[] = [];
  // Submissions are processed one at a time, in arrival order (receipts keep their order).
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = (job: () => Promise<PecSubmission>): Promise<PecSubmission> => {
    const run = queue.then(job);
    queue = run.then(
      (s) => {
        submissions.push(s);
        options.onSubmission?.(s);
      },
      (error: unknown) => {
        if (!stopped) console.error(`pec-simulator: ${String(error)}`);
      },
    );
    return run;
  };

  const smtp = new SMTPServer({
    name: `smtp.${domains[0]}`,
    banner: 'DMS PEC provider simulator',
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    authMethods: ['PLAIN', 'LOGIN'],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 200,
    size: 100 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      const user = (auth.username ?? '').toLowerCase();
      if (accounts.get(user) === undefined || accounts.get(user) !== auth.password) {
        callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
        return;
      }
      callback(null, { user });
    },
    onMailFrom(_address, session, callback) {
      if (!session.user) {
        callback(smtpError(530, '5.7.0 Authentication required'));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refuse.count > 0) {
          refuse = { count: refuse.count - 1, code: refuse.code };
          const temporary = refuse.code < 500;
          callback(
            smtpError(
              refuse.code,
              temporary
                ? '4.3.0 Temporary failure, try again later'
                : '5.7.1 Message refused by the provider',
            ),
          );
          return;
        }
        const raw = Buffer.concat(chunks);
        const authUser = String(session.user);
        const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const rcpts = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const job = enqueue(() => handleSubmission(authUser, envelopeFrom, rcpts, raw));
        if (beforeReply) {
          job.then(
            (s) => callback(null, `2.0.0 Ok: queued as ${s.identificativo}`),
            (error: unknown) => callback(smtpError(451, `4.3.0 ${String(error)}`)),
          );
        } else {
          callback(null, '2.0.0 Ok: queued');
        }
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(options.smtpPort ?? 0, '127.0.0.1', () => resolve());
  });
  smtp.on('error', () => undefined);
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const faults: PecProviderFaults = {
    refuseNextSubmissions(count, code = 451) {
      if (code < 400 || code > 599) throw new Error(`Not an SMTP error code: ${code}`);
      refuse = { count, code };
    },
    imapDown: () => dovecot.stop(),
    imapUp: () => dovecot.start(),
    duplicateNextBusta(count = 1) {
      duplicates = count;
    },
    holdReceipts() {
      holding = true;
    },
    async releaseReceipts() {
      holding = false;
      const out = held.splice(0, held.length);
      for (const d of out) await append(d);
      return out.length;
    },
    get heldReceipts() {
      return held.length;
    },
    receiptsBeforeReply(on) {
      beforeReply = on;
    },
    delay(ms) {
      delayMs = ms;
    },
  };

  return {
    smtp: { host: '127.0.0.1', port: smtpPort },
    imap: { host: dovecot.host, port: dovecot.port },
    domains,
    ca,
    caCertificatePem: ca.certificatePem,
    providerCertificatesPem: Object.fromEntries(
      [...emitters].map(([d, e]) => [d, e.identity.certificatePem]),
    ),
    mailboxes: () => [...accounts].map(([address, password]) => ({ address, password })),
    async addMailbox(account) {
      const address = account.address.toLowerCase();
      if (!emitters.has(domainOf(address)))
        throw new Error(`${account.address} is not in the simulated domains`);
      await dovecot.addUser(address, account.password);
      accounts.set(address, account.password);
    },
    async removeMailbox(address) {
      accounts.delete(address.toLowerCase());
      await dovecot.removeUser(address);
    },
    submissions,
    external,
    async injectMessage(address, raw) {
      await append({ mailbox: address.toLowerCase(), raw, what: 'injected message' });
    },
    faults,
    async settled() {
      let seen: Promise<unknown> | undefined;
      while (seen !== queue) {
        seen = queue;
        await queue;
      }
    },
    dovecot,
    async stop() {
      stopped = true;
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await dovecot.close();
    },
  };
}
