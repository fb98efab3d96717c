import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../server/logger.js';
import { JobQueue } from '../../server/jobs/job-queue.js';
import type { Platform } from '../../server/platform.js';
import { createTestDatabase, withClient, type TestDatabase } from '../harness/database.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/** The recurring jobs live in PostgreSQL (pg-boss): scheduled once, whatever the replicas. */
describe('job queue', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ env: { JOBS_ENABLED: 'true' } });
  });
  after(async () => {
    await env.close();
  });

  it('schedules the maintenance jobs in the database', async () => {
    const rows = await withClient(env.databaseUrl, (c) =>
      c.query<{ name: string; cron: string }>('select name, cron from pgboss.schedule order by name'),
    );
    const names = rows.rows.map((r) => r.name);
    for (const job of [
      'documents.blob-orphans',
      'documents.blob-scrub',
      'documents.blob-temp',
      'documents.upload-sessions',
    ])
      assert.ok(names.includes(job), `${job} is scheduled (${names.join(', ')})`);
    assert.ok(
      rows.rows.every((r) => r.cron.split(' ').length === 5),
      'cron expressions',
    );
  });
});

/**
 * Regression: pg-boss's create_queue takes no lock. Two replicas starting on a brand-new database
 * created the same queues at once: one waited on the other's queue row while the other's foreign
 * key to that table waited on it, and PostgreSQL killed one as a deadlock (the replica did not
 * start).
 */
describe('job queue on a brand-new database', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
  });

  it('two replicas opening it at once both start and create every queue once', async () => {
    const jobs = Array.from({ length: 24 }, (_, i) => ({
      module: 'test',
      item: { name: `test.queue-${i}`, run: () => Promise.resolve(null) },
    }));
    const platform = { logger: createLogger('silent') } as Pick<Platform, 'logger'> as Platform;
    for (let round = 0; round < 3; round++) {
      await withClient(db.url, (c) => c.query('drop schema if exists pgboss cascade'));
      const replicas = [new JobQueue(db.url, jobs), new JobQueue(db.url, jobs)];
      try {
        const opened = await Promise.allSettled(replicas.map((q) => q.open(platform, false)));
        assert.deepEqual(
          opened.map((o) => (o.status === 'rejected' ? String(o.reason) : 'started')),
          ['started', 'started'],
          `round ${round}`,
        );
      } finally {
        await Promise.all(replicas.map((q) => q.stop()));
      }
      const queues = await withClient(db.url, (c) =>
        c.query<{ n: string }>("select count(*) as n from pgboss.queue where name like 'test.queue-%'"),
      );
      assert.equal(Number(queues.rows[0]?.n), jobs.length);
    }
  });
});
