import PgBoss from 'pg-boss';
import type { Platform } from '../platform.js';

/** A recurring or on-demand job a module contributes. */
export interface JobDefinition {
  name: string;
  /** Cron expression (server time zone: UTC) for recurring jobs. */
  cron?: string;
  run(platform: Platform): Promise<unknown>;
}

/**
 * Jobs live in PostgreSQL (pg-boss), so side effects that must not be lost survive restarts
 * and run once across replicas.
 */
export class JobQueue {
  private constructor(private readonly boss: PgBoss) {}

  static async start(
    platform: Platform,
    databaseUrl: string,
    jobs: readonly JobDefinition[],
  ): Promise<JobQueue> {
    const boss = new PgBoss({
      connectionString: databaseUrl,
      schema: 'pgboss',
      application_name: 'dms-jobs',
    });
    boss.on('error', (err: Error) => platform.logger.error({ err }, 'job queue error'));
    await boss.start();
    for (const job of jobs) {
      await boss.createQueue(job.name);
      if (job.cron) await boss.schedule(job.name, job.cron);
      await boss.work(job.name, async () => {
        const started = Date.now();
        const result = await job.run(platform);
        platform.logger.info({ job: job.name, ms: Date.now() - started, result }, 'job done');
      });
    }
    return new JobQueue(boss);
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
