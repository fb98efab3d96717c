import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import {
  GenerateDevelopmentSegnaturaSealDocument,
  RegisterProtocolDocument,
  type RegisterProtocolInput,
} from '../../clients/sdk/generated/graphql.js';
import { Uor } from '../../schema/organisation/index.js';
import { systemContext, type RequestContext } from '../../server/context.js';
import { directSql } from '../../server/db/direct-sql.js';
import { type UnitOfWork, withTransaction } from '../../server/db/unit-of-work.js';
import { withFailingStatement } from '../harness/faults.js';
import { demoIds, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { draftDocuments } from '../harness/protocol-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';
import { withClient } from '../harness/database.js';

/**
 * A unit of work's last write (audit { last: true }) carries its COMMIT: the transaction
 * commits in that statement's round trip, so a lock taken before it (a register's counter row)
 * is free as soon as the statement has run. Nothing may be written after it; a unit joined by
 * an outer one never commits early; a failure in the statement or at the COMMIT leaves nothing,
 * and a registration that fails there consumes no number.
 */
describe('the last write of a unit of work commits with it', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let ctx: RequestContext;
  let desk: GraphqlClient;
  before(async () => {
    env = await startTestEnv();
    ids = await demoIds(env);
    ctx = await systemContext(env.platform, { actorId: null, requestId: 'last-write', agent: 'test' });
    const admin = await env.asUser('admin');
    await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
    desk = await env.asUser('protocollista');
  });
  after(async () => {
    await env.close();
  });

  const entry = (targetId: string) => ({
    aooId: ids.aooId,
    operation: 'test.last-write',
    targetType: 'Test',
    targetId,
    changes: {},
  });
  const auditRows = async (targetId: string): Promise<number> =>
    (
      await sql<{ n: number }>(env, 'select count(*)::int as n from audit_event where target_id = $1', [
        targetId,
      ])
    )[0]?.n ?? -1;
  const takeCounter = (key: string) =>
    `insert into number_counter (key, last_value, updated_at) values ('${key}', 1, now())
     on conflict (key) do update set last_value = number_counter.last_value + 1 returning last_value`;

  it('is committed, and the counter row it locked is free, before the unit returns', async () => {
    const key = `test/last-write/${randomUUID()}`;
    const target = randomUUID();
    await withTransaction(ctx, async (tx) => {
      await directSql(tx.em, takeCounter(key));
      await tx.audit(entry(target), { last: true });
      // Another session: the row is committed, and the counter row can be locked at once
      // (NOWAIT raises lock_not_available while a transaction still holds it).
      assert.equal(await auditRows(target), 1);
      const [row] = await sql<{ last_value: string }>(
        env,
        'select last_value from number_counter where key = $1 for update nowait',
        [key],
      );
      assert.equal(row?.last_value, '1');
    });
    // The unit's own close (the ORM's COMMIT of the empty transaction after) changed nothing.
    assert.equal(await auditRows(target), 1);
  });

  it('lets the ORM close its transaction without a round trip: PostgreSQL sees no COMMIT outside a transaction', async () => {
    const notices: string[] = [];
    const target = randomUUID();
    await withTransaction(ctx, async (tx) => {
      // The transaction's own connection: PostgreSQL warns on it ("there is no transaction in
      // progress") if a COMMIT reaches it after the unit has committed.
      const trx = tx.em.getTransactionContext<{ client: { acquireConnection(): Promise<pg.Client> } }>();
      const connection = await trx?.client.acquireConnection();
      connection?.on('notice', (n) => notices.push(n.message ?? ''));
      await tx.audit(entry(target), { last: true });
    });
    assert.equal(await auditRows(target), 1);
    assert.deepEqual(notices, []);
  });

  it('refuses any write after it: an audit row, a job, a statement, an entity change', async () => {
    const attempts: Array<[string, (tx: UnitOfWork) => Promise<unknown>]> = [
      ['an audit row', (tx) => tx.audit(entry(randomUUID()))],
      ['a job', (tx) => tx.enqueue('conservazione.transfer', {})],
      ['a statement', (tx) => directSql(tx.em, 'select 1')],
    ];
    for (const [what, write] of attempts) {
      const target = randomUUID();
      await assert.rejects(
        withTransaction(ctx, async (tx) => {
          await tx.audit(entry(target), { last: true });
          await write(tx);
        }),
        /after the unit of work committed|after its unit of work committed/,
        what,
      );
      // What came before stands: it was committed.
      assert.equal(await auditRows(target), 1, what);
    }
    const target = randomUUID();
    const before = (
      await sql<{ email: string | null }>(env, 'select email from uor where id = $1', [ids.uor['SEG']])
    )[0]?.email;
    await assert.rejects(
      withTransaction(ctx, async (tx) => {
        const uor = await tx.em.findOneOrFail(Uor, { id: ids.uor['SEG'] ?? '' });
        await tx.audit(entry(target), { last: true });
        uor.email = 'after.last.write@comune.esempio.it';
      }),
      /an entity change after the unit of work committed/,
    );
    const [uor] = await sql<{ email: string | null }>(env, 'select email from uor where id = $1', [
      ids.uor['SEG'],
    ]);
    assert.equal(uor?.email, before, 'the change after the last write is not written');
  });

  it('does not commit a unit joined by an outer one, also through a context made from it: the outer failing undoes it', async () => {
    const target = randomUUID();
    await assert.rejects(
      withTransaction(ctx, async (outer) => {
        await withTransaction(outer, async (inner) => {
          await inner.audit(entry(randomUUID()), { last: true });
        });
        // As the PEC ingest registers: as the registrar, in a context made from the unit's.
        await withTransaction({ ...outer, requestId: 'as-registrar' }, async (inner) => {
          await inner.audit(entry(target), { last: true });
        });
        assert.equal(await auditRows(target), 0, 'not committed while the outer unit runs');
        // The outer unit writes on after the inner one's "last" write, in the same transaction.
        await outer.audit(entry(randomUUID()));
        throw new Error('the outer unit fails');
      }),
      /the outer unit fails/,
    );
    assert.equal(await auditRows(target), 0);
  });

  const input = (documentId: string): RegisterProtocolInput => ({
    kind: 'ARRIVO',
    documentId,
    oggetto: 'Richiesta di accesso agli atti',
    correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Mario', cognome: 'Rossi' }],
  });
  const lastNumber = async (): Promise<number> =>
    (
      await sql<{ n: number | null }>(env, 'select max(number) as n from protocol_record where aoo_id = $1', [
        ids.aooId,
      ])
    )[0]?.n ?? 0;
  const leftBehind = async (documentId: string) =>
    (
      await sql<{ records: number; audits: number; status: string }>(
        env,
        `select (select count(*)::int from protocol_record where document_id = $1) as records,
                (select count(*)::int from audit_event where target_type = 'ProtocolRecord'
                   and changes ->> 'documentId' = $1::text) as audits,
                (select kind from document where id = $1) as status`,
        [documentId],
      )
    )[0];

  it('a registration whose last statement fails leaves nothing and consumes no number', async () => {
    const [failing, next] = await draftDocuments(env, ids.uor['PROT'] ?? '', 2, 'protocollista');
    assert.ok(failing && next);
    const before = await lastNumber();
    const r = await withFailingStatement(
      env.databaseUrl,
      { table: 'protocol_segnatura', event: 'insert' },
      () => desk.request(RegisterProtocolDocument, { input: input(failing) }),
    );
    assert.ok(r.errors?.length, 'the registration fails');
    assert.deepEqual(await leftBehind(failing), { records: 0, audits: 0, status: 'NON_PROTOCOLLATO' });
    const ok = await desk.data(RegisterProtocolDocument, { input: input(next) });
    assert.equal(ok.registerProtocol.number, before + 1, 'the number was given back');
  });

  it('a registration refused at its COMMIT (a deferred constraint) leaves nothing and consumes no number', async () => {
    const docs = await draftDocuments(env, ids.uor['PROT'] ?? '', 4, 'protocollista');
    const [refused, ...rest] = docs;
    assert.ok(refused);
    const before = await lastNumber();
    await withClient(env.databaseUrl, (c) =>
      c.query(
        `create function refuse_at_commit() returns trigger language plpgsql as $$
           begin raise exception 'refused at commit (injected)'; end $$;
         create constraint trigger refuse_at_commit after insert on protocol_record
           deferrable initially deferred for each row
           when (new.document_id = '${refused}') execute function refuse_at_commit();`,
      ),
    );
    try {
      const r = await desk.request(RegisterProtocolDocument, { input: input(refused) });
      assert.ok(r.errors?.length, 'the registration fails');
      assert.deepEqual(await leftBehind(refused), { records: 0, audits: 0, status: 'NON_PROTOCOLLATO' });
      // The pool's connections are sound after it: the next registrations number on from before.
      const numbers: number[] = [];
      for (const d of rest)
        numbers.push(
          (await desk.data(RegisterProtocolDocument, { input: input(d) })).registerProtocol.number,
        );
      assert.deepEqual(numbers, [before + 1, before + 2, before + 3]);
    } finally {
      await withClient(env.databaseUrl, (c) =>
        c.query('drop trigger refuse_at_commit on protocol_record; drop function refuse_at_commit();'),
      );
    }
  });
});
