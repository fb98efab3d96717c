import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AddDocumentToRaccoglitoreDocument,
  CloseRaccoglitoreDocument,
  CreateRaccoglitoreDocument,
  DocumentRaccoglitoriDocument,
  RaccoglitoreDocument,
  RaccoglitoreDocumentsDocument,
  RaccoglitoreHistoryDocument,
  RaccoglitoriDocument,
  RaccoglitoriInFullDocument,
  RemoveDocumentFromRaccoglitoreDocument,
  UpdateRaccoglitoreDocument,
  type RaccoglitoreDocumentsQuery,
  type RaccoglitoreFilter,
} from '../../clients/sdk/generated/graphql.js';
import { RaccoglitoreDocumentAdded, RaccoglitoreDocumentRemoved } from '../../schema/raccoglitori/index.js';
import type { EventEnvelope } from '../../server/events/domain-event.js';
import {
  comparable,
  createDocument,
  demoIds,
  errorCode,
  sleep,
  sql,
  uniqueBytes,
  upload,
  type DemoIds,
} from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { addMembership, createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { traceSql } from '../harness/sql-trace.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Raccoglitori (001 §4.8): the rules and their typed errors, membership as history (also in the
 * database), row visibility of raccoglitori and of the documents inside them, events released
 * after commit only, and SQL statements that do not grow with the documents listed.
 */
describe('raccoglitori', () => {
  let env: TestEnv;
  let ids: DemoIds;
  const clients = new Map<string, GraphqlClient>();
  const as = (username: string): GraphqlClient => {
    const c = clients.get(username);
    assert.ok(c, username);
    return c;
  };

  /** A draft document of a demo UOR, made by a user who may create there. */
  async function doc(username: string, uor: string, oggetto = `Documento ${uor}`): Promise<string> {
    const file = await upload(env, username, uniqueBytes(oggetto));
    return (
      await createDocument(env, username, { uorId: ids.uor[uor] ?? '', oggetto, primaryFileId: file.id })
    ).id;
  }

  async function raccoglitore(username: string, uor: string, name: string): Promise<string> {
    const r = await as(username).data(CreateRaccoglitoreDocument, {
      input: { uorId: ids.uor[uor] ?? '', name, description: `Raccoglitore ${name}` },
    });
    return r.createRaccoglitore.id;
  }

  const add = (username: string, raccoglitoreId: string, documentId: string) =>
    as(username).request(AddDocumentToRaccoglitoreDocument, { raccoglitoreId, documentId });
  const remove = (username: string, raccoglitoreId: string, documentId: string) =>
    as(username).request(RemoveDocumentFromRaccoglitoreDocument, { raccoglitoreId, documentId });

  before(async () => {
    // The nested query of the statement count lists far beyond the default cost on purpose.
    env = await startTestEnv({ env: { GRAPHQL_MAX_COST: '1000000000' } });
    ids = await demoIds(env);
    for (const u of [
      'rgd',
      'protocollista',
      'rpa.ragioneria',
      'rpa.tecnico',
      'lettore',
      'segretario',
      'admin',
    ])
      clients.set(u, await env.asUser(u));
  });
  after(async () => {
    await env.close();
  });

  it('creates, renames, describes and closes; closed is readable and refuses every change', async () => {
    const rpa = as('rpa.ragioneria');
    const created = (
      await rpa.data(CreateRaccoglitoreDocument, {
        input: {
          uorId: ids.uor['RAG'] ?? '',
          name: 'Contributi alle associazioni',
          description: 'Anno 2026',
        },
      })
    ).createRaccoglitore;
    assert.equal(created.state, 'OPEN');
    assert.equal(created.uor?.code, 'RAG');
    assert.equal(created.createdBy?.username, 'rpa.ragioneria');
    assert.equal(created.closedAt, null);

    const renamed = (
      await rpa.data(UpdateRaccoglitoreDocument, {
        id: created.id,
        input: { name: 'Contributi ad associazioni sportive', description: '' },
      })
    ).updateRaccoglitore;
    assert.equal(renamed.name, 'Contributi ad associazioni sportive');
    assert.equal(renamed.description, null, 'an empty description clears it');

    // The name is unique among the open raccoglitori of the AOO, case ignored, whatever the UOR.
    const clash = await as('rgd').request(CreateRaccoglitoreDocument, {
      input: { uorId: ids.uor['TEC'] ?? '', name: 'CONTRIBUTI AD ASSOCIAZIONI SPORTIVE' },
    });
    assert.equal(errorCode(clash), 'RACCOGLITORE_NAME_IN_USE');
    assert.equal(clash.errors?.[0]?.extensions?.['field'], 'name');
    const empty = await rpa.request(CreateRaccoglitoreDocument, {
      input: { uorId: ids.uor['RAG'] ?? '', name: '  ' },
    });
    assert.equal(errorCode(empty), 'BAD_USER_INPUT');

    const documentId = await doc('rpa.ragioneria', 'RAG');
    assert.equal(errorCode(await add('rpa.ragioneria', created.id, documentId)), undefined);
    const closed = (await rpa.data(CloseRaccoglitoreDocument, { id: created.id })).closeRaccoglitore;
    assert.equal(closed.state, 'CLOSED');
    assert.equal(closed.closedBy?.username, 'rpa.ragioneria');
    assert.ok(closed.closedAt);

    for (const refused of [
      await rpa.request(UpdateRaccoglitoreDocument, { id: created.id, input: { name: 'Altro nome' } }),
      await rpa.request(CloseRaccoglitoreDocument, { id: created.id }),
      await add('rpa.ragioneria', created.id, await doc('rpa.ragioneria', 'RAG')),
      await remove('rpa.ragioneria', created.id, documentId),
    ]) {
      assert.equal(errorCode(refused), 'RACCOGLITORE_CLOSED');
    }
    // Still readable, with its documents; and its name is free again for an open one.
    const read = await as('lettore').data(RaccoglitoreDocumentsDocument, { id: created.id });
    assert.deepEqual(
      read.raccoglitore.documents.edges.map((e) => e.node.id),
      [documentId],
    );
    await raccoglitore('rgd', 'TEC', 'Contributi ad associazioni sportive');
  });

  it('keeps membership as history: who and when, added and removed, never overwritten', async () => {
    const id = await raccoglitore('rpa.ragioneria', 'RAG', 'Storia delle adesioni');
    const documentId = await doc('protocollista', 'RAG');
    assert.equal(errorCode(await add('rpa.ragioneria', id, documentId)), undefined);
    const twice = await add('rgd', id, documentId);
    assert.equal(errorCode(twice), 'DOCUMENT_ALREADY_IN_RACCOGLITORE');
    assert.equal(errorCode(await remove('rgd', id, documentId)), undefined);
    const again = await remove('rpa.ragioneria', id, documentId);
    assert.equal(errorCode(again), 'DOCUMENT_NOT_IN_RACCOGLITORE');
    const never = await remove('rgd', id, await doc('rgd', 'RAG'));
    assert.equal(errorCode(never), 'DOCUMENT_NOT_IN_RACCOGLITORE');
    assert.equal(errorCode(await add('rgd', id, documentId)), undefined);

    const history = (await as('rgd').data(RaccoglitoreHistoryDocument, { id })).raccoglitore.history;
    assert.equal(history.totalCount, 3);
    assert.deepEqual(
      history.edges.map((e) => [e.node.action, e.node.by?.username, e.node.document.id]),
      [
        ['ADDED', 'rpa.ragioneria', documentId],
        ['REMOVED', 'rgd', documentId],
        ['ADDED', 'rgd', documentId],
      ],
    );
    const times = history.edges.map((e) => Date.parse(e.node.at));
    assert.ok(
      times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0)),
      'in time order',
    );
    const docs = (await as('rgd').data(RaccoglitoreDocumentsDocument, { id })).raccoglitore.documents;
    assert.equal(docs.totalCount, 1);
    const of = await as('rgd').data(DocumentRaccoglitoriDocument, { id: documentId });
    assert.deepEqual(
      of.document.raccoglitori.map((r) => r.id),
      [id],
    );
    // Three rows in the database, one per step, and one audit row per step.
    const rows = await sql<{ version: number; action: string }>(
      env,
      'select version, action from raccoglitore_document_event where raccoglitore_id = $1 order by id',
      [id],
    );
    assert.deepEqual(
      rows.map((r) => [r.version, r.action]),
      [
        [1, 'ADDED'],
        [2, 'REMOVED'],
        [3, 'ADDED'],
      ],
    );
    const audited = await sql<{ operation: string }>(
      env,
      `select operation from audit_event where target_id = $1 order by id`,
      [id],
    );
    assert.deepEqual(
      audited.map((a) => a.operation),
      [
        'raccoglitore.create',
        'raccoglitore.document-add',
        'raccoglitore.document-remove',
        'raccoglitore.document-add',
      ],
    );
  });

  it('shows only the documents the caller may see, in items, counts and history', async () => {
    const id = await raccoglitore('rgd', 'RAG', 'Bilancio di previsione');
    const rag = await doc('rgd', 'RAG', 'Relazione del revisore');
    const trib = await doc('rgd', 'TRIB', 'Gettito IMU previsto');
    const tec = await doc('rgd', 'TEC', 'Spese di investimento per opere');
    for (const d of [rag, trib, tec]) assert.equal(errorCode(await add('rgd', id, d)), undefined);

    const want: Record<string, string[]> = {
      rgd: [rag, trib, tec],
      segretario: [rag, trib, tec],
      'rpa.ragioneria': [rag, trib],
      lettore: [rag],
    };
    for (const [username, docs] of Object.entries(want)) {
      const r = (await as(username).data(RaccoglitoreDocumentsDocument, { id })).raccoglitore.documents;
      assert.deepEqual(
        r.edges.map((e) => e.node.id),
        docs,
        username,
      );
      assert.equal(r.totalCount, docs.length, username);
      const h = (await as(username).data(RaccoglitoreHistoryDocument, { id })).raccoglitore.history;
      assert.equal(h.totalCount, docs.length, `${username} history`);
      assert.deepEqual(
        h.edges.map((e) => e.node.document.id),
        docs,
        `${username} history`,
      );
    }
    // Listing the documents of a raccoglitore is a viewing of them: audited with the ids shown.
    const [viewing] = await sql<{ changes: { ids: string[] } }>(
      env,
      `select changes from audit_event where operation = 'document.list' and actor_username = 'lettore' order by id desc limit 1`,
    );
    assert.deepEqual(viewing?.changes.ids, [rag]);
    // The RPA of another area cannot add a document it does not see, nor see this raccoglitore.
    const hidden = await as('rpa.tecnico').request(RaccoglitoreDocument, { id });
    assert.equal(errorCode(hidden), 'NOT_FOUND');
    const notSeen = await add('rpa.ragioneria', id, tec);
    assert.equal(errorCode(notSeen), 'NOT_FOUND');
    assert.equal(notSeen.errors?.[0]?.extensions?.['kind'], 'Document');
  });

  it('answers a hidden raccoglitore exactly like a nonexistent one, with the same statements', async () => {
    const id = await raccoglitore('rpa.ragioneria', 'TRIB', 'Rimborsi TARI');
    const missing = randomUUID();
    const tecnico = as('rpa.tecnico');
    const calls = {
      read: (x: string) => tecnico.request(RaccoglitoreDocument, { id: x }),
      documents: (x: string) => tecnico.request(RaccoglitoreDocumentsDocument, { id: x }),
      rename: (x: string) => tecnico.request(UpdateRaccoglitoreDocument, { id: x, input: { name: 'x' } }),
      close: (x: string) => tecnico.request(CloseRaccoglitoreDocument, { id: x }),
      add: (x: string) =>
        tecnico.request(AddDocumentToRaccoglitoreDocument, { raccoglitoreId: x, documentId: missing }),
    };
    for (const [name, call] of Object.entries(calls)) {
      let hidden: Awaited<ReturnType<typeof call>> | undefined;
      let absent: Awaited<ReturnType<typeof call>> | undefined;
      const hiddenSql = await traceSql(env, [id], async () => (hidden = await call(id)));
      const absentSql = await traceSql(env, [missing], async () => (absent = await call(missing)));
      assert.equal(errorCode(hidden ?? { status: 0 }), 'NOT_FOUND', name);
      assert.equal(comparable(hidden?.errors, id), comparable(absent?.errors, missing), name);
      assert.deepEqual(hiddenSql, absentSql, name);
    }
    // Not in the list, not in the count, not through the document.
    const list = await tecnico.data(RaccoglitoriDocument, { aooId: ids.aooId, first: 100 });
    assert.ok(!list.raccoglitori.edges.some((e) => e.node.id === id));
    assert.equal(list.raccoglitori.totalCount, list.raccoglitori.edges.length);
  });

  it('lists the raccoglitori of an AOO by name, filtered by UOR, state and text, a page at a time', async () => {
    const a = await raccoglitore('rgd', 'LLPP', 'Zz Cantiere via Garibaldi');
    const b = await raccoglitore('rgd', 'LLPP', 'Zz Città più verde');
    const c = await raccoglitore('rgd', 'LLPP', 'Zz Cantiere piazza Duomo');
    await as('rgd').data(CloseRaccoglitoreDocument, { id: c });
    const rgd = as('rgd');
    const llpp = { uorIds: [ids.uor['LLPP'] ?? ''] };
    const names = async (filter: RaccoglitoreFilter) =>
      (await rgd.data(RaccoglitoriDocument, { aooId: ids.aooId, first: 100, filter })).raccoglitori.edges.map(
        (e) => e.node.id,
      );
    assert.deepEqual(await names(llpp), [c, a, b]);
    assert.deepEqual(await names({ ...llpp, state: 'OPEN' }), [a, b]);
    assert.deepEqual(await names({ ...llpp, state: 'CLOSED' }), [c]);
    assert.deepEqual(await names({ ...llpp, text: 'citta' }), [b], 'accents and case ignored');
    assert.deepEqual(
      await names({ ...llpp, text: 'Raccoglitore Zz Cantiere' }),
      [c, a],
      'the description too',
    );
    const first = await rgd.data(RaccoglitoriDocument, { aooId: ids.aooId, first: 2, filter: llpp });
    assert.equal(first.raccoglitori.totalCount, 3);
    assert.equal(first.raccoglitori.pageInfo.hasNextPage, true);
    const next = await rgd.data(RaccoglitoriDocument, {
      aooId: ids.aooId,
      first: 2,
      after: first.raccoglitori.pageInfo.endCursor,
      filter: llpp,
    });
    assert.deepEqual(
      next.raccoglitori.edges.map((e) => e.node.id),
      [b],
    );
    assert.equal(next.raccoglitori.pageInfo.hasNextPage, false);
    const bad = await rgd.request(RaccoglitoriDocument, { aooId: ids.aooId, after: 'nonsense' });
    assert.equal(errorCode(bad), 'BAD_USER_INPUT');
  });

  it('pages through the documents in the order they were added', async () => {
    const id = await raccoglitore('rgd', 'SEG', 'Consiglio comunale 2026');
    const docs: string[] = [];
    for (let i = 0; i < 5; i++) docs.push(await doc('rgd', 'SEG', `Verbale di consiglio ${i}`));
    for (const d of [...docs].reverse()) assert.equal(errorCode(await add('rgd', id, d)), undefined);
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 5; pages++) {
      const page: RaccoglitoreDocumentsQuery['raccoglitore']['documents'] = (
        await as('rgd').data(RaccoglitoreDocumentsDocument, { id, first: 2, after })
      ).raccoglitore.documents;
      seen.push(...page.edges.map((e) => e.node.id));
      assert.equal(page.totalCount, 5);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    assert.deepEqual(seen, [...docs].reverse());
  });

  it('releases RaccoglitoreDocumentAdded/Removed after the commit, and never for a change that failed', async () => {
    const received: EventEnvelope[] = [];
    const subscription = env.platform.events.subscribe(
      RaccoglitoreDocumentAdded,
      RaccoglitoreDocumentRemoved,
    );
    const iterator = subscription[Symbol.asyncIterator]();
    const committedAtDelivery: boolean[] = [];
    const pump = (async () => {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        const data = next.value.data as { raccoglitoreId: string; documentId: string };
        // Delivered only once committed: another connection already sees the row.
        const rows = await sql(
          env,
          'select 1 from raccoglitore_document_event where raccoglitore_id = $1 and document_id = $2',
          [data.raccoglitoreId, data.documentId],
        );
        committedAtDelivery.push(rows.length > 0);
        received.push(next.value);
      }
    })();
    try {
      const id = await raccoglitore('rpa.ragioneria', 'RAG', 'Eventi');
      const documentId = await doc('rpa.ragioneria', 'RAG');
      assert.equal(errorCode(await add('rpa.ragioneria', id, documentId)), undefined);
      assert.equal(
        errorCode(await add('rpa.ragioneria', id, documentId)),
        'DOCUMENT_ALREADY_IN_RACCOGLITORE',
      );
      assert.equal(errorCode(await remove('rpa.ragioneria', id, documentId)), undefined);
      for (let i = 0; i < 50 && received.length < 2; i++) await sleep(20);

      // A transaction that fails at its commit (a deferred check, after the work has published):
      // the event it collected is dropped with it.
      const other = await doc('rpa.ragioneria', 'RAG');
      await sql(
        env,
        `create function test_refuse_at_commit() returns trigger language plpgsql as $$
         begin raise exception 'refused at commit (test)'; end $$;
         create constraint trigger test_refuse_at_commit after insert on raccoglitore_document_event
           deferrable initially deferred for each row when (new.document_id = '${other}')
           execute function test_refuse_at_commit();`,
      );
      const failed = await add('rpa.ragioneria', id, other);
      assert.equal(errorCode(failed), 'INTERNAL_SERVER_ERROR', 'the commit failed');
      await sql(env, 'drop trigger test_refuse_at_commit on raccoglitore_document_event');
      await sleep(200);
      assert.deepEqual(
        received.map((e) => [e.topic, (e.data as { documentId: string }).documentId]),
        [
          ['raccoglitori.document-added', documentId],
          ['raccoglitori.document-removed', documentId],
        ],
      );
      assert.deepEqual(committedAtDelivery, [true, true]);
      assert.deepEqual(received[0]?.data, {
        raccoglitoreId: id,
        aooId: ids.aooId,
        uorId: ids.uor['RAG'],
        documentId,
      });
      assert.equal(
        (await sql(env, 'select 1 from raccoglitore_document_event where document_id = $1', [other])).length,
        0,
      );
      assert.equal(
        (
          await sql(
            env,
            `select 1 from audit_event where operation = 'raccoglitore.document-add' and changes->>'documentId' = $1`,
            [other],
          )
        ).length,
        0,
      );
    } finally {
      await iterator.return?.();
      await pump;
    }
  });

  it('the database refuses to rewrite history, to skip or repeat a step, and to change a closed raccoglitore', async () => {
    const id = await raccoglitore('rgd', 'PROT', 'Vincoli del database');
    const documentId = await doc('rgd', 'PROT');
    assert.equal(errorCode(await add('rgd', id, documentId)), undefined);
    const refused = async (text: string, params: unknown[] = []) =>
      assert.rejects(sql(env, text, params), Error, text);
    await refused('update raccoglitore_document_event set at = now() where raccoglitore_id = $1', [id]);
    await refused(`update raccoglitore_document_event set action = 'REMOVED' where raccoglitore_id = $1`, [
      id,
    ]);
    await refused('delete from raccoglitore_document_event where raccoglitore_id = $1', [id]);
    await refused('truncate raccoglitore_document_event cascade');
    const insert = `insert into raccoglitore_document_event (raccoglitore_id, document_id, version, action, at, actor_id)
      values ($1, $2, $3, $4, now(), $5)`;
    const rgd = ids.user['rgd'];
    await refused(insert, [id, documentId, 1, 'ADDED', rgd]); // a step repeated
    await refused(insert, [id, documentId, 3, 'ADDED', rgd]); // a step skipped
    await refused(insert, [id, documentId, 2, 'ADDED', rgd]); // added twice in a row
    await refused(insert, [id, await doc('rgd', 'PROT'), 1, 'REMOVED', rgd]); // removed without being there
    await refused('delete from raccoglitore where id = $1', [id]);
    await as('rgd').data(CloseRaccoglitoreDocument, { id });
    await refused(`update raccoglitore set name = 'Riaperto' where id = $1`, [id]);
    await refused(
      `update raccoglitore set state = 'OPEN', closed_at = null, closed_by = null where id = $1`,
      [id],
    );
    await refused(insert, [id, documentId, 2, 'REMOVED', rgd]); // closed: no more changes
    const rows = await sql(
      env,
      'select version from raccoglitore_document_event where raccoglitore_id = $1',
      [id],
    );
    assert.equal(rows.length, 1, 'the history is as the service wrote it');
  });

  it('runs the same SQL statements for 5 and for 50 documents in a raccoglitore', async () => {
    const id = await raccoglitore('rgd', 'TRIB', 'Accertamenti tributari');
    const add5 = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const d = await doc(i % 2 === 0 ? 'rgd' : 'rpa.ragioneria', 'TRIB', `Accertamento ${i}`);
        assert.equal(errorCode(await add('rgd', id, d)), undefined);
      }
    };
    const measure = async (): Promise<string[]> => {
      let shown = 0;
      const traced = await traceSql(env, [], async () => {
        const r = await as('rgd').data(RaccoglitoriInFullDocument, {
          aooId: ids.aooId,
          first: 100,
          documents: 100,
        });
        shown = r.raccoglitori.edges.find((e) => e.node.id === id)?.node.documents.edges.length ?? 0;
      });
      // The shape of each statement (values and the length of id lists left out), in any order:
      // loaders of one level run side by side.
      const shape = (sql: string) =>
        sql
          .replace(/'(?:[^']|'')*'/g, '?')
          .replace(/\?(\s*,\s*\?)+/g, '?')
          .replace(/\s+/g, ' ');
      return [String(shown), ...traced.map((t) => shape(t.sql)).sort()];
    };
    await add5(5);
    const [small = '', ...smallSql] = await measure();
    await add5(45);
    const [large = '', ...largeSql] = await measure();
    assert.deepEqual([small, large], ['5', '50'], 'documents shown');
    assert.ok(smallSql.length > 0, 'statements were traced');
    // The same statements, not only as many: nothing runs per document.
    assert.deepEqual(
      largeSql,
      smallSql,
      `${smallSql.length} statements for 5 documents, ${largeSql.length} for 50`,
    );
    const r = await as('rgd').data(RaccoglitoreDocumentsDocument, { id, first: 100 });
    assert.equal(r.raccoglitore.documents.totalCount, 50);
  });

  it('serialises concurrent changes: one of ten parallel additions or creations wins, the rest are typed errors', async () => {
    const id = await raccoglitore('rgd', 'RAG', 'Concorrenza');
    const documentId = await doc('rgd', 'RAG');
    const adds = await Promise.all(Array.from({ length: 10 }, () => add('rgd', id, documentId)));
    assert.deepEqual(
      adds.map((r) => errorCode(r) ?? 'ok').sort(),
      ['ok', ...Array<string>(9).fill('DOCUMENT_ALREADY_IN_RACCOGLITORE')].sort(),
    );
    const creations = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        as(i % 2 === 0 ? 'rgd' : 'rpa.ragioneria').request(CreateRaccoglitoreDocument, {
          input: { uorId: ids.uor['RAG'] ?? '', name: i % 3 === 0 ? 'Gara mensa' : 'GARA MENSA' },
        }),
      ),
    );
    assert.deepEqual(
      creations.map((r) => errorCode(r) ?? 'ok').sort(),
      ['ok', ...Array<string>(9).fill('RACCOGLITORE_NAME_IN_USE')].sort(),
    );
  });

  it('refuses a document of another AOO, even one the caller sees there', async () => {
    const admin = as('admin');
    const other = await createSecondAoo(admin);
    const userId = await createMember(admin, ids.aooId, ids.uor['SEG'] ?? '', 'doppio', 'RGD');
    await addMembership(admin, userId, other.uorId, 'RPA');
    clients.set('doppio', await env.asUser('doppio'));
    const id = await raccoglitore('doppio', 'SEG', 'Due enti');
    const file = await upload(env, 'doppio', uniqueBytes('altrove'));
    const elsewhere = (await createDocument(env, 'doppio', { uorId: other.uorId, primaryFileId: file.id }))
      .id;
    const r = await add('doppio', id, elsewhere);
    assert.equal(errorCode(r), 'BAD_USER_INPUT');
    assert.equal(r.errors?.[0]?.extensions?.['field'], 'documentId');
    assert.equal(errorCode(await add('doppio', id, await doc('doppio', 'SEG'))), undefined);
  });
});
