import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import {
  CreateDocumentDocument,
  UpdateUserDocument,
  UserDocument,
} from '../../clients/sdk/generated/graphql.js';
import {
  demoIds,
  errorCode,
  gql,
  sleep,
  upload,
  uniqueBytes,
  type DemoIds,
} from '../harness/files-helpers.js';
import { withClient } from '../harness/database.js';
import { createMember, createSecondAoo, type SecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/** Defects a code review found in the services; each test failed before its fix. */
describe('review defects', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let other: SecondAoo;
  before(async () => {
    env = await startTestEnv();
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    other = await createSecondAoo(admin);
    // An administrator of the demo AOO only (not a platform administrator).
    await createMember(admin, ids.aooId, ids.uor['SEG'] ?? '', 'amm.demo', 'SYSTEM_ADMIN');
  });
  after(async () => {
    await env.close();
  });

  it('a user administrator check sees a membership committed while it waits (it runs in the write)', async () => {
    const admin = await env.asUser('admin');
    const target = await createMember(admin, ids.aooId, ids.uor['RAG'] ?? '', 'bersaglio', 'READ_ONLY');
    // Another administrator's addMembership into the other AOO, holding the user's row as it does.
    const concurrent = new pg.Client({ connectionString: env.databaseUrl });
    await concurrent.connect();
    try {
      await concurrent.query('begin');
      await concurrent.query('select 1 from app_user where id = $1 for update', [target]);
      await concurrent.query(
        `insert into membership (id, user_id, uor_id, profile) values (gen_random_uuid(), $1, $2, 'READ_ONLY')`,
        [target, other.uorId],
      );
      let settled = false;
      const update = gql(env, 'amm.demo', UpdateUserDocument, {
        id: target,
        input: { givenName: 'Presa' },
      }).finally(() => (settled = true));
      await sleep(400);
      assert.equal(settled, false, 'the check waits for the membership being added');
      await concurrent.query('commit');
      const r = await update;
      // The user now also works in an AOO amm.demo does not administer.
      assert.equal(errorCode(r), 'FORBIDDEN');
    } finally {
      await concurrent.end();
    }
    const after = await gql(env, 'admin', UserDocument, { id: target });
    assert.equal(after.data?.user.givenName, 'Nome');
  });

  it('createDocument reports a failing UOR lookup as a failure, not as a bad uorId', async () => {
    const file = await upload(env, 'protocollista', uniqueBytes('uor-lookup'), 'atto.pdf');
    // Reading a UOR's code fails (as a statement does in an outage); the grants query, which
    // does not read it, still works, so the request gets as far as the lookup.
    let r: Awaited<ReturnType<typeof gql<unknown>>> | undefined;
    await withFailingUorCode(env.databaseUrl, async () => {
      r = await gql(env, 'protocollista', CreateDocumentDocument, {
        input: { uorId: ids.uor['PROT'] ?? '', primaryFileId: file.id, oggetto: 'Atto', attachments: [] },
      });
    });
    assert.ok(r);
    assert.equal(r.status, 200, 'authenticated: the request reached the lookup');
    assert.equal(errorCode(r), 'INTERNAL_SERVER_ERROR');
  });
});

/**
 * Runs `work` while any statement that reads uor.code raises (a view over the table; the
 * function is stable, so queries that do not read the column never call it).
 */
async function withFailingUorCode(databaseUrl: string, work: () => Promise<void>): Promise<void> {
  await withClient(databaseUrl, async (c) => {
    await c.query(`create function injected_read_fault(v text) returns text language plpgsql stable as $$
                     begin raise exception 'database unavailable (injected)'; end $$`);
    const cols = await c.query<{ list: string }>(
      `select string_agg(case when column_name = 'code' then 'injected_read_fault(code) as code'
                              else quote_ident(column_name) end, ', ' order by ordinal_position) as list
         from information_schema.columns where table_schema = 'public' and table_name = 'uor'`,
    );
    await c.query('alter table uor rename to uor_real');
    await c.query(`create view uor as select ${cols.rows[0]?.list ?? '*'} from uor_real`);
  });
  try {
    await work();
  } finally {
    await withClient(databaseUrl, async (c) => {
      await c.query(
        'drop view uor; alter table uor_real rename to uor; drop function injected_read_fault(text)',
      );
    });
  }
}
