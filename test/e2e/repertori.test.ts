import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AnnulRepertorioEntryDocument,
  CreateRepertorioDocument,
  DeactivateRepertorioDocument,
  DocumentRepertorioEntriesDocument,
  RegisterRepertorioEntryDocument,
  RepertoriDocument,
  RepertorioEntriesDocument,
  RepertorioEntryCountDocument,
  RepertorioEntryDocument,
  ReplaceDocumentFileDocument,
  UpdateRepertorioDocument,
  type RepertorioEntriesQuery,
  type RepertorioEntryFieldsFragment,
} from '../../clients/sdk/generated/graphql.js';
import { RepertorioEntryAnnulled, RepertorioEntryRegistered } from '../../schema/repertori/index.js';
import type { DomainEvent } from '../../server/events/domain-event.js';
import { defineModule } from '../../server/modules/module.js';
import { SettableClock } from '../harness/clock.js';
import { withFailingStatement } from '../harness/faults.js';
import {
  createDocument,
  demoIds,
  errorCode,
  sql,
  uniqueBytes,
  upload,
  type DemoIds,
} from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { traceSql } from '../harness/sql-trace.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/** What a handler saw of each event: its data, and whether the entry was committed when it ran. */
interface Seen {
  topic: string;
  data: { entryId: string; number: number; year: number; repertorioId: string };
  committed: boolean;
}

/**
 * Repertori (DOMAIN §4): series per AOO, entries numbered per repertorio and Europe/Rome year
 * without gaps (also under concurrency with failures), dated by the request clock, annulled but
 * never changed or deleted (the database refuses it), events only for what committed.
 */
describe('repertori', () => {
  const clock = new SettableClock(new Date());
  const seen: Seen[] = [];
  // Only the events test records: a connection per event during the 200 parallel registrations
  // timed out connecting on a loaded machine (as it did in fascicoli-integrity in CI).
  let recording = false;
  let env: TestEnv;
  let ids: DemoIds;
  let rgd: GraphqlClient;
  let protocollista: GraphqlClient;

  const probe = defineModule({
    name: 'probe',
    eventHandlers: [RepertorioEntryRegistered, RepertorioEntryAnnulled].map((event) => ({
      event,
      handle: async (_ctx, e: DomainEvent<object>) => {
        if (!recording) return;
        const data = e.data as Seen['data'];
        const rows = await sql(env, 'select 1 from repertorio_entry where id = $1', [data.entryId]);
        seen.push({ topic: e.topic, data, committed: rows.length === 1 });
      },
    })),
  });

  before(async () => {
    env = await startTestEnv({ clock, modules: [probe] });
    ids = await demoIds(env);
    rgd = await env.asUser('rgd');
    protocollista = await env.asUser('protocollista');
  });
  after(async () => {
    await env.close();
  });

  /** Draft documents of a UOR, made directly (the registrations are what is tested). */
  async function drafts(n: number, uor = 'RAG'): Promise<string[]> {
    const rows = await sql<{ id: string }>(
      env,
      `insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
       select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Atto n. ' || g,
              (select id from app_user where username = 'protocollista')
         from uor u, generate_series(1, $2::int) g where u.id = $1 returning id`,
      [ids.uor[uor], n],
    );
    return rows.map((r) => r.id);
  }

  let counter = 0;
  async function repertorio(code = `SERIE_${++counter}`): Promise<string> {
    const r = await rgd.data(CreateRepertorioDocument, {
      input: { aooId: ids.aooId, code, name: `Serie ${code}` },
    });
    return r.createRepertorio.id;
  }

  async function register(
    client: GraphqlClient,
    repertorioId: string,
    documentId: string,
  ): Promise<RepertorioEntryFieldsFragment> {
    return (await client.data(RegisterRepertorioEntryDocument, { input: { repertorioId, documentId } }))
      .registerRepertorioEntry;
  }

  const eventsSettled = () => new Promise((r) => setTimeout(r, 300));

  it('manages series per AOO: create, rename, codes unique and checked, deactivate stops registration', async () => {
    const id = await repertorio('DELIBERE');
    const dup = await rgd.request(CreateRepertorioDocument, {
      input: { aooId: ids.aooId, code: 'DELIBERE', name: 'Altre delibere' },
    });
    assert.equal(errorCode(dup), 'REPERTORIO_CODE_TAKEN');
    const bad = await rgd.request(CreateRepertorioDocument, {
      input: { aooId: ids.aooId, code: 'delibere giunta', name: 'x' },
    });
    assert.equal(errorCode(bad), 'BAD_USER_INPUT');
    const renamed = await rgd.data(UpdateRepertorioDocument, { id, input: { name: 'Delibere di Giunta' } });
    assert.deepEqual(
      [renamed.updateRepertorio.code, renamed.updateRepertorio.name],
      ['DELIBERE', 'Delibere di Giunta'],
    );
    const list = await protocollista.data(RepertoriDocument, { aooId: ids.aooId });
    assert.deepEqual(
      list.repertori.map((r) => [r.code, r.name, r.active]),
      [['DELIBERE', 'Delibere di Giunta', true]],
    );
    const [doc] = await drafts(2);
    await register(protocollista, id, doc ?? '');
    const off = await rgd.data(DeactivateRepertorioDocument, { id });
    assert.equal(off.deactivateRepertorio.active, false);
    const [, other] = await drafts(2);
    const refused = await protocollista.request(RegisterRepertorioEntryDocument, {
      input: { repertorioId: id, documentId: other ?? '' },
    });
    assert.equal(errorCode(refused), 'REPERTORIO_INACTIVE');
    // Its entries stay; it is never deleted once used.
    assert.equal(
      (await rgd.data(RepertorioEntryCountDocument, { repertorioId: id })).repertorioEntries.totalCount,
      1,
    );
    await assert.rejects(sql(env, 'delete from repertorio where id = $1', [id]), /never deleted/);
    await assert.rejects(
      sql(env, `update repertorio set code = 'ALTRO' where id = $1`, [id]),
      /keeps its AOO and code/,
    );
  });

  it('numbers entries 1, 2, 3 per repertorio, dated by the request clock, and marks the document REPERTORIATO', async () => {
    const a = await repertorio();
    const b = await repertorio();
    const docs = await drafts(3);
    clock.set('2026-07-01T08:30:00Z');
    const first = await register(protocollista, a, docs[0] ?? '');
    const second = await register(protocollista, a, docs[1] ?? '');
    const otherSeries = await register(protocollista, b, docs[2] ?? '');
    // The same document in a second repertorio, a minute later: it carries both numbers.
    clock.set('2026-07-01T08:31:00Z');
    const both = await register(rgd, b, docs[0] ?? '');
    assert.deepEqual(
      [first, second, otherSeries, both].map((e) => [e.number, e.year, e.date, e.state]),
      [
        [1, 2026, '2026-07-01', 'REGISTRATO'],
        [2, 2026, '2026-07-01', 'REGISTRATO'],
        [1, 2026, '2026-07-01', 'REGISTRATO'],
        [2, 2026, '2026-07-01', 'REGISTRATO'],
      ],
    );
    assert.equal(first.registeredAt, '2026-07-01T08:30:00.000Z');
    assert.equal(first.registeredBy?.username, 'protocollista');
    assert.deepEqual(
      [first.document.kind, first.document.registeredAt],
      ['REPERTORIATO', '2026-07-01T08:30:00.000Z'],
    );
    const again = await protocollista.request(RegisterRepertorioEntryDocument, {
      input: { repertorioId: a, documentId: docs[0] ?? '' },
    });
    assert.equal(errorCode(again), 'REPERTORIO_DOCUMENT_REGISTERED');
    const onDoc = await rgd.data(DocumentRepertorioEntriesDocument, { id: docs[0] ?? '' });
    assert.deepEqual(
      onDoc.document.repertorioEntries.map((e) => [e.repertorio.code, e.number]),
      [
        [`SERIE_${counter - 1}`, 1],
        [`SERIE_${counter}`, 2],
      ],
    );
    // A document that is already protocolled keeps its kind and time: it carries both numbers.
    const [prot] = await drafts(1);
    await sql(
      env,
      `update document set kind = 'PROTOCOLLATO', registered_at = '2026-06-30T10:00:00Z' where id = $1`,
      [prot],
    );
    const entry = await register(protocollista, a, prot ?? '');
    assert.deepEqual(
      [entry.number, entry.document.kind, entry.document.registeredAt],
      [3, 'PROTOCOLLATO', '2026-06-30T10:00:00.000Z'],
    );
    clock.set(new Date());
  });

  it('restarts numbering at midnight in Italy, per repertorio, whatever the UTC date', async () => {
    const a = await repertorio();
    const b = await repertorio();
    const docs = await drafts(6);
    clock.set('2026-12-31T22:59:59Z'); // 23:59:59 on 31 December in Rome
    const lastOfYear = [
      await register(protocollista, a, docs[0] ?? ''),
      await register(protocollista, a, docs[1] ?? ''),
    ];
    const bLast = await register(protocollista, b, docs[2] ?? '');
    clock.set('2026-12-31T23:00:00Z'); // 00:00:00 on 1 January 2027 in Rome, still 2026 in UTC
    const firstOfYear = [
      await register(protocollista, a, docs[3] ?? ''),
      await register(protocollista, a, docs[4] ?? ''),
    ];
    const bFirst = await register(protocollista, b, docs[5] ?? '');
    clock.set(new Date());
    assert.deepEqual(
      [...lastOfYear, bLast, ...firstOfYear, bFirst].map((e) => [e.number, e.year, e.date]),
      [
        [1, 2026, '2026-12-31'],
        [2, 2026, '2026-12-31'],
        [1, 2026, '2026-12-31'],
        [1, 2027, '2027-01-01'],
        [2, 2027, '2027-01-01'],
        [1, 2027, '2027-01-01'],
      ],
    );
    const of2027 = await rgd.data(RepertorioEntriesDocument, {
      repertorioId: a,
      filter: { year: 2027 },
      direction: 'ASC',
    });
    assert.deepEqual(
      of2027.repertorioEntries.edges.map((e) => e.node.number),
      [1, 2],
    );
  });

  it('200 parallel registrations with 10 % failing inside the transaction take exactly 1..180', async () => {
    const id = await repertorio();
    const docs = await drafts(200);
    const failing = docs.filter((_, i) => i % 10 === 3);
    const results = await withFailingStatement(
      env.databaseUrl,
      {
        table: 'repertorio_entry',
        event: 'insert',
        when: `new.document_id = any('{${failing.join(',')}}'::uuid[])`,
      },
      () =>
        Promise.all(
          docs.map((documentId) =>
            protocollista.request(RegisterRepertorioEntryDocument, {
              input: { repertorioId: id, documentId },
            }),
          ),
        ),
    );
    const numbers = results.flatMap((r) => (r.data ? [r.data.registerRepertorioEntry.number] : []));
    assert.equal(results.filter((r) => r.errors?.length).length, 20);
    assert.deepEqual(
      numbers.sort((x, y) => x - y),
      Array.from({ length: 180 }, (_, i) => i + 1),
    );
    const stored = await sql<{ n: string; max: number; docs: string }>(
      env,
      `select count(*) as n, max(number) as max, count(distinct document_id) as docs from repertorio_entry where repertorio_id = $1`,
      [id],
    );
    assert.deepEqual(stored[0], { n: '180', max: 180, docs: '180' });
    // The failed ones left nothing: their documents are still drafts, no audit row names them.
    const still = await sql<{ n: string }>(
      env,
      `select count(*) as n from document where id = any($1::uuid[]) and kind = 'NON_PROTOCOLLATO' and registered_at is null`,
      [failing],
    );
    assert.equal(still[0]?.n, '20');
    const audited = await sql<{ n: string }>(
      env,
      `select count(*) as n from audit_event where operation = 'repertorio.register' and changes->>'documentId' = any($1::text[])`,
      [docs],
    );
    assert.equal(audited[0]?.n, '180');
    // The next one continues the series.
    const [late] = await drafts(1);
    assert.equal((await register(protocollista, id, late ?? '')).number, 181);
  });

  it('annulment keeps the entry readable, ANNULLATO with reason, operator and time; its number is not reused', async () => {
    const id = await repertorio();
    const docs = await drafts(3);
    const first = await register(protocollista, id, docs[0] ?? '');
    await register(protocollista, id, docs[1] ?? '');
    const noReason = await rgd.request(AnnulRepertorioEntryDocument, {
      input: { entryId: first.id, reason: '  ' },
    });
    assert.equal(errorCode(noReason), 'BAD_USER_INPUT');
    const byProtocollista = await protocollista.request(AnnulRepertorioEntryDocument, {
      input: { entryId: first.id, reason: 'errore' },
    });
    assert.equal(errorCode(byProtocollista), 'FORBIDDEN');
    clock.set('2026-09-01T09:00:00Z');
    const annulled = (
      await rgd.data(AnnulRepertorioEntryDocument, {
        input: { entryId: first.id, reason: 'Delibera revocata' },
      })
    ).annulRepertorioEntry;
    clock.set(new Date());
    assert.deepEqual(
      [
        annulled.state,
        annulled.annulmentReason,
        annulled.annulledBy?.username,
        annulled.annulledAt,
        annulled.number,
      ],
      ['ANNULLATO', 'Delibera revocata', 'rgd', '2026-09-01T09:00:00.000Z', 1],
    );
    const read = (await protocollista.data(RepertorioEntryDocument, { id: first.id })).repertorioEntry;
    assert.deepEqual(
      [read.state, read.annulmentReason, read.document.id],
      ['ANNULLATO', 'Delibera revocata', docs[0]],
    );
    const twice = await rgd.request(AnnulRepertorioEntryDocument, {
      input: { entryId: first.id, reason: 'ancora' },
    });
    assert.equal(errorCode(twice), 'REPERTORIO_ENTRY_ANNULLED');
    // Listed with its number; the document may stand again, under a new number.
    const again = await register(protocollista, id, docs[0] ?? '');
    assert.equal(again.number, 3);
    const list = await rgd.data(RepertorioEntriesDocument, { repertorioId: id, direction: 'ASC' });
    assert.deepEqual(
      list.repertorioEntries.edges.map((e) => [e.node.number, e.node.state]),
      [
        [1, 'ANNULLATO'],
        [2, 'REGISTRATO'],
        [3, 'REGISTRATO'],
      ],
    );
    const annulledOnly = await rgd.data(RepertorioEntryCountDocument, {
      repertorioId: id,
      filter: { states: ['ANNULLATO'] },
    });
    assert.equal(annulledOnly.repertorioEntries.totalCount, 1);
  });

  it('the database refuses changing number, year, date or document of an entry, un-annulling it, and deleting it', async () => {
    const id = await repertorio();
    const docs = await drafts(3);
    const entry = await register(protocollista, id, docs[0] ?? '');
    const other = await register(protocollista, id, docs[1] ?? '');
    const refused = async (statement: string, params: unknown[] = [entry.id]) =>
      assert.rejects(sql(env, statement, params), /immutable|never deleted|stays annulled/, statement);
    await refused('update repertorio_entry set number = 99 where id = $1');
    await refused('update repertorio_entry set year = year - 1 where id = $1');
    await refused(
      `update repertorio_entry set date = date - 1, registered_at = registered_at - interval '1 day' where id = $1`,
    );
    await refused('update repertorio_entry set document_id = $2 where id = $1', [entry.id, docs[2]]);
    await refused('update repertorio_entry set number = number + 1000', []);
    await refused('delete from repertorio_entry where id = $1');
    await refused('truncate repertorio_entry', []);
    await rgd.data(AnnulRepertorioEntryDocument, {
      input: { entryId: other.id, reason: 'errore materiale' },
    });
    await refused(
      `update repertorio_entry set state = 'REGISTRATO', annulled_at = null, annulled_by = null, annulment_reason = null where id = $1`,
      [other.id],
    );
    await refused(`update repertorio_entry set annulment_reason = 'altro' where id = $1`, [other.id]);
    const rows = await sql<{ number: number; document_id: string }>(
      env,
      'select number, document_id from repertorio_entry where id = $1',
      [entry.id],
    );
    assert.deepEqual(rows, [{ number: 1, document_id: docs[0] }]);
  });

  it('lists with filters (year, state, number and date ranges) and pages with cursors', async () => {
    const id = await repertorio();
    const docs = await drafts(6);
    const days = [
      '2026-03-01T10:00:00Z',
      '2026-03-01T11:00:00Z',
      '2026-03-02T10:00:00Z',
      '2026-03-03T10:00:00Z',
      '2026-03-04T10:00:00Z',
      '2026-03-05T10:00:00Z',
    ];
    for (const [i, doc] of docs.entries()) {
      clock.set(days[i] ?? '');
      await register(protocollista, id, doc);
    }
    clock.set(new Date());
    const numbers = async (filter: object, direction: 'ASC' | 'DESC' = 'ASC') =>
      (
        await rgd.data(RepertorioEntriesDocument, { repertorioId: id, filter, direction })
      ).repertorioEntries.edges.map((e) => e.node.number);
    assert.deepEqual(await numbers({}, 'DESC'), [6, 5, 4, 3, 2, 1]);
    assert.deepEqual(await numbers({ numberFrom: 2, numberTo: 4 }), [2, 3, 4]);
    assert.deepEqual(await numbers({ dateFrom: '2026-03-02', dateTo: '2026-03-04' }), [3, 4, 5]);
    assert.deepEqual(await numbers({ dateTo: '2026-03-01' }), [1, 2]);
    assert.deepEqual(await numbers({ year: 2025 }), []);
    assert.deepEqual(await numbers({ states: ['REGISTRATO'], year: 2026, numberFrom: 6 }), [6]);
    const badRange = await rgd.request(RepertorioEntriesDocument, {
      repertorioId: id,
      filter: { numberFrom: 5, numberTo: 2 },
    });
    assert.equal(errorCode(badRange), 'BAD_USER_INPUT');
    const pages: number[][] = [];
    let after: string | null = null;
    for (;;) {
      const r: RepertorioEntriesQuery = await rgd.data(RepertorioEntriesDocument, {
        repertorioId: id,
        first: 4,
        after,
        direction: 'ASC',
      });
      pages.push(r.repertorioEntries.edges.map((e) => e.node.number));
      assert.equal(r.repertorioEntries.totalCount, 6);
      if (!r.repertorioEntries.pageInfo.hasNextPage) break;
      after = r.repertorioEntries.pageInfo.endCursor ?? null;
    }
    assert.deepEqual(pages, [
      [1, 2, 3, 4],
      [5, 6],
    ]);
  });

  it('delivers RepertorioEntryRegistered and RepertorioEntryAnnulled after the commit, never for a rollback', async () => {
    const id = await repertorio();
    const docs = await drafts(2);
    await eventsSettled();
    seen.length = 0;
    recording = true;
    const entry = await register(protocollista, id, docs[0] ?? '');
    const failed = await withFailingStatement(
      env.databaseUrl,
      { table: 'repertorio_entry', event: 'insert', when: `new.document_id = '${docs[1]}'` },
      () =>
        protocollista.request(RegisterRepertorioEntryDocument, {
          input: { repertorioId: id, documentId: docs[1] ?? '' },
        }),
    );
    assert.ok(failed.errors?.length, 'the forced failure failed');
    await rgd.data(AnnulRepertorioEntryDocument, { input: { entryId: entry.id, reason: 'revoca' } });
    await eventsSettled();
    assert.deepEqual(
      seen.map((s) => [s.topic, s.data.entryId, s.data.number, s.committed]),
      [
        ['repertori.entry-registered', entry.id, 1, true],
        ['repertori.entry-annulled', entry.id, 1, true],
      ],
    );
    // The rolled-back registration gave its number back.
    assert.equal((await register(protocollista, id, docs[1] ?? '')).number, 2);
  });

  it('loads a page of entries with their repertorio, document and users in the same statements at 3 and at 40 entries', async () => {
    const id = await repertorio();
    const statements = async () =>
      (
        await traceSql(env, [], () =>
          rgd
            .data(RepertorioEntriesDocument, { repertorioId: id, first: 100 })
            .then((r) => r.repertorioEntries.totalCount),
        )
      ).length;
    for (const doc of await drafts(3)) await register(protocollista, id, doc);
    const few = await statements();
    for (const doc of await drafts(37)) await register(rgd, id, doc);
    const many = await statements();
    assert.ok(few > 0, 'statements were counted');
    assert.equal(many, few, `${few} statements for 3 entries, ${many} for 40`);
  });

  it("freezes a draft's files once it is registered in a repertorio", async () => {
    const id = await repertorio();
    const first = await upload(env, 'protocollista', uniqueBytes('delibera'));
    const doc = await createDocument(env, 'protocollista', {
      uorId: ids.uor['RAG'] ?? '',
      primaryFileId: first.id,
    });
    const second = await upload(env, 'protocollista', uniqueBytes('delibera corretta'));
    const replace = () =>
      protocollista.request(ReplaceDocumentFileDocument, {
        input: { documentId: doc.id, position: 0, fileId: second.id },
      });
    assert.equal((await replace()).errors, undefined, 'a draft takes a new version');
    await register(protocollista, id, doc.id);
    assert.equal(errorCode(await replace()), 'DOCUMENT_REGISTERED');
  });

  it('registers a document once when several callers register it at the same moment', async () => {
    const id = await repertorio();
    const [doc] = await drafts(1);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        protocollista.request(RegisterRepertorioEntryDocument, {
          input: { repertorioId: id, documentId: doc ?? '' },
        }),
      ),
    );
    assert.deepEqual(results.map((r) => r.data?.registerRepertorioEntry.number ?? errorCode(r)).sort(), [
      1,
      ...Array<string>(4).fill('REPERTORIO_DOCUMENT_REGISTERED'),
    ]);
    const [next] = await drafts(1);
    assert.equal(
      (await register(protocollista, id, next ?? '')).number,
      2,
      'the refused ones gave their numbers back',
    );
  });
});
