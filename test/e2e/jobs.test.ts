import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withClient } from '../harness/database.js';
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
