import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { systemContext, type RequestContext } from '../../server/context.js';
import { beginWithFirstStatement } from '../../server/db/begin-with-first-statement.js';
import { directSql } from '../../server/db/direct-sql.js';
import { type UnitOfWork, withTransaction } from '../../server/db/unit-of-work.js';
import { sql } from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * A transaction's BEGIN travels with its first statement (server/db/begin-with-first-statement):
 * one round trip less a unit of work, the same transaction. Through the ORM's units, and on a
 * connection driven as knex drives it, for the cases the ORM rarely meets: a text of several
 * statements, a failing first statement, a BEGIN that fails.
 */
describe("a transaction's BEGIN goes with its first statement", () => {
  let env: TestEnv;
  let ctx: RequestContext;
  before(async () => {
    env = await startTestEnv();
    ctx = await systemContext(env.platform, { actorId: null, requestId: 'begin-first', agent: 'test' });
  });
  after(async () => {
    await env.close();
  });

  /** The server's view of a backend: 'idle', 'idle in transaction'… */
  const backendState = async (pid: number): Promise<string | undefined> =>
    (await sql<{ state: string }>(env, 'select state from pg_stat_activity where pid = $1', [pid]))[0]?.state;

  /** The unit's own connection, and a count of the round trips it completes from now on. */
  const transactionConnection = async (tx: UnitOfWork) => {
    const trx = tx.em.getTransactionContext<{ client: { acquireConnection(): Promise<pg.Client> } }>();
    const connection = await trx?.client.acquireConnection();
    assert.ok(connection);
    const roundTrips = { n: 0 };
    protocolOf(connection).on('readyForQuery', () => roundTrips.n++);
    return { connection, roundTrips };
  };

  const counterKey = () => `test/begin-first/${randomUUID()}`;
  const counter = async (key: string): Promise<string | undefined> =>
    (await sql<{ last_value: string }>(env, 'select last_value from number_counter where key = $1', [key]))[0]
      ?.last_value;

  it('opens no transaction on the server before the first statement, then runs it in one round trip, in the transaction', async () => {
    const key = counterKey();
    await assert.rejects(
      withTransaction(ctx, async (tx) => {
        const { connection, roundTrips } = await transactionConnection(tx);
        assert.equal(await backendState(processId(connection)), 'idle');
        const xid = `select pg_current_xact_id()::text as xid`;
        const [first] = await directSql<{ xid: string }>(tx.em, xid);
        assert.equal(roundTrips.n, 1);
        assert.equal(await backendState(processId(connection)), 'idle in transaction');
        await directSql(tx.em, takeCounterText, [key]);
        const [again] = await directSql<{ xid: string }>(tx.em, xid);
        assert.equal(again?.xid, first?.xid);
        assert.equal(roundTrips.n, 3);
        throw new Error('undo');
      }),
      /undo/,
    );
    // The statement ran in the transaction: the rollback took it back.
    assert.equal(await counter(key), undefined);
  });

  it("carries BEGIN with the ORM's own queries (simple protocol, one statement) too", async () => {
    await withTransaction(ctx, async (tx) => {
      const { connection, roundTrips } = await transactionConnection(tx);
      assert.equal(await backendState(processId(connection)), 'idle');
      assert.deepEqual(await tx.em.execute(`select 1 as n`), [{ n: 1 }]);
      assert.equal(roundTrips.n, 1);
      assert.equal(await backendState(processId(connection)), 'idle in transaction');
    });
  });

  it('sends nothing for a unit that runs no statement', async () => {
    let trips: { n: number } | undefined;
    await withTransaction(ctx, async (tx) => {
      trips = (await transactionConnection(tx)).roundTrips;
    });
    assert.equal(trips?.n, 0);
  });

  it('fails the unit with its first statement, and the connections stay sound', async () => {
    const key = counterKey();
    await assert.rejects(
      withTransaction(ctx, async (tx) => {
        await directSql(tx.em, 'select 1 / 0');
        await directSql(tx.em, takeCounterText, [key]);
      }),
      /division by zero/,
    );
    assert.equal(await counter(key), undefined);
    // Every pooled connection again: each opens and closes its transactions as before.
    await Promise.all(
      Array.from({ length: 12 }, () =>
        withTransaction(ctx, (tx) => directSql(tx.em, takeCounterText, [key])),
      ),
    );
    assert.equal(await counter(key), '12');
    await directSql(ctx.em, takeCounterText, [key]);
    assert.equal(await counter(key), '13');
  });

  describe('on a connection driven as knex drives it', () => {
    let client: pg.Client;
    let roundTrips = 0;
    const notices: string[] = [];
    before(async () => {
      client = new pg.Client({ connectionString: env.databaseUrl });
      await client.connect();
      beginWithFirstStatement(client);
      protocolOf(client).on('readyForQuery', () => roundTrips++);
      client.on('notice', (n) => notices.push(n.message ?? ''));
      await client.query('create temporary table t (n int primary key)');
    });
    after(async () => {
      await client.end();
    });

    /** As knex's pg dialect: a config with values, and a callback. */
    const knexQuery = (text: string, values: unknown[] = []) =>
      new Promise<pg.QueryResult>((resolve, reject) => {
        void client.query({ text, values }, (error: Error | null, result: pg.QueryResult) =>
          error ? reject(error) : resolve(result),
        );
      });
    const rows = async () =>
      (await client.query<{ n: number }>('select n from t order by n')).rows.map((r) => r.n);
    const trips = async (work: () => Promise<unknown>) => {
      const before = roundTrips;
      await work();
      return roundTrips - before;
    };

    it("prepares its BEGIN with the connection's first transaction, then binds it", async () => {
      assert.equal(await trips(() => knexQuery('BEGIN;')), 1);
      await knexQuery('insert into t values ($1)', [1]);
      await knexQuery('COMMIT;');
      assert.equal(await trips(() => knexQuery('BEGIN;')), 0);
      assert.equal(await trips(() => knexQuery('insert into t values ($1)', [2])), 1);
      assert.equal(await trips(() => knexQuery('ROLLBACK;')), 1);
      assert.deepEqual(await rows(), [1]);
      // Nothing sent twice, nothing missing: PostgreSQL warned of no BEGIN or COMMIT.
      assert.deepEqual(notices, []);
    });

    it('sends a text of several statements after a BEGIN of its own, in the transaction', async () => {
      await knexQuery('BEGIN;');
      const results = (await knexQuery(
        'insert into t values (3); insert into t values (4)',
      )) as unknown as unknown[];
      assert.equal(results.length, 2);
      assert.deepEqual(await rows(), [1, 3, 4]);
      await knexQuery('ROLLBACK;');
      assert.deepEqual(await rows(), [1]);
      assert.deepEqual(notices, []);
    });

    it('keeps a prepared statement that failed to parse unknown to pg, so it is parsed again later', async () => {
      const text = 'select n from later_table';
      await knexQuery('BEGIN;');
      await assert.rejects(client.query({ name: 'later', text, values: [] }), /later_table.*does not exist/);
      await knexQuery('ROLLBACK;');
      await client.query('create temporary table later_table (n int)');
      await knexQuery('BEGIN;');
      assert.deepEqual((await client.query({ name: 'later', text, values: [] })).rows, []);
      await knexQuery('COMMIT;');
    });

    it('never runs a statement outside its transaction when BEGIN fails', async () => {
      // The prepared BEGIN gone from the server (pg still counts it as prepared): BEGIN fails.
      await client.query('DEALLOCATE unit_begin');
      await knexQuery('BEGIN;');
      await assert.rejects(knexQuery('insert into t values ($1)', [5]), /unit_begin.*does not exist/);
      await knexQuery('ROLLBACK;');
      await knexQuery('BEGIN;');
      await assert.rejects(
        knexQuery('insert into t values (6); insert into t values (7)'),
        /unit_begin.*does not exist/,
      );
      await knexQuery('ROLLBACK;');
      assert.deepEqual(await rows(), [1]);
    });
  });
});

const takeCounterText = `insert into number_counter (key, last_value, updated_at) values (?, 1, now())
  on conflict (key) do update set last_value = number_counter.last_value + 1 returning last_value`;

/** pg's protocol connection under a client (its messages as events). */
function protocolOf(client: pg.Client): { on(event: 'readyForQuery', listener: () => void): void } {
  return (client as unknown as { connection: { on(event: string, listener: () => void): void } }).connection;
}

function processId(client: pg.Client): number {
  return (client as unknown as { processID: number }).processID;
}
