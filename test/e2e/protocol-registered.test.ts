import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  EndMembershipDocument,
  ProtocolRegisteredDocument,
  RegisterProtocolBenchDocument,
  type ProtocolRegisteredSubscription,
  type RegisterProtocolBenchMutation,
} from '../../clients/sdk/generated/graphql.js';
import { ProtocolRegistered } from '../../schema/protocollo/index.js';
import { CALLER_REFRESH_MS } from '../../server/graphql/subscription-event-auth.js';
import { withClient } from '../harness/database.js';
import { withFailingStatement } from '../harness/faults.js';
import {
  createDocument,
  demoIds,
  gql,
  sleep,
  sql,
  uniqueBytes,
  upload,
  type DemoIds,
} from '../harness/files-helpers.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { TypedSubscriber } from '../harness/typed-subscriber.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';
import { RawWsClient } from '../harness/ws-client.js';

type Registration = ProtocolRegisteredSubscription['protocolRegistered'];
type Feed = TypedSubscriber<ProtocolRegisteredSubscription, Registration>;
type Registered = RegisterProtocolBenchMutation['registerProtocol'];

/**
 * protocolRegistered over a real WebSocket: registrations of an AOO reach the subscribers who
 * may see them (rights of the moment of each event), after commit only, never a rolled-back
 * one; the query limits hold on the socket; a reconnection with `since` replays what was
 * missed, in register order, with nothing lost or repeated while registrations go on.
 */
describe('protocolRegistered subscription', () => {
  let env: TestEnv;
  let ids: DemoIds;
  const feeds: Feed[] = [];
  const probes = new Map<string, Registered>();

  /** A draft of `uor` registered by the protocollista (through the API): the record. */
  async function register(uor: string, oggetto: string): Promise<Registered> {
    const file = await upload(env, 'protocollista', uniqueBytes(oggetto), 'atto.pdf');
    const doc = await createDocument(env, 'protocollista', {
      uorId: ids.uor[uor] ?? '',
      primaryFileId: file.id,
      oggetto,
    });
    const r = await gql(env, 'protocollista', RegisterProtocolBenchDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: doc.id,
        oggetto,
        correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Maria', cognome: 'Bianchi' }],
      },
    });
    if (!r.data) throw new Error(`registerProtocol failed: ${JSON.stringify(r.errors)}`);
    return r.data.registerProtocol;
  }

  const open = async (username: string, variables: { aooId?: string; since?: string } = {}) => {
    const feed = await TypedSubscriber.open(
      env.wsUrl,
      await env.tokenFor(username),
      ProtocolRegisteredDocument,
      { aooId: variables.aooId ?? ids.aooId, since: variables.since },
      (d) => d.protocolRegistered,
    );
    feeds.push(feed);
    return feed;
  };

  /** The ProtocolRegistered event of a committed record, as its commit published it. */
  async function registeredEvent(record: Registered, uor: string): Promise<ProtocolRegistered> {
    const [row] = await sql<{ document_id: string }>(
      env,
      'select document_id from protocol_record where id = $1',
      [record.id],
    );
    return new ProtocolRegistered({
      recordId: record.id,
      aooId: ids.aooId,
      documentId: row?.document_id ?? '',
      uorId: ids.uor[uor] ?? '',
      kind: 'ARRIVO',
      number: record.number,
      year: record.year,
      registeredAt: record.registeredAt,
    });
  }

  /** Publishes `event` again, as after its commit. */
  const release = (event: ProtocolRegistered) =>
    env.platform.events.release([event], { actorId: null, requestId: 'probe', at: new Date().toISOString() });

  /** A live subscriber: a synthetic event for the probe record of `uor` has reached it. */
  async function subscriber(username: string, uor: string): Promise<Feed> {
    const feed = await open(username);
    const probe = probes.get(uor);
    assert.ok(probe);
    const event = await registeredEvent(probe, uor);
    await feed.ready(() => release(event));
    return feed;
  }

  before(async () => {
    // Limits low enough to exceed with a written-out document, high enough for the tests' own.
    env = await startTestEnv({ env: { GRAPHQL_MAX_DEPTH: '10' } });
    ids = await demoIds(env);
    for (const uor of ['RAG', 'TEC']) probes.set(uor, await register(uor, `Sonda ${uor}`));
  });
  after(async () => {
    for (const f of feeds) f.close();
    await env.close();
  });

  it('delivers a committed registration to those who see its office, and to no one else', async () => {
    const lettore = await subscriber('lettore', 'RAG'); // READ_ONLY in RAG
    const tecnico = await subscriber('rpa.tecnico', 'TEC'); // RPA of TEC: no PROTOCOL_READ over RAG
    const rag = await register('RAG', 'Mandato di pagamento');
    const tec = await register('TEC', 'Verbale di cantiere');
    const seen = await lettore.next();
    assert.deepEqual(seen.record, {
      id: rag.id,
      kind: 'ARRIVO',
      number: rag.number,
      year: rag.year,
      formattedNumber: rag.formattedNumber,
      oggetto: 'Mandato di pagamento',
      registeredAt: rag.registeredAt,
      uor: { code: 'RAG' },
    });
    // Delivered after the commit, which follows the registration time.
    assert.ok(Date.parse(seen.occurredAt) >= Date.parse(rag.registeredAt), seen.occurredAt);
    // The technical office's subscriber never gets the RAG record: its first event is its own.
    assert.equal((await tecnico.next()).record.id, tec.id);
    await lettore.nothingWithin(300);
    await tecnico.nothingWithin(0);
  });

  it('never delivers a registration that rolled back', async () => {
    const lettore = await subscriber('lettore', 'RAG');
    const failed = await withFailingStatement(
      env.databaseUrl,
      { table: 'audit_event', event: 'insert', when: `new.operation = 'protocol.register'` },
      () =>
        register('RAG', 'Mai registrato').then(
          () => null,
          (e: unknown) => e,
        ),
    );
    assert.match(String(failed), /INTERNAL_SERVER_ERROR/);
    const [gone] = await sql<{ n: string }>(
      env,
      `select count(*) as n from protocol_record where oggetto = 'Mai registrato'`,
    );
    assert.equal(gone?.n, '0');
    const committed = await register('RAG', 'Registrato dopo');
    assert.equal((await lettore.next()).record.id, committed.id, 'the first event is the committed one');
    await lettore.nothingWithin(300);
  });

  it("checks each event with the subscriber's rights of now: a revoked membership stops delivery", async () => {
    const userId = await createMember(
      await env.asUser('admin'),
      ids.aooId,
      ids.uor['RAG'] ?? '',
      'lettore.revocato',
      'READ_ONLY',
    );
    const reader = await subscriber('lettore.revocato', 'RAG');
    const before = await register('RAG', 'Prima della revoca');
    assert.equal((await reader.next()).record.id, before.id);
    const [membership] = await sql<{ id: string }>(
      env,
      'select id from membership where user_id = $1 and ended_at is null',
      [userId],
    );
    assert.ok(membership);
    const ended = await gql(env, 'admin', EndMembershipDocument, { id: membership.id });
    assert.equal(ended.errors, undefined);
    await sleep(CALLER_REFRESH_MS + 200); // rights cached before the revocation have expired
    await register('RAG', 'Dopo la revoca');
    await reader.nothingWithin(800);
  });

  it('refuses to follow an AOO the subscriber cannot see', async () => {
    const admin = await env.asUser('admin');
    const other = await createSecondAoo(admin);
    await createMember(admin, other.aooId, other.uorId, 'altrove.lettore', 'READ_ONLY');
    const outsider = await open('altrove.lettore');
    await outsider.ws.next((m) => m.id === 's' && (m.type === 'error' || m.type === 'next'));
    assert.match(JSON.stringify(outsider.errors()), /NOT_FOUND/);
    assert.deepEqual(outsider.items(), []);
  });

  it('applies the query limits (depth, cost) on the WebSocket', async () => {
    const ws = await RawWsClient.open(env.wsUrl);
    try {
      ws.init(`Bearer ${await env.tokenFor('lettore')}`);
      await ws.next((m) => m.type === 'connection_ack');
      // Written out: the over-limit documents are what is refused.
      const deep = `subscription($a: ID!) { protocolRegistered(aooId: $a) { record { document { protocolRecord {
        document { protocolRecord { document { protocolRecord { document { protocolRecord { id } } } } } } } } } } }`;
      ws.send({ id: 'deep', type: 'subscribe', payload: { query: deep, variables: { a: ids.aooId } } });
      const tooDeep = await ws.next((m) => m.id === 'deep' && m.type === 'error');
      assert.match(JSON.stringify(tooDeep.payload), /depth/i);
      // 50 links of 50 links of 50 links: far above the default cost limit (100,000) at depth 9.
      const costly = `subscription($a: ID!) { protocolRegistered(aooId: $a) { record { links { record {
        links { record { links { record { id oggetto } } } } } } } } }`;
      ws.send({ id: 'cost', type: 'subscribe', payload: { query: costly, variables: { a: ids.aooId } } });
      const tooCostly = await ws.next((m) => m.id === 'cost' && m.type === 'error');
      assert.match(JSON.stringify(tooCostly.payload), /QUERY_TOO_COSTLY/);
    } finally {
      ws.close();
    }
  });

  it('replays after a reconnection what was missed since a moment, in order, none lost or repeated', async () => {
    const first = await subscriber('lettore', 'RAG');
    const last = await register('RAG', 'Ultima ricevuta');
    const seen = await first.next();
    assert.equal(seen.record.id, last.id);
    first.close();
    // Missed while disconnected: two of RAG, one of TEC (not the reader's).
    await register('RAG', 'Persa 1');
    await register('TEC', 'Non sua');
    await register('RAG', 'Persa 2');
    // Registrations go on while the client reconnects: some land in the catch-up, some live,
    // some (committed while the catch-up is read) in both.
    const ongoing = (async () => {
      for (let i = 1; i <= 6; i++) await register(i % 3 === 0 ? 'TEC' : 'RAG', `Durante ${i}`);
    })();
    const again = await open('lettore', { since: seen.record.registeredAt });
    await ongoing;
    const expected = await sql<{ id: string }>(
      env,
      `select id from protocol_record where aoo_id = $1 and registered_at > $2 and uor_id = $3
        order by registered_at, number`,
      [ids.aooId, seen.record.registeredAt, ids.uor['RAG']],
    );
    assert.equal(expected.length, 6, 'two missed and four during the reconnection');
    const delivered = await again.until(expected.length);
    await again.nothingWithin(500);
    assert.deepEqual(
      delivered.map((d) => d.record.id),
      expected.map((e) => e.id),
    );
    assert.deepEqual(again.errors(), []);
    // The replay is a viewing of those records, audited once with their ids.
    const [audited] = await sql<{ changes: { ids: string[] } }>(
      env,
      `select changes from audit_event where operation = 'protocolRegistered.catchUp'
        and actor_id = $1 order by id desc limit 1`,
      [ids.user['lettore']],
    );
    assert.ok(audited);
    assert.ok(audited.changes.ids.length >= 2, JSON.stringify(audited.changes));
    assert.deepEqual(
      audited.changes.ids,
      expected.slice(0, audited.changes.ids.length).map((e) => e.id),
    );
  });

  it('delivers once a registration both replayed and heard live (committed while the catch-up is read)', async () => {
    const since = new Date().toISOString();
    await sleep(5);
    const missed = await register('RAG', 'Letta e sentita');
    const heard = await registeredEvent(missed, 'RAG');
    const reader = await withClient(env.databaseUrl, async (lock) => {
      // The catch-up read waits behind this lock, so the registration's event comes in meanwhile,
      // as it does when the registration commits between the start of listening and the read.
      await lock.query('begin');
      await lock.query('lock table protocol_record in access exclusive mode');
      const feed = await open('lettore', { since });
      for (let waited = 0; ; waited += 20) {
        const blocked = await sql(
          env,
          `select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like '%registered_at > %'`,
        );
        if (blocked.length > 0) break;
        assert.ok(waited < 5000, 'the catch-up read never started');
        await sleep(20);
      }
      await release(heard);
      await lock.query('commit');
      return feed;
    });
    assert.equal((await reader.next()).record.id, missed.id);
    await reader.nothingWithin(500);
  });

  it("reloads many subscribers' rights in one statement, as each would be alone", async () => {
    const identity = env.platform.identity;
    const today = new Date().toISOString().slice(0, 10);
    const users = Object.values(ids.user);
    const many = await identity.authenticateMany?.(env.platform.orm.em.fork(), users, today);
    assert.ok(many, 'the organisation identity loads many at once');
    for (const id of users) {
      const one = await identity.authenticate(env.platform.orm.em.fork(), { id }, today);
      assert.deepEqual(many.get(id), one ?? undefined, id);
    }
    assert.equal(many.size, users.length, 'every demo user is active');
  });

  it('refuses a since that is not a date-time with the typed input error', async () => {
    const feed = await open('lettore', { since: 'ieri' });
    await feed.ws.next((m) => m.id === 's' && m.type === 'error');
    assert.match(JSON.stringify(feed.errors()), /BAD_USER_INPUT/);
  });
});
