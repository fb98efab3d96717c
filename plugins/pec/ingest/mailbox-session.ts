import { ImapFlow, type MailboxObject } from 'imapflow';
import { randomUUID } from 'node:crypto';
import { systemContext } from '../../../server/context.js';
import { withTransaction } from '../../../server/db/unit-of-work.js';
import type { Logger } from '../../../server/logger.js';
import type { Platform } from '../../../server/platform.js';
import type { PecMailbox } from '../mailbox/pec-mailbox.entity.js';
import type { PecParseOptions } from '../message/index.js';
import { PecIngestDown, PecIngestUp } from './ingest.events.js';
import { ingestMessage } from './ingest-message.js';

/**
 * The keyword a message gets on the server once its record is committed. A keyword, not \Seen:
 * people reading the mailbox with their own client set and clear \Seen as they like.
 */
export const INGESTED_KEYWORD = '$DmsIngested';

export interface SessionOptions {
  /** Wait on IDLE where the server offers it. */
  idle: boolean;
  /** Polling interval (and, under IDLE, the longest wait before looking again anyway). */
  pollIntervalMs: number;
  maxMessageBytes: number;
  parse: PecParseOptions;
  /** Reconnection backoff: the first wait, doubled up to the last. */
  backoffMs: { first: number; max: number };
}

/** Messages fetched for their size in one FETCH. */
const SIZE_BATCH = 200;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One mailbox read over IMAP, for as long as this replica holds its lock (ingest-supervisor.ts):
 * connect, SELECT INBOX, process every message without the keyword (in UID order), then wait
 * for news on IDLE (or poll), and again. Each message: its size first (RFC822.SIZE; an oversize
 * one is fetched by its header only), the raw bytes, stored and dispatched in one transaction
 * (ingest-message.ts), and only after that commit marked with the keyword. A crash anywhere
 * leaves the message unmarked: it is seen again and the store's uniques keep it once. When
 * UIDVALIDITY changes every message is looked at again, marked or not. When the server cannot
 * be reached the session says so once (log and event), then retries with a doubling backoff.
 */
export class MailboxSession {
  private stopped = false;
  private news = false;
  private wake: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private uidValidity: bigint | null = null;
  /** Servers that refuse keywords: the UIDs done in this session's UIDVALIDITY. */
  private readonly done = new Set<number>();
  private down = false;
  private readonly logger: Logger;

  constructor(
    private readonly platform: Platform,
    private readonly mailbox: PecMailbox,
    private readonly password: string,
    private readonly options: SessionOptions,
  ) {
    this.logger = platform.logger.child({ component: 'pec-ingest', mailbox: mailbox.address });
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Ends the session: the message in progress finishes (committed and marked, or not at all). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp();
    await this.running;
  }

  private wakeUp(): void {
    this.news = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    let delay = this.options.backoffMs.first;
    while (!this.stopped) {
      try {
        await this.session();
        delay = this.options.backoffMs.first;
      } catch (error) {
        if (this.stopped) break;
        await this.reportDown(error, delay);
        await this.pause(delay);
        delay = Math.min(delay * 2, this.options.backoffMs.max);
      }
    }
  }

  private async session(): Promise<void> {
    const m = this.mailbox;
    const client = new ImapFlow({
      host: m.imapHost,
      port: m.imapPort,
      secure: m.imapTls,
      auth: { user: m.imapUser, pass: this.password },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: 30_000,
      greetingTimeout: 16_000,
      socketTimeout: Math.max(5 * 60_000, this.options.pollIntervalMs * 2),
    });
    let closed = false;
    client.on('error', (error: Error) => this.logger.debug({ err: error }, 'IMAP connection error'));
    client.on('close', () => {
      closed = true;
      this.wakeUp();
    });
    client.on('exists', () => this.wakeUp());
    try {
      await client.connect();
      if (this.stopped) return;
      const lock = await client.getMailboxLock('INBOX');
      try {
        await this.reportUp();
        while (!this.stopped) {
          if (closed) throw new Error('the IMAP server closed the connection');
          await this.processPending(client);
          if (this.stopped) break;
          await this.waitForNews(client, () => closed);
        }
      } finally {
        lock.release();
      }
    } finally {
      if (!closed) await client.logout().catch(() => client.close());
    }
  }

  /** Every message not yet marked (all of them after a UIDVALIDITY change), oldest first. */
  private async processPending(client: ImapFlow): Promise<void> {
    this.news = false;
    // Without IDLE the server reports new messages (EXISTS) only in answer to a command.
    await client.noop();
    const box = client.mailbox as MailboxObject;
    const changed = this.uidValidity !== null && this.uidValidity !== box.uidValidity;
    if (changed) {
      this.logger.warn(
        { before: String(this.uidValidity), now: String(box.uidValidity) },
        'IMAP UIDVALIDITY changed: every message of the INBOX is looked at again',
      );
      this.done.clear();
    }
    this.uidValidity = box.uidValidity;
    const keywords =
      !box.permanentFlags || box.permanentFlags.has('\\*') || box.permanentFlags.has(INGESTED_KEYWORD);
    if (box.exists === 0) return;
    const found = changed
      ? await client.search({ all: true }, { uid: true })
      : await client.search({ unKeyword: INGESTED_KEYWORD }, { uid: true });
    const uids = (found || []).filter((uid) => !this.done.has(uid)).sort((a, b) => a - b);
    for (let i = 0; i < uids.length && !this.stopped; i += SIZE_BATCH) {
      const batch = uids.slice(i, i + SIZE_BATCH);
      const sizes = new Map<number, number>();
      for await (const msg of client.fetch(batch.join(','), { uid: true, size: true }, { uid: true })) {
        if (msg.size !== undefined) sizes.set(msg.uid, msg.size);
      }
      for (const uid of batch) {
        if (this.stopped) return;
        const size = sizes.get(uid);
        if (size === undefined) continue; // expunged meanwhile: nothing to keep
        await this.processOne(client, box.uidValidity, uid, size);
        if (keywords) await client.messageFlagsAdd(String(uid), [INGESTED_KEYWORD], { uid: true });
        else this.done.add(uid);
      }
    }
  }

  private async processOne(client: ImapFlow, uidValidity: bigint, uid: number, size: number): Promise<void> {
    const oversize = size > this.options.maxMessageBytes;
    const fetched = await client.fetchOne(
      String(uid),
      oversize ? { uid: true, headers: true } : { uid: true, source: true },
      { uid: true },
    );
    const raw = fetched ? (oversize ? fetched.headers : fetched.source) : undefined;
    if (!raw || raw.length === 0) {
      // Expunged between the size and the fetch, or an empty message: nothing to keep.
      this.logger.warn({ uid, size }, 'IMAP message without content: not stored');
      return;
    }
    const extraProblems = oversize
      ? [
          `oversize: ${size} bytes, over the limit of ${this.options.maxMessageBytes} (PEC_MAX_MESSAGE_MB): ` +
            'only its header was fetched; the message stays on the server',
        ]
      : [];
    let outcome: Awaited<ReturnType<typeof ingestMessage>>;
    try {
      outcome = await ingestMessage(
        this.platform,
        this.mailbox,
        raw,
        { uidValidity: Number(uidValidity), uid },
        { parse: this.options.parse, extraProblems, oversize },
      );
    } catch (error) {
      // Not an IMAP fault: the message stays unmarked and the session starts again after the backoff.
      throw new Error(`storing the message of UID ${uid} failed: ${describe(error)}`, { cause: error });
    }
    this.logger.info(
      {
        uid,
        size,
        pecMessageId: outcome.pecMessageId,
        created: outcome.created,
        action: outcome.dispatched?.action,
      },
      outcome.created ? 'PEC message ingested' : 'PEC message seen again (already stored)',
    );
  }

  /** Until the server reports news (IDLE), the poll interval passes, the connection drops or stop(). */
  private async waitForNews(client: ImapFlow, isClosed: () => boolean): Promise<void> {
    if (this.news || isClosed()) return;
    const idling =
      this.options.idle && client.capabilities.has('IDLE')
        ? client.idle().catch((error: unknown) => this.logger.debug({ err: error }, 'IDLE ended'))
        : null;
    await this.pause(this.options.pollIntervalMs);
    // The next command (SEARCH) ends the IDLE; its promise settles then.
    void idling;
  }

  /** Waits `ms`, or less if woken (news, a dropped connection, stop()). */
  private async pause(ms: number): Promise<void> {
    if (this.stopped || this.news) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
    this.wake = null;
  }

  private async reportDown(error: unknown, delayMs: number): Promise<void> {
    const m = this.mailbox;
    if (this.down) {
      this.logger.debug({ err: error, retryInMs: delayMs }, 'IMAP still unreachable');
      return;
    }
    this.down = true;
    this.logger.warn(
      { err: error, retryInMs: delayMs },
      'PEC mailbox cannot be read (IMAP unreachable or refusing) or a message not stored; retrying with backoff',
    );
    await this.publish(
      new PecIngestDown({
        mailboxId: m.id,
        aooId: m.aooId,
        address: m.address,
        error: describe(error).slice(0, 500),
        retryAt: new Date(this.platform.clock.now().getTime() + delayMs).toISOString(),
      }),
    );
  }

  private async reportUp(): Promise<void> {
    if (!this.down) return;
    this.down = false;
    this.logger.info('PEC mailbox reachable again: processing what arrived meanwhile');
    const m = this.mailbox;
    await this.publish(new PecIngestUp({ mailboxId: m.id, aooId: m.aooId, address: m.address }));
  }

  /** An event for operators (released like any other: through a unit of work that commits). */
  private async publish(event: PecIngestDown | PecIngestUp): Promise<void> {
    try {
      const ctx = await systemContext(this.platform, {
        actorId: null,
        requestId: `pec-ingest-${randomUUID()}`,
        agent: 'pec ingest',
      });
      await withTransaction(ctx, (tx) => {
        tx.publish(event);
        return Promise.resolve();
      });
    } catch (error) {
      this.logger.error({ err: error }, 'PEC ingest: event not published (database unreachable?)');
    }
  }
}
