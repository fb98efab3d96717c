import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  DocumentDocument,
  DocumentsDocument,
  DocumentsAtSeveralPlacesDocument,
  MeDocument,
  TwoFileDownloadLinksDocument,
  type DocumentsQueryVariables,
} from '../../clients/sdk/generated/graphql.js';
import { SettableClock } from '../harness/clock.js';
import { withFailingStatement } from '../harness/faults.js';
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
import { traceSql, type TracedStatement } from '../harness/sql-trace.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const isAuditInsert = (s: TracedStatement) => /^insert into audit_event\b/i.test(s.sql.trim());

interface AuditRow {
  id: string;
  operation: string;
  target_id: string | null;
  changes: unknown;
  occurred_at: Date;
}

/**
 * The fixed cost of a request: who the caller is and what they may do is ONE statement
 * (user, memberships of the day, UOR trees), and the audited viewings of one GraphQL request
 * are ONE insert written before the answer leaves, never data without its audit row.
 */
describe('fixed SQL cost of a request', () => {
  let env: TestEnv;
  let ids: DemoIds;
  const user = 'rpa.ragioneria';
  const docs: string[] = [];
  let fileId = '';

  before(async () => {
    // Every reading of the clock a distinct instant, so each audit row's own time shows.
    let last = 0;
    const clock = { now: () => new Date((last = Math.max(Date.now(), last + 1))) };
    env = await startTestEnv({ blobDriver: 'fs', clock });
    ids = await demoIds(env);
    const file = await upload(env, user, uniqueBytes('overhead'), 'overhead.txt');
    fileId = file.id;
    for (const oggetto of ['Primo', 'Secondo', 'Terzo']) {
      const f = await upload(env, user, uniqueBytes(oggetto), `${oggetto}.txt`);
      docs.push(
        (await createDocument(env, user, { uorId: ids.uor['RAG'] ?? '', primaryFileId: f.id, oggetto })).id,
      );
    }
  });
  after(async () => {
    await env.close();
  });

  const auditSince = (id: string) =>
    sql<AuditRow>(
      env,
      `select id::text, operation, target_id, changes, occurred_at from audit_event
        where id > $1::bigint order by id`,
      [id],
    );
  const lastAuditId = async () =>
    (await sql<{ id: string }>(env, 'select coalesce(max(id), 0)::text as id from audit_event'))[0]?.id ??
    '0';

  it('me: one statement authenticates and loads the grants, one reads the user', async () => {
    const client = await env.asUser(user);
    const statements = await traceSql(env, [], async () => {
      const r = await client.request(MeDocument);
      assert.equal(r.data?.me.username, user);
    });
    assert.equal(statements.length, 2, statements.map((s) => s.sql).join('\n'));
    assert.match(statements[0]?.sql ?? '', /^with usr as/);
    assert.match(statements[0]?.sql ?? '', /membership/);
  });

  it('a documents list costs the authentication statement, its own reads and one audit insert', async () => {
    const variables: DocumentsQueryVariables = { aooId: ids.aooId, first: 10 };
    const client = await env.asUser(user);
    const statements = await traceSql(env, [], async () => {
      const r = await client.request(DocumentsDocument, variables);
      assert.equal(r.errors, undefined);
    });
    assert.match(statements[0]?.sql ?? '', /^with usr as/);
    assert.equal(statements.filter((s) => /\bapp_user\b|\bmembership\b/.test(s.sql)).length, 1);
    assert.equal(statements.filter(isAuditInsert).length, 1);
    assert.ok(isAuditInsert(statements[statements.length - 1]), 'the audit row is written last');
  });

  it('a query viewing documents at several places writes every viewing in ONE insert, the rows of separate requests', async () => {
    const doc = docs[1] ?? '';
    const variables = { aooId: ids.aooId, id: doc };
    // What the three viewings write as three requests of their own.
    const mark = await lastAuditId();
    await gql(env, user, DocumentsDocument, { aooId: ids.aooId, first: 2 });
    await gql(env, user, DocumentsDocument, {
      aooId: ids.aooId,
      first: 1,
      orderBy: { field: 'CREATED_AT', direction: 'ASC' },
    });
    await gql(env, user, DocumentDocument, { id: doc });
    const separate = await auditSince(mark);
    assert.equal(separate.length, 3);

    const mark2 = await lastAuditId();
    const client = await env.asUser(user);
    const statements = await traceSql(env, [], async () => {
      const r = await client.request(DocumentsAtSeveralPlacesDocument, variables);
      assert.equal(r.errors, undefined);
      assert.equal(r.data?.document.id, doc);
      assert.equal(r.data?.newest.edges.length, 2);
    });
    assert.equal(statements.filter(isAuditInsert).length, 1, 'one insert for the three viewings');
    const together = await auditSince(mark2);
    const shape = (rows: AuditRow[]) =>
      rows.map((r) => JSON.stringify([r.operation, r.target_id, r.changes])).sort();
    assert.deepEqual(shape(together), shape(separate));
    // Each row keeps its own time, and ids follow the times (the order they were viewed in).
    const times = together.map((r) => r.occurred_at.getTime());
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    assert.equal(new Set(times).size, 3, 'three clock readings, not one time of writing');
  });

  it('a failing audit insert turns the answer into an error without data', async () => {
    const mark = await lastAuditId();
    const r = await withFailingStatement(
      env.databaseUrl,
      { table: 'audit_event', event: 'insert', when: `new.operation = 'document.read'` },
      () => gql(env, user, DocumentsAtSeveralPlacesDocument, { aooId: ids.aooId, id: docs[0] ?? '' }),
    );
    assert.equal(r.data ?? null, null);
    assert.equal(errorCode(r), 'INTERNAL_SERVER_ERROR');
    assert.ok(r.errors?.[0]?.extensions?.['requestId'], 'the error carries the request id');
    assert.equal(r.status, 500);
    // One insert: the lists' rows went down with the read's.
    assert.deepEqual(await auditSince(mark), []);
    // Healthy again: the same request answers, with its rows.
    const ok = await gql(env, user, DocumentsAtSeveralPlacesDocument, {
      aooId: ids.aooId,
      id: docs[0] ?? '',
    });
    assert.equal(ok.errors, undefined);
    assert.equal((await auditSince(mark)).length, 3);
  });

  it('a request that ends in an error still writes the viewings made before it', async () => {
    const mark = await lastAuditId();
    const r = await gql(env, user, TwoFileDownloadLinksDocument, { id: fileId, other: randomUUID() });
    assert.equal(r.data ?? null, null);
    assert.equal(errorCode(r), 'NOT_FOUND');
    const rows = await auditSince(mark);
    assert.deepEqual(
      rows.map((row) => [row.operation, row.target_id]),
      [['file.link', fileId]],
    );
  });
});

/**
 * The one authentication statement keeps the rules of the grants: a membership grants only
 * while its UOR is active on the request clock's Europe/Rome day (not the UTC day).
 */
describe('grants of the one authentication statement, at the Europe/Rome midnight', () => {
  const clock = new SettableClock('2027-03-09T12:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  let documentId = '';

  before(async () => {
    env = await startTestEnv({ blobDriver: 'fs', clock });
    ids = await demoIds(env);
    const f = await upload(env, 'rpa.ragioneria', uniqueBytes('mezzanotte'), 'mezzanotte.txt');
    documentId = (
      await createDocument(env, 'rpa.ragioneria', { uorId: ids.uor['RAG'] ?? '', primaryFileId: f.id })
    ).id;
    // The office of lettore (READ_ONLY in RAG) ends with 9 March.
    await sql(env, `update uor set active_to = '2027-03-09' where id = $1`, [ids.uor['RAG']]);
  });
  after(async () => {
    await env.close();
  });

  it('a membership of a UOR ending on 9 March grants until 23:59:59 Rome time, not from 00:00 of the 10th', async () => {
    const lettore = await env.asUser('lettore');
    clock.set('2027-03-09T22:59:59Z'); // 23:59:59 on 9 March in Rome
    const before = await lettore.request(DocumentDocument, { id: documentId });
    assert.equal(before.errors, undefined);
    assert.equal(before.data?.document.id, documentId);
    clock.set('2027-03-09T23:00:00Z'); // 00:00 on 10 March in Rome, still the 9th in UTC
    const afterMidnight = await lettore.request(DocumentDocument, { id: documentId });
    assert.equal(afterMidnight.data ?? null, null);
    assert.equal(errorCode(afterMidnight), 'NOT_FOUND');
  });

  it('a deactivated user is refused (401), however many memberships they hold', async () => {
    clock.set('2027-03-09T12:00:00Z');
    const protocollista = await env.asUser('protocollista');
    assert.equal((await protocollista.request(MeDocument)).status, 200);
    await sql(
      env,
      `update app_user set active = false, deactivated_at = now() where username = 'protocollista'`,
    );
    const refused = await protocollista.request(MeDocument);
    assert.equal(refused.status, 401);
    assert.equal(refused.data ?? null, null);
  });
});
