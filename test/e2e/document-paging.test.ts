import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DocumentsDocument, type DocumentsQueryVariables } from '../../clients/sdk/generated/graphql.js';
import { SettableClock } from '../harness/clock.js';
import {
  createDocument,
  demoIds,
  errorCode,
  gql,
  sql,
  uniqueBytes,
  upload,
  type DemoIds,
} from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Documents in the Relay connection style: keyset pages that follow endCursor to the end
 * without gaps or repeats, sorts, and the filters a UI needs (kind, UOR and its subtree,
 * Italian calendar days, text in the oggetto ignoring case and accents), with typed errors.
 */
describe('documents: paging, sorting, filtering', () => {
  const clock = new SettableClock('2027-05-10T08:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  const made: Array<{ id: string; uor: string; oggetto: string }> = [];

  const page = async (user: string, vars: Omit<DocumentsQueryVariables, 'aooId'>) => {
    const r = await gql(env, user, DocumentsDocument, { aooId: ids.aooId, ...vars });
    return r;
  };
  /** Every id the user gets by following endCursor, page by page. */
  const walk = async (user: string, vars: Omit<DocumentsQueryVariables, 'aooId' | 'after'>) => {
    const seen: string[] = [];
    const totals = new Set<number>();
    let after: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const r = await page(user, { ...vars, after });
      assert.equal(r.errors, undefined);
      const c = r.data?.documents;
      assert.ok(c);
      totals.add(c.totalCount);
      assert.equal(c.pageInfo.hasPreviousPage, after !== null);
      seen.push(...c.edges.map((e) => e.node.id));
      assert.equal(c.pageInfo.endCursor, c.edges.at(-1)?.cursor ?? null);
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    assert.equal(totals.size, 1, 'the total does not change between pages');
    return { ids: seen, total: [...totals][0] };
  };

  before(async () => {
    env = await startTestEnv({ clock });
    ids = await demoIds(env);
    const plan: Array<[string, string, string]> = [
      // [user, UOR, oggetto]; one document per hour from 08:00 UTC on 10 May.
      ['rpa.ragioneria', 'RAG', 'Variazione di bilancio'],
      ['rpa.ragioneria', 'RAG', 'Città metropolitana: convenzione'],
      ['rpa.ragioneria', 'TRIB', 'Ruolo TARI 2027'],
      ['rpa.ragioneria', 'FIN', 'CITTÀ di Esempio - rendiconto'],
      ['rpa.tecnico', 'TEC', 'Permesso di costruire 12/2027'],
      ['rpa.tecnico', 'LLPP', 'Manutenzione strade comunali'],
    ];
    for (let round = 0; round < 4; round++) {
      for (const [user, uor, oggetto] of plan) {
        const file = await upload(env, user, uniqueBytes(`${oggetto} ${round}`));
        const doc = await createDocument(env, user, {
          uorId: ids.uor[uor] ?? '',
          primaryFileId: file.id,
          oggetto: `${oggetto} (${round})`,
        });
        made.push({ id: doc.id, uor, oggetto: doc.oggetto });
        clock.set(new Date(clock.now().getTime() + 3600_000));
      }
    }
    // 24 documents from 08:00 UTC on 10 May to 07:00 UTC on 11 May: the last ones fall on
    // 11 May in Rome (UTC+2 in May) from 22:00 UTC on the 10th.
  });
  after(async () => {
    await env.close();
  });

  it('pages of 5 newest first cover every visible document once, in order, with a stable total', async () => {
    const { ids: walked, total } = await walk('segretario', { first: 5 });
    assert.equal(total, 24);
    assert.equal(walked.length, 24);
    assert.equal(new Set(walked).size, 24);
    const expected = await sql<{ id: string }>(
      env,
      'select id from document where aoo_id = $1 order by created_at desc, id desc',
      [ids.aooId],
    );
    assert.deepEqual(
      walked,
      expected.map((r) => r.id),
    );
  });

  it('sorts by oggetto in both directions, paging through ties and all', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const { ids: walked } = await walk('segretario', {
        first: 7,
        orderBy: { field: 'OGGETTO', direction },
      });
      const expected = await sql<{ id: string }>(
        env,
        `select id from document where aoo_id = $1 order by oggetto ${direction}, id ${direction}`,
        [ids.aooId],
      );
      assert.deepEqual(
        walked,
        expected.map((r) => r.id),
        direction,
      );
    }
  });

  it('filters by kind, by UOR with or without its subtree, by Italian day and by text ignoring case and accents', async () => {
    const count = async (filter: DocumentsQueryVariables['filter']) => {
      const r = await page('segretario', { first: 100, filter });
      assert.equal(r.errors, undefined, JSON.stringify(filter));
      assert.equal(r.data?.documents.totalCount, r.data?.documents.edges.length);
      return r.data?.documents.edges.map((e) => e.node) ?? [];
    };
    const registered = made[0]?.id ?? '';
    await sql(env, `update document set kind = 'PROTOCOLLATO', registered_at = now() where id = $1`, [
      registered,
    ]);
    assert.deepEqual(
      (await count({ kinds: ['PROTOCOLLATO'] })).map((d) => d.id),
      [registered],
    );
    assert.equal((await count({ kinds: ['NON_PROTOCOLLATO'] })).length, 23);
    assert.equal((await count({ uorIds: [ids.uor['FIN'] ?? ''] })).length, 4);
    const fin = await count({ uorIds: [ids.uor['FIN'] ?? ''], includeSubUors: true });
    assert.deepEqual([...new Set(fin.map((d) => d.uor?.code))].sort(), ['FIN', 'RAG', 'TRIB']);
    assert.equal(fin.length, 16);
    // 10 May in Rome ends at 22:00 UTC: documents made at 08:00..21:00 UTC (14 of them).
    assert.equal((await count({ createdFrom: '2027-05-10', createdTo: '2027-05-10' })).length, 14);
    assert.equal((await count({ createdFrom: '2027-05-11' })).length, 10);
    assert.equal((await count({ createdTo: '2027-05-09' })).length, 0);
    const citta = await count({ text: 'citta' });
    assert.equal(citta.length, 8);
    assert.ok(citta.every((d) => /città/i.test(d.oggetto)));
    assert.equal((await count({ text: '100%' })).length, 0, 'LIKE wildcards are literal');
    assert.equal((await count({ text: 'tari', uorIds: [ids.uor['TRIB'] ?? ''] })).length, 4);
  });

  it('still shows each user only what they may see', async () => {
    const r = await page('lettore', { first: 100, filter: { uorIds: [ids.uor['TEC'] ?? ''] } });
    assert.deepEqual(r.data?.documents.edges, []);
    assert.equal(r.data?.documents.totalCount, 0);
    const mine = await walk('lettore', { first: 3 });
    assert.equal(mine.total, 8, 'the RAG documents');
  });

  it('refuses a bad page size, cursor, date or text with a typed error naming the argument', async () => {
    const field = async (vars: Omit<DocumentsQueryVariables, 'aooId'>) => {
      const r = await page('segretario', vars);
      assert.equal(errorCode(r), 'BAD_USER_INPUT', JSON.stringify(vars));
      return r.errors?.[0]?.extensions?.['field'];
    };
    assert.equal(await field({ first: 0 }), 'first');
    assert.equal(await field({ first: 101 }), 'first');
    assert.equal(await field({ first: 5, after: 'not-a-cursor' }), 'after');
    assert.equal(await field({ first: 5, after: Buffer.from('["x"]').toString('base64url') }), 'after');
    assert.equal(await field({ filter: { createdFrom: '2027-02-30' } }), 'filter.createdFrom');
    assert.equal(
      await field({ filter: { createdFrom: '2027-05-11', createdTo: '2027-05-10' } }),
      'filter.createdTo',
    );
    assert.equal(await field({ filter: { text: 'x' } }), 'filter.text');
    assert.equal(await field({ filter: { uorIds: ['nope'] } }), 'filter.uorIds[0]');
  });
});
