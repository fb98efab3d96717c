import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AnnulProtocolDocument,
  AssignmentReceivedDocument,
  EndMembershipDocument,
  InboxChangedDocument,
  InboxCountsDocument,
  InboxDocument,
  LiveAssignRpaDocument,
  LiveSmistaDocument,
  RegisterProtocolDocument,
  type AssignmentReceivedSubscription,
  type InboxChangedSubscription,
} from '../../clients/sdk/generated/graphql.js';
import { CALLER_REFRESH_MS } from '../../server/graphql/subscription-event-auth.js';
import { withFailingStatement } from '../harness/faults.js';
import { demoIds, errorCode, sleep, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { addMembership, createMember } from '../harness/org-fixtures.js';
import { draftDocuments } from '../harness/protocol-fixtures.js';
import { traceSql } from '../harness/sql-trace.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';
import { TypedSubscriber } from '../harness/typed-subscriber.js';
import { RawWsClient } from '../harness/ws-client.js';

type Notice = AssignmentReceivedSubscription['assignmentReceived'];
type Counts = InboxChangedSubscription['inboxChanged'];

/**
 * Live notifications of the workflow over a real WebSocket: assignmentReceived reaches the
 * offices' members and the RPA only, after commit, with rights of the moment, and a subscriber
 * that reconnects gets what it missed; inboxChanged pushes new counts; the inboxes page and count.
 */
describe('assignment workflow: inboxes and live notifications', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let protocollista: GraphqlClient;
  let admin: GraphqlClient;
  const open: Array<{ close(): void }> = [];

  before(async () => {
    env = await startTestEnv();
    ids = await demoIds(env);
    protocollista = await env.asUser('protocollista');
    admin = await env.asUser('admin');
  });
  after(async () => {
    for (const s of open) s.close();
    await env.close();
  });

  const uor = (code: string): string => ids.uor[code] ?? '';

  /** A fresh ARRIVO registration of the protocol office. */
  async function registered(oggetto: string, meansOfTransmission = 'PEC'): Promise<string> {
    const [documentId] = await draftDocuments(env, uor('PROT'), 1, 'protocollista');
    const r = await protocollista.data(RegisterProtocolDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: documentId ?? '',
        oggetto,
        meansOfTransmission,
        correspondents: [{ kind: 'PERSONA_GIURIDICA', denominazione: 'Impresa Srl' }],
      },
    });
    return r.registerProtocol.id;
  }

  async function sendTo(
    code: string,
    oggetto: string,
    note?: string,
  ): Promise<{ recordId: string; assignmentId: string }> {
    const recordId = await registered(oggetto);
    const r = await protocollista.data(LiveSmistaDocument, {
      input: { recordId, competenza: [uor(code)], note },
    });
    const a = r.smistaProtocol.assignments.find((x) => x.uor?.code === code);
    return { recordId, assignmentId: a?.id ?? '' };
  }

  async function notices(username: string, variables: { since?: string; sinceTime?: string } = {}) {
    const s = await TypedSubscriber.open(
      env.wsUrl,
      await env.tokenFor(username),
      AssignmentReceivedDocument,
      variables,
      (d) => d.assignmentReceived,
    );
    open.push(s);
    return s;
  }

  async function counts(username: string): Promise<TypedSubscriber<InboxChangedSubscription, Counts>> {
    const s = await TypedSubscriber.open(
      env.wsUrl,
      await env.tokenFor(username),
      InboxChangedDocument,
      {},
      (d) => d.inboxChanged,
    );
    open.push(s);
    return s;
  }

  /** Live: a smistamento to the office reached the subscriber (probes repeated until one does). */
  async function live(
    s: TypedSubscriber<AssignmentReceivedSubscription, Notice>,
    code: string,
  ): Promise<void> {
    await s.ready(async () => {
      await sendTo(code, `Sonda per ${code}`);
    });
  }

  let first: Notice;

  it("delivers a committed smistamento to the office's members only, with the record and the step", async () => {
    const tecnico = await notices('rpa.tecnico');
    const lettore = await notices('lettore'); // READ_ONLY in RAG: never sees TEC's records
    await live(tecnico, 'TEC');
    await live(lettore, 'RAG');
    const sent = await sendTo('TEC', 'Verbale di sopralluogo', 'Urgente: scadenza venerdì');
    const n = await tecnico.next();
    first = n;
    assert.equal(n.action, 'SMISTAMENTO');
    assert.equal(n.record?.id, sent.recordId);
    assert.equal(n.record?.oggetto, 'Verbale di sopralluogo');
    assert.equal(n.assignment?.id, sent.assignmentId);
    assert.equal(n.assignment?.state, 'DA_ASSEGNARE');
    assert.equal(n.assignment?.uor?.code, 'TEC');
    assert.equal(n.step?.note, 'Urgente: scadenza venerdì');
    assert.equal(n.step?.actor?.username, 'protocollista');
    assert.match(n.eventId, /^[0-9]+$/);
    await lettore.nothingWithin(400);
  });

  it('delivers nothing for a rolled-back smistamento', async () => {
    const tecnico = await notices('rpa.tecnico');
    await live(tecnico, 'TEC');
    const recordId = await registered('Mai smistato');
    const failed = await withFailingStatement(
      env.databaseUrl,
      { table: 'audit_event', event: 'insert', when: `new.operation = 'workflow.smista'` },
      () => protocollista.request(LiveSmistaDocument, { input: { recordId, competenza: [uor('TEC')] } }),
    );
    assert.equal(errorCode(failed), 'INTERNAL_SERVER_ERROR');
    await tecnico.nothingWithin(600);
    assert.equal((await sql(env, 'select 1 from assignment where record_id = $1', [recordId])).length, 0);
    assert.equal((await sql(env, 'select 1 from workflow_step where record_id = $1', [recordId])).length, 0);
  });

  it('an assignment reaches the RPA (taken in charge at once for digital documents); inboxChanged pushes new counts', async () => {
    const changes = await counts('rpa.tecnico');
    const start = await changes.next(); // the current counts, at once
    const tecnicoClient = await env.asUser('rpa.tecnico');
    const direct = await tecnicoClient.data(InboxCountsDocument, {});
    assert.deepEqual(start, direct.inboxCounts);
    const tecnico = await notices('rpa.tecnico');
    await live(tecnico, 'TEC');
    // The probes changed the counts: take the latest pushed.
    await sleep(300);
    let latest = start;
    for (;;) {
      const more = await changes.next(300).catch(() => null);
      if (more === null) break;
      latest = more;
    }
    const sent = await sendTo('TEC', 'Richiesta di accesso agli atti');
    assert.equal((await tecnico.next()).action, 'SMISTAMENTO');
    const afterSend = await changes.next();
    assert.equal(afterSend.myUors, latest.myUors + 1);
    assert.equal(afterSend.toAssign, latest.toAssign + 1);
    const me =
      (await sql<{ id: string }>(env, `select id from app_user where username = 'rpa.tecnico'`))[0]?.id ?? '';
    const assigned = await tecnicoClient.data(LiveAssignRpaDocument, {
      input: { assignmentId: sent.assignmentId, rpaId: me },
    });
    assert.equal(assigned.assignRpa.state, 'IN_CARICO');
    assert.ok(assigned.assignRpa.takenAt);
    const n = await tecnico.next();
    assert.equal(n.action, 'ASSEGNAZIONE');
    assert.equal(n.step?.toUser?.username, 'rpa.tecnico');
    const afterAssign = await changes.next();
    assert.equal(afterAssign.asRpa, afterSend.asRpa + 1);
    assert.equal(afterAssign.toAssign, afterSend.toAssign - 1);
  });

  it('a subscriber that reconnects with since gets what it missed, in order', async () => {
    const missed1 = await sendTo('TEC', 'Perso uno');
    const missed2 = await sendTo('TEC', 'Perso due');
    const again = await notices('rpa.tecnico', { since: first.eventId });
    const seen: Notice[] = [];
    const deadline = Date.now() + 5000;
    while (!seen.some((n) => n.record?.id === missed2.recordId) && Date.now() < deadline) {
      seen.push(await again.next());
    }
    const later = seen.filter((n) => BigInt(n.eventId) > BigInt(first.eventId));
    const order = later.map((n) => n.record?.id);
    assert.ok(order.indexOf(missed1.recordId) >= 0, 'the first missed smistamento is replayed');
    assert.ok(order.indexOf(missed1.recordId) < order.indexOf(missed2.recordId), 'in order');
    const eventIds = later.map((n) => BigInt(n.eventId));
    assert.deepEqual(
      eventIds,
      [...eventIds].sort((a, b) => (a < b ? -1 : 1)),
      'replayed in event order',
    );
    // Then live, with no repeat of what was replayed.
    const fresh = await sendTo('TEC', 'Dopo la ripresa');
    let next = await again.next();
    while (next.record?.id !== fresh.recordId) {
      assert.ok(!later.some((n) => n.eventId === next.eventId), `no repeat of ${next.eventId}`);
      next = await again.next();
    }
    // sinceTime works the same way.
    const byTime = await notices('rpa.tecnico', { sinceTime: first.occurredAt });
    const replayed = [await byTime.next(), await byTime.next()].map((n) => n.record?.id);
    assert.ok(replayed.includes(first.record?.id ?? ''), 'replays from the time given');
  });

  it('a member whose membership ends stops receiving', async () => {
    const userId = await createMember(admin, ids.aooId, uor('TEC'), 'live.uscente', 'RPA');
    const membership = (
      await sql<{ id: string }>(env, 'select id from membership where user_id = $1', [userId])
    )[0]?.id;
    const s = await notices('live.uscente');
    await live(s, 'TEC');
    await admin.data(EndMembershipDocument, { id: membership ?? '' });
    await sleep(CALLER_REFRESH_MS + 200);
    await sendTo('TEC', 'Non più per te');
    await s.nothingWithin(600);
  });

  it('closes the socket when the token expires', async () => {
    const ws = await RawWsClient.open(env.wsUrl);
    open.push(ws);
    ws.init(`Bearer ${await env.tokenFor('rpa.tecnico', 1)}`);
    await ws.next((m) => m.type === 'connection_ack');
    ws.subscribe('s', AssignmentReceivedDocument, {});
    const closed = await ws.closedWithin(5000);
    assert.equal(closed.code, 4401);
  });

  it('applies the query limits on the WebSocket', async () => {
    const ws = await RawWsClient.open(env.wsUrl);
    open.push(ws);
    ws.init(`Bearer ${await env.tokenFor('rpa.tecnico')}`);
    await ws.next((m) => m.type === 'connection_ack');
    let nested = 'id';
    for (let i = 0; i < 8; i++) nested = `assignments { record { ${nested} } }`;
    ws.send({
      id: 'deep',
      type: 'subscribe',
      payload: { query: `subscription { assignmentReceived { record { ${nested} } } }` },
    });
    const refused = await ws.next((m) => m.id === 'deep' && m.type === 'error');
    assert.match(JSON.stringify(refused.payload), /depth|cost/i);
  });

  it('lists an inbox a page at a time with filters; counts cost the same statements whatever the offices', async () => {
    const a = await sendTo('RAG', 'Mandato di pagamento numero uno');
    const b = await sendTo('RAG', 'Mandato di pagamento numero due');
    await sendTo('RAG', 'Altro oggetto');
    const ragioneria = await env.asUser('rpa.ragioneria');
    const page1 = await ragioneria.data(InboxDocument, {
      kind: 'MY_UORS',
      first: 1,
      filter: { oggetto: 'mandato pagamento' },
    });
    assert.equal(page1.inbox.totalCount, 2);
    assert.equal(page1.inbox.edges[0]?.node.record?.id, b.recordId, 'newest first');
    assert.equal(page1.inbox.edges[0]?.node.assignment?.uor?.code, 'RAG');
    assert.ok(page1.inbox.pageInfo.hasNextPage);
    const page2 = await ragioneria.data(InboxDocument, {
      kind: 'MY_UORS',
      first: 1,
      after: page1.inbox.pageInfo.endCursor,
      filter: { oggetto: 'mandato pagamento' },
    });
    assert.equal(page2.inbox.edges[0]?.node.record?.id, a.recordId);
    assert.equal(page2.inbox.pageInfo.hasNextPage, false);
    // An annulled registration leaves the inboxes (it stays readable).
    const rgd = await env.asUser('rgd');
    await rgd.data(AnnulProtocolDocument, {
      input: { id: a.recordId, reason: 'Registrato per errore', authorisation: 'Provvedimento del RGD n. 1' },
    });
    const afterAnnul = await ragioneria.data(InboxDocument, {
      kind: 'MY_UORS',
      filter: { oggetto: 'mandato pagamento' },
    });
    assert.deepEqual(
      afterAnnul.inbox.edges.map((e) => e.node.record?.id),
      [b.recordId],
    );
    // The reader of RAG has no competence inbox but sees nothing of TEC either.
    const lettore = await env.asUser('lettore');
    const cc = await lettore.data(InboxDocument, { kind: 'AS_RPA' });
    assert.equal(cc.inbox.totalCount, 0);

    // Counts: one user in one office, another in four: the same statements.
    const wide = await createMember(admin, ids.aooId, uor('RAG'), 'live.molti.uffici', 'RPA');
    for (const code of ['TEC', 'SEG', 'PROT']) await addMembership(admin, wide, uor(code), 'READ_ONLY');
    const one = await env.asUser('rpa.ragioneria');
    const many = await env.asUser('live.molti.uffici');
    const traceOne = await traceSql(env, [], () => one.data(InboxCountsDocument, {}));
    const traceMany = await traceSql(env, [], () => many.data(InboxCountsDocument, {}));
    assert.equal(traceMany.length, traceOne.length);
    assert.ok(traceOne.filter((t) => /count\(\*\)/.test(t.sql)).length === 1, 'the counts are one statement');
    const manyCounts = await many.data(InboxCountsDocument, {});
    assert.ok(manyCounts.inboxCounts.myUors >= 3, 'offices of every membership count');
  });
});
