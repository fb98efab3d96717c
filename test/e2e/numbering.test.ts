import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { nextNumber, type NumberSeries } from '../../schema/numbering/index.js';
import { systemContext } from '../../server/context.js';
import { withTransaction, type UnitOfWork } from '../../server/db/unit-of-work.js';
import { SettableClock } from '../harness/clock.js';
import { withClient } from '../harness/database.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Legal numbers (DOMAIN: protocol, emergency register, fascicoli, repertori) come from one
 * counter row per series, advanced in the caller's transaction: gap-free under concurrency and
 * rollbacks, series independent, yearly series restarting at the Europe/Rome new year.
 */
describe('numbering', () => {
  const clock = new SettableClock('2026-06-15T10:00:00Z');
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ clock, seedDemo: false });
  });
  after(async () => {
    await env.close();
  });

  const series = (name: string, yearly = true): NumberSeries => ({
    series: 'test',
    within: [name],
    yearly,
  });

  async function inUnit<T>(work: (tx: UnitOfWork) => Promise<T>): Promise<T> {
    const ctx = await systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'test' });
    return withTransaction(ctx, work);
  }

  class ForcedRollback extends Error {}

  it('200 parallel callers with 10 % rollbacks get exactly 1..N, no duplicate, no gap', async () => {
    const key = series(`parallel-${randomUUID().slice(0, 8)}`);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        inUnit(async (tx) => {
          const n = await nextNumber(tx, key);
          if (i % 10 === 3) throw new ForcedRollback(`caller ${i} rolls back ${n.number}`);
          return n.number;
        }),
      ),
    );
    const committed = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const rolledBack = results.filter((r) => r.status === 'rejected');
    assert.equal(rolledBack.length, 20);
    assert.ok(rolledBack.every((r) => r.status === 'rejected' && r.reason instanceof ForcedRollback));
    assert.deepEqual(
      [...committed].sort((a, b) => a - b),
      Array.from({ length: 180 }, (_, i) => i + 1),
    );
    const next = await inUnit((tx) => nextNumber(tx, key));
    assert.equal(next.number, 181, 'the counter stands at the last committed number');
  });

  it('a caller of one series waits for another of it; a second series does not', async () => {
    const a = series(`a-${randomUUID().slice(0, 8)}`);
    const b = series(`b-${randomUUID().slice(0, 8)}`);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstTaken!: () => void;
    const taken = new Promise<void>((resolve) => (firstTaken = resolve));
    const first = inUnit(async (tx) => {
      const n = await nextNumber(tx, a);
      firstTaken();
      await held; // the transaction stays open, its counter row locked
      return n.number;
    });
    await taken;
    let sameSeriesDone = false;
    const sameSeries = inUnit((tx) => nextNumber(tx, a)).then((n) => {
      sameSeriesDone = true;
      return n.number;
    });
    const started = Date.now();
    const other = await inUnit((tx) => nextNumber(tx, b));
    assert.equal(other.number, 1);
    assert.ok(Date.now() - started < 2000, 'the other series answered at once');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sameSeriesDone, false, 'the same series waits for the open transaction');
    release();
    assert.equal(await first, 1);
    assert.equal(await sameSeries, 2);
  });

  it('a yearly series restarts at 1 at midnight in Italy, not at midnight UTC', async () => {
    const key = series(`year-${randomUUID().slice(0, 8)}`);
    clock.set('2026-12-31T22:59:59Z'); // 23:59:59 on 31 December in Rome
    assert.deepEqual(await inUnit((tx) => nextNumber(tx, key)), { number: 1, year: 2026 });
    assert.deepEqual(await inUnit((tx) => nextNumber(tx, key)), { number: 2, year: 2026 });
    clock.set('2026-12-31T23:00:00Z'); // 00:00 on 1 January 2027 in Rome, still 2026 in UTC
    assert.deepEqual(await inUnit((tx) => nextNumber(tx, key)), { number: 1, year: 2027 });
    const perpetual = series(`perpetual-${randomUUID().slice(0, 8)}`, false);
    assert.deepEqual(await inUnit((tx) => nextNumber(tx, perpetual)), { number: 1, year: null });
    clock.set('2027-06-01T00:00:00Z');
    assert.deepEqual(await inUnit((tx) => nextNumber(tx, perpetual)), { number: 2, year: null });
  });

  it('the database refuses a counter that jumps, goes back, restarts or disappears', async () => {
    const key = series(`db-${randomUUID().slice(0, 8)}`, false);
    await inUnit((tx) => nextNumber(tx, key));
    await inUnit((tx) => nextNumber(tx, key));
    const k = 'test/' + key.within[0];
    await withClient(env.databaseUrl, async (c) => {
      await assert.rejects(
        c.query(`update number_counter set last_value = 5 where key = $1`, [k]),
        /only advances/,
      );
      await assert.rejects(
        c.query(`update number_counter set last_value = 1 where key = $1`, [k]),
        /only advances/,
      );
      await assert.rejects(c.query(`delete from number_counter where key = $1`, [k]), /never deleted/);
      await assert.rejects(c.query(`truncate number_counter`), /never deleted/);
      await assert.rejects(
        c.query(`insert into number_counter (key, last_value, updated_at) values ('x/y', 7, now())`),
        /starts at 1/,
      );
      const row = await c.query<{ last_value: string }>(
        'select last_value from number_counter where key = $1',
        [k],
      );
      assert.equal(row.rows[0]?.last_value, '2');
    });
  });
});
