import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import { pipelineBegin } from '../../server/db/pipelined-begin.js';
import { createTestDatabase, type TestDatabase } from '../harness/database.js';

/**
 * A transaction's BEGIN goes with its first statement (server/db/pipelined-begin.ts): one round
 * trip less, and nothing else different. Checked on a real PostgreSQL, on the pg client as
 * knex drives it (`BEGIN;`, then statements with parameters, then `COMMIT;`/`ROLLBACK;`).
 */
describe('pipelined BEGIN', () => {
  let db: TestDatabase;
  let client: pg.Client;
  let other: pg.Client;
  /** Round trips so far: each ends with one ReadyForQuery from the server. */
  let trips = 0;

  before(async () => {
    db = await createTestDatabase();
    client = pipelineBegin(new pg.Client({ connectionString: db.url }));
    await client.connect();
    (client as unknown as { connection: NodeJS.EventEmitter }).connection.on('readyForQuery', () => trips++);
    other = new pg.Client({ connectionString: db.url });
    await other.connect();
    await other.query('create table t (id int primary key, v text)');
  });
  after(async () => {
    await client.end();
    await other.end();
    await db.drop();
  });
  beforeEach(async () => {
    await other.query('truncate t');
    trips = 0;
  });

  const visibleElsewhere = async (id: number) =>
    (await other.query('select 1 from t where id = $1', [id])).rowCount === 1;

  it('sends BEGIN with the first statement: one round trip, and the statements are one transaction', async () => {
    assert.equal((await client.query('BEGIN;')).command, 'BEGIN');
    assert.equal(trips, 0, 'BEGIN alone sends nothing');
    const inserted = await client.query('insert into t (id, v) values ($1, $2) returning id, v', [1, 'a']);
    assert.deepEqual(inserted.rows, [{ id: 1, v: 'a' }]);
    assert.equal(inserted.command, 'INSERT');
    assert.equal(inserted.rowCount, 1);
    assert.equal(trips, 1, 'BEGIN and the INSERT in one round trip');
    await client.query('insert into t (id, v) values ($1, $2)', [2, 'b']);
    assert.equal(await visibleElsewhere(1), false, 'uncommitted: in a transaction');
    await client.query('ROLLBACK;');
    assert.equal(await visibleElsewhere(1), false);
    assert.equal(await visibleElsewhere(2), false);

    await client.query('BEGIN;');
    await client.query('insert into t (id, v) values ($1, $2)', [3, 'c']);
    await client.query('COMMIT;');
    assert.equal(await visibleElsewhere(3), true);
  });

  it('a first statement that fails leaves the transaction aborted, as after a BEGIN of its own', async () => {
    await client.query('BEGIN;');
    await assert.rejects(
      client.query({ name: 'broken', text: 'selec $1::int', values: [1] }),
      /syntax error/,
    );
    await assert.rejects(
      client.query('insert into t (id, v) values ($1, $2)', [4, 'd']),
      (e: { code?: string }) => e.code === '25P02', // in_failed_sql_transaction
    );
    await client.query('ROLLBACK;');
    assert.equal(await visibleElsewhere(4), false);
    // The broken statement was never prepared: it fails again as itself, not as a missing one.
    await assert.rejects(
      client.query({ name: 'broken', text: 'selec $1::int', values: [1] }),
      /syntax error/,
    );

    await client.query('BEGIN;');
    await client.query('insert into t (id, v) values ($1, $2)', [5, 'e']);
    await assert.rejects(
      client.query('insert into t (id, v) values ($1, $2)', [5, 'again']),
      (e: { code?: string }) => e.code === '23505',
    );
    await client.query('ROLLBACK;');
    assert.equal(await visibleElsewhere(5), false, 'a constraint error rolls back the first statement too');
  });

  it('a named statement prepared with the BEGIN is prepared once on the connection', async () => {
    const named = { name: 'insert-t', text: 'insert into t (id, v) values ($1, $2)' };
    for (const id of [6, 7, 8]) {
      await client.query('BEGIN;');
      await client.query({ ...named, values: [id, 'n'] });
      await client.query('COMMIT;');
    }
    assert.equal((await other.query<{ n: number }>('select count(*)::int as n from t')).rows[0]?.n, 3);
    const parsed = (client as unknown as { connection: { parsedStatements: Record<string, string> } })
      .connection.parsedStatements;
    assert.equal(parsed['insert-t'], named.text);
  });

  it('an empty transaction sends nothing; a first statement without parameters goes after a BEGIN of its own', async () => {
    await client.query('BEGIN;');
    assert.equal((await client.query('COMMIT;')).command, 'COMMIT');
    await client.query('BEGIN;');
    await client.query('ROLLBACK;');
    assert.equal(trips, 0);

    await client.query('BEGIN;');
    await client.query("insert into t (id, v) values (9, 'simple')");
    assert.equal(trips, 2, 'BEGIN, then the simple query');
    assert.equal(await visibleElsewhere(9), false);
    await client.query('COMMIT;');
    assert.equal(await visibleElsewhere(9), true);
  });

  it('keeps the isolation level of BEGIN TRANSACTION …, and callbacks work as pg’s', async () => {
    await client.query('BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE;');
    const level = await new Promise<pg.QueryResult<{ level: string }>>((resolve, reject) =>
      client.query(
        { text: 'select current_setting($1) as level', values: ['transaction_isolation'] },
        (err, res) => (err ? reject(err) : resolve(res)),
      ),
    );
    assert.equal(level.rows[0]?.level, 'serializable');
    await client.query('COMMIT;');
    const outside = await client.query<{ level: string }>('select current_setting($1) as level', [
      'transaction_isolation',
    ]);
    assert.equal(outside.rows[0]?.level, 'read committed');
  });
});
