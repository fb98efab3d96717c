import type { EntityManager } from '@mikro-orm/postgresql';
import PgBoss from 'pg-boss';
import pg from 'pg';
import { systemContext, type SystemOrigin } from '../context.js';
import type { Owned } from '../modules/compose.js';
import type { JobDefinition } from '../modules/module.js';
import type { Platform } from '../platform.js';

/** The data a job carries: its own, and where it comes from (serialised with it). */
interface JobPayload {
  data: object;
  origin: SystemOrigin;
}

export interface EnqueueOptions {
  /** Not before this time. */
  startAfter?: Date;
  /** At most one job of this name with this key waiting at once. */
  singletonKey?: string;
}

/**
 * Jobs live in PostgreSQL (pg-boss), so side effects that must not be lost survive restarts
 * and run once across replicas. A job is enqueued through the connection of the transaction
 * that causes it: a rollback drops it, a commit guarantees it. Every process can enqueue; only
 * processes with JOBS_ENABLED run the handlers and the schedules.
 */
export class JobQueue {
  private readonly byName: ReadonlyMap<string, Owned<JobDefinition>>;
  private boss: PgBoss | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly jobs: ReadonlyArray<Owned<JobDefinition>>,
  ) {
    this.byName = new Map(jobs.map((j) => [j.item.name, j]));
  }

  /**
   * Connects to the queue (creating pg-boss's schema and one queue per job on first use). With
   * `workers`, this process also runs the handlers and the recurring schedules.
   */
  async open(platform: Platform, workers: boolean): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.databaseUrl,
      schema: 'pgboss',
      application_name: 'dms-jobs',
      max: workers ? 4 : 1,
      // Without workers this process only enqueues: no maintenance, no schedules.
      supervise: workers,
      schedule: workers,
    });
    boss.on('error', (err: Error) => platform.logger.error({ err }, 'job queue error'));
    await boss.start();
    this.boss = boss;
    await this.createQueues(boss);
    if (!workers) return;
    for (const { module, item: job } of this.jobs) {
      if (job.cron) await boss.schedule(job.name, job.cron, {});
      await boss.work<Partial<JobPayload>>(job.name, async ([pgJob]) => {
        if (!pgJob) return;
        const origin: SystemOrigin = pgJob.data.origin ?? {
          actorId: null,
          requestId: `job-${pgJob.id}`,
          agent: `job ${job.name}`,
        };
        const ctx = await systemContext(platform, { ...origin, agent: `job ${job.name}` });
        const started = process.hrtime.bigint();
        const result = await job.run(ctx, pgJob.data.data ?? {});
        ctx.logger.info(
          { job: job.name, module, ms: Number(process.hrtime.bigint() - started) / 1e6, result },
          'job done',
        );
      });
    }
  }

  /**
   * One queue per job, created where missing. pg-boss's create_queue takes no lock, and two
   * replicas starting on a brand-new database deadlock in it (one waits on the other's new queue
   * row, the other's foreign key to the queue table waits on it). The replicas take turns under a
   * session advisory lock, on a connection of their own: the second finds the queues made.
   */
  private async createQueues(boss: PgBoss): Promise<void> {
    const missing = async () => {
      const existing = new Set((await boss.getQueues()).map((q) => q.name));
      return this.jobs.filter(({ item }) => !existing.has(item.name));
    };
    if ((await missing()).length === 0) return;
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'dms-jobs' });
    await client.connect();
    try {
      await client.query(`select pg_advisory_lock(hashtextextended('dms.job-queue.create', 0))`);
      for (const { item: job } of await missing()) {
        await boss.createQueue(job.name, {
          name: job.name,
          retryLimit: job.retryLimit ?? 3,
          retryDelay: job.retryDelaySeconds ?? 30,
          retryBackoff: true,
        });
      }
    } finally {
      // Ending the session releases the lock, also when a createQueue failed.
      await client.end();
    }
  }

  /**
   * Inserts a job through `em`'s connection: inside a transaction, the job exists only if the
   * transaction commits. pg-boss writes `$1` placeholders; MikroORM's execute takes `?`.
   */
  async enqueue(
    em: EntityManager,
    name: string,
    data: object,
    origin: SystemOrigin,
    options: EnqueueOptions = {},
  ): Promise<string | null> {
    if (!this.byName.has(name)) throw new Error(`No module declares the job ${name}`);
    if (!this.boss) throw new Error(`The job queue is not open: cannot enqueue ${name}`);
    const boss = this.boss;
    const db = {
      executeSql: async (text: string, values: unknown[]) => {
        const params: unknown[] = [];
        const sql = text.replace(/\?/g, '\\?').replace(/\$(\d+)/g, (_, n: string) => {
          params.push(values[Number(n) - 1]);
          return '?';
        });
        return { rows: await em.execute<unknown[]>(sql, params) };
      },
    };
    const payload: JobPayload = { data, origin };
    return boss.send(name, payload, { ...options, db });
  }

  async stop(): Promise<void> {
    await this.boss?.stop({ graceful: true, wait: true, timeout: 10_000 });
    this.boss = undefined;
  }
}
