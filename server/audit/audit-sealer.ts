import pg from 'pg';
import type { Logger } from '../logger.js';
import { sealPending } from './audit-chain.js';

/** Rows committed by other replicas (or missed) are sealed at least this often. */
export const SEAL_SWEEP_MS = 1000;
/**
 * A kick seals this long after it (the kicks meanwhile join it): under load one pass then takes
 * the rows of many commits, instead of a pass of its own statements per commit. At 20 ms a
 * registration load of ~230 a second made ~20 passes a second of five statements each, beside the
 * registrations' own six; a tenth of a second of lag in the chain is invisible to its readers.
 */
export const SEAL_DELAY_MS = 100;

/**
 * Runs the sealer beside the requests, never in them: kicked after each commit that wrote audit
 * rows (and after a request's audited viewings), and on a short sweep for rows of other
 * replicas. One pass at a time in this process; a kick during a pass asks for one more. It
 * has a connection of its own: it never takes one from the requests' pool.
 */
export class AuditSealer {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly pool: pg.Pool;

  constructor(
    databaseUrl: string,
    private readonly logger: Logger,
  ) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 1, application_name: 'dms audit sealer' });
    this.pool.on('error', (err) => this.logger.warn({ err }, 'audit sealer connection lost'));
  }

  /** Starts (or, after `stop`, restarts) sealing: a pass now, then the sweep. */
  start(): void {
    clearInterval(this.timer);
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), SEAL_SWEEP_MS);
    this.timer.unref();
    this.kick();
  }

  /** Seal soon (after the current turn); coalesces kicks. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = new Promise<void>((resolve) => setTimeout(resolve, SEAL_DELAY_MS))
      .then(() => this.pass())
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Seals every pending row now (tests, the daily register, shutdown). */
  async flush(): Promise<void> {
    await this.running;
    await this.pass();
  }

  /**
   * Stops sealing (kicks do nothing; rows wait unsealed) until `start` again; `flush` before
   * `close` seals what the last requests wrote.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async pass(): Promise<void> {
    try {
      const client = await this.pool.connect();
      // A connection lost mid-pass fails the pass (logged below), not the process.
      let broken = false;
      const lost = (err: Error) => {
        broken = true;
        this.logger.warn({ err }, 'audit sealer connection lost');
      };
      client.on('error', lost);
      try {
        await sealPending(client);
      } catch (e) {
        broken = true;
        throw e;
      } finally {
        client.off('error', lost);
        // A client that failed is closed, not reused.
        client.release(broken);
      }
    } catch (err) {
      // The rows stay unsealed and the next pass takes them; verification reports a stall.
      this.logger.error({ err }, 'audit sealing failed');
    }
  }
}
