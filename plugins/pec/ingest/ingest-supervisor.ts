import { readFile } from 'node:fs/promises';
import pg from 'pg';
import type { Logger } from '../../../server/logger.js';
import type { Platform } from '../../../server/platform.js';
import { decryptMailboxPassword } from '../mailbox/mailbox-secret.js';
import { PecMailbox } from '../mailbox/pec-mailbox.entity.js';
import { loadTrustAnchors, type PecParseOptions } from '../message/index.js';
import { MailboxSession, type SessionOptions } from './mailbox-session.js';

/** The longest a new or changed mailbox waits before this replica looks at it. */
const RESCAN_MAX_MS = 10_000;

interface Running {
  session: MailboxSession;
  /** What the session was started with: a change restarts it. */
  fingerprint: string;
}

function fingerprint(m: PecMailbox): string {
  return JSON.stringify([
    m.imapHost,
    m.imapPort,
    m.imapTls,
    m.imapUser,
    m.autoRegister,
    m.updatedAt?.toISOString(),
  ]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Runs the ingest of every active mailbox with a password, each in at most one replica at a
 * time: a replica reads a mailbox while it holds the mailbox's PostgreSQL advisory lock, on a
 * session of its own (if that connection drops, the locks go with it and the sessions stop).
 * Every few seconds it looks at the mailboxes again: new or changed ones start (or restart),
 * deactivated ones stop, and a mailbox whose replica went away is taken over.
 */
export class IngestSupervisor {
  private readonly sessions = new Map<string, Running>();
  private lockClient: pg.Client | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly logger: Logger;

  constructor(
    private readonly platform: Platform,
    private readonly options: Omit<SessionOptions, 'parse'> & { trustAnchorsFile: string | undefined },
  ) {
    this.logger = platform.logger.child({ component: 'pec-ingest' });
  }

  async start(): Promise<void> {
    const parse: PecParseOptions = {
      maxMessageBytes: this.options.maxMessageBytes,
      ...(this.options.trustAnchorsFile
        ? { trustAnchors: loadTrustAnchors([await readFile(this.options.trustAnchorsFile)]) }
        : {}),
    };
    this.loop = this.run({ ...this.options, parse });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await Promise.all([...this.sessions.values()].map((r) => r.session.stop()));
    this.sessions.clear();
    await this.lockClient?.end().catch(() => undefined);
    this.lockClient = null;
  }

  private async run(options: SessionOptions): Promise<void> {
    const every = Math.min(RESCAN_MAX_MS, options.pollIntervalMs);
    while (!this.stopped) {
      try {
        await this.scan(options);
      } catch (error) {
        this.logger.error({ err: error }, 'PEC ingest: the mailboxes could not be looked at; trying again');
        await this.dropAll();
      }
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        void sleep(every).then(resolve);
      });
      this.wake = null;
    }
  }

  private async lockSession(): Promise<pg.Client> {
    if (this.lockClient) return this.lockClient;
    const client = new pg.Client({
      connectionString: this.platform.orm.config.get('clientUrl'),
      application_name: 'dms-pec-ingest',
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'PEC ingest: the lock session dropped; mailboxes are released');
      if (this.lockClient === client) this.lockClient = null;
      void this.dropAll();
    });
    await client.connect();
    this.lockClient = client;
    return client;
  }

  private async dropAll(): Promise<void> {
    const running = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(running.map((r) => r.session.stop()));
    const client = this.lockClient;
    this.lockClient = null;
    await client?.end().catch(() => undefined);
  }

  private async scan(options: SessionOptions): Promise<void> {
    const lock = await this.lockSession();
    const mailboxes = await this.platform.orm.em
      .fork()
      .find(PecMailbox, { active: true }, { populate: ['passwordCipher'], orderBy: { id: 'asc' } });
    const wanted = new Map(mailboxes.filter((m) => m.passwordCipher).map((m) => [m.id, m]));
    for (const [id, running] of this.sessions) {
      const m = wanted.get(id);
      if (m && fingerprint(m) === running.fingerprint) continue;
      await running.session.stop();
      this.sessions.delete(id);
      await lock.query('select pg_advisory_unlock(hashtextextended($1, 0))', [`pec.ingest:${id}`]);
      this.logger.info(
        { mailboxId: id },
        m ? 'PEC mailbox changed: its ingest restarts' : 'PEC mailbox ingest stopped',
      );
    }
    for (const m of wanted.values()) {
      if (this.stopped || this.sessions.has(m.id)) continue;
      const got = await lock.query<{ locked: boolean }>(
        'select pg_try_advisory_lock(hashtextextended($1, 0)) as locked',
        [`pec.ingest:${m.id}`],
      );
      if (!got.rows[0]?.locked) continue; // another replica reads it
      const password = await decryptMailboxPassword(
        this.platform.orm.em.fork(),
        m.id,
        m.passwordCipher as Buffer,
      );
      const session = new MailboxSession(this.platform, m, password, options);
      this.sessions.set(m.id, { session, fingerprint: fingerprint(m) });
      session.start();
      this.logger.info({ mailboxId: m.id, address: m.address }, 'PEC mailbox ingest started');
    }
  }
}
