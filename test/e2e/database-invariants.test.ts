import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrate, openOrm, pendingMigrations, type Orm } from '../../server/db/orm.js';
import { createLogger } from '../../server/logger.js';
import { coreModules } from '../../schema/modules.js';
import { composeModules } from '../../server/modules/compose.js';
import { createTestDatabase, withClient, type TestDatabase } from '../harness/database.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/** What PostgreSQL itself guarantees, whatever code writes to it. */
describe('database: migrations', () => {
  let db: TestDatabase;
  let orms: Orm[];
  before(async () => {
    db = await createTestDatabase();
    const logger = createLogger('silent');
    const modules = composeModules(coreModules);
    orms = [await openOrm(db.url, logger, modules), await openOrm(db.url, logger, modules)];
  });
  after(async () => {
    for (const orm of orms) await orm.close(true);
    await db.drop();
  });

  it('applies migrations once when two replicas start together', async () => {
    const [a, b] = await Promise.all(orms.map((orm) => migrate(orm)));
    const all = [...(a ?? []), ...(b ?? [])];
    assert.ok(all.length >= 2, 'migrations were applied');
    assert.equal(new Set(all).size, all.length, 'no migration ran twice');
    for (const orm of orms) assert.deepEqual(await pendingMigrations(orm), []);
  });
});

/** Each invariant on a migrated database holding the demo organisation (independent of the test above). */
describe('database: invariants', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(async () => {
    await env.close();
  });

  it('never deletes users, UORs or memberships', async () => {
    for (const table of ['app_user', 'uor', 'membership']) {
      await assert.rejects(
        withClient(env.databaseUrl, (c) => c.query(`delete from ${table}`)),
        /never deleted/,
        table,
      );
    }
  });

  it('keeps the UOR hierarchy a tree within one AOO', async () => {
    await assert.rejects(
      withClient(env.databaseUrl, (c) =>
        c.query(`update uor set parent_id = (select id from uor where code = 'RAG') where code = 'SEG'`),
      ),
      /own ancestor/,
    );
    await assert.rejects(
      withClient(env.databaseUrl, (c) => c.query(`update uor set parent_id = id where code = 'TEC'`)),
      /uor_not_own_parent|own ancestor/,
    );
  });

  it('keeps a document in the AOO of its UOR', async () => {
    await withClient(env.databaseUrl, async (c) => {
      await c.query(`insert into administration (id, ipa_code, name) values (gen_random_uuid(), 'c_x', 'X')`);
      await c.query(
        `insert into aoo (id, administration_id, code, name, pec_address, register_code)
         select gen_random_uuid(), id, 'AX', 'X', 'x@pec.it', 'R' from administration where ipa_code = 'c_x'`,
      );
    });
    await assert.rejects(
      withClient(env.databaseUrl, (c) =>
        c.query(
          `insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
           select gen_random_uuid(), (select id from aoo where code = 'AX'), (select id from uor where code = 'RAG'),
                  'NON_PROTOCOLLATO', 'x', (select id from app_user where username = 'protocollista')`,
        ),
      ),
      /document_uor_in_aoo/,
    );
  });

  it('lets a document look registered (PROTOCOLLATO, REPERTORIATO) only with a registration time', async () => {
    const insert = (kind: string, registered: string) =>
      withClient(env.databaseUrl, (c) =>
        c.query(
          `insert into document (id, aoo_id, uor_id, kind, oggetto, created_by, registered_at)
           select gen_random_uuid(), u.aoo_id, u.id, $1, 'x', (select id from app_user where username = 'protocollista'), ${registered}
             from uor u where u.code = 'RAG'`,
          [kind],
        ),
      );
    for (const kind of ['PROTOCOLLATO', 'REPERTORIATO']) {
      await assert.rejects(insert(kind, 'null'), /document_kind_registered/, kind);
      await insert(kind, 'now()');
    }
    await insert('NON_PROTOCOLLATO', 'null');
  });

  it('keeps the audit table append-only', async () => {
    await withClient(env.databaseUrl, (c) =>
      c.query(`insert into audit_event (operation, target_type) values ('test', 'Test')`),
    );
    await assert.rejects(
      withClient(env.databaseUrl, (c) => c.query(`update audit_event set operation = 'x'`)),
      /append-only/,
    );
    await assert.rejects(
      withClient(env.databaseUrl, (c) => c.query(`delete from audit_event`)),
      /append-only/,
    );
    // The hash chain refers to every row: a plain TRUNCATE is refused for that, a cascading
    // one by the chain's own trigger.
    await assert.rejects(
      withClient(env.databaseUrl, (c) => c.query(`truncate audit_event`)),
      /foreign key|append-only/,
    );
    await assert.rejects(
      withClient(env.databaseUrl, (c) => c.query(`truncate audit_event cascade`)),
      /append-only/,
    );
  });
});
