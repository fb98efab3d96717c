import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { print } from 'graphql';
import { SignJWT } from 'jose';
import {
  AoosDocument,
  HeartbeatDocument,
  MeDocument,
  MyGrantsDocument,
  ServerInfoDocument,
  UpdateUorDocument,
} from '../../clients/sdk/generated/graphql.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';
import { RawWsClient } from '../harness/ws-client.js';
import { withClient } from '../harness/database.js';
import { READINESS_CACHE_MS } from '../../server/http/health.js';
import { sleep } from '../harness/files-helpers.js';

describe('server: health, authentication, limits, WebSocket', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ env: { GRAPHQL_MAX_DEPTH: '6', GRAPHQL_MAX_ALIASES: '5' } });
  });
  after(async () => {
    await env.close();
  });

  it('answers /healthz and /readyz with the database and storage checked', async () => {
    const health = await fetch(`${env.baseUrl}/healthz`);
    assert.equal(health.status, 200);
    const ready = await fetch(`${env.baseUrl}/readyz`);
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as Record<string, unknown>;
    assert.deepEqual(body['checks'], { database: 'ok', blobStorage: 'ok' });
    assert.equal(body['status'], 'ready');
  });

  it('answers a flood of /readyz probes with one shared check, on a connection of its own', async () => {
    await sleep(READINESS_CACHE_MS + 50);
    const knex = env.platform.orm.em.getConnection().getKnex();
    let onRequestPool = 0;
    const count = () => onRequestPool++;
    knex.on('query', count);
    // Every connection of the request pool is busy for 3 s.
    const busy = Array.from({ length: 10 }, () =>
      env.platform.orm.em.fork().getConnection().execute('select pg_sleep(3)'),
    );
    await sleep(100);
    const started = Date.now();
    const probes = await Promise.all(
      Array.from({ length: 40 }, () =>
        fetch(`${env.baseUrl}/readyz`).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { checkedAt: string },
        })),
      ),
    );
    const elapsed = Date.now() - started;
    knex.off('query', count);
    await Promise.all(busy);
    assert.ok(probes.every((p) => p.status === 200));
    assert.equal(new Set(probes.map((p) => p.body.checkedAt)).size, 1, 'one check served all 40');
    assert.ok(elapsed < 1500, `answered in ${elapsed} ms while the request pool was busy`);
    assert.equal(onRequestPool, 10, 'only the 10 busy statements used the request pool');
    await sleep(READINESS_CACHE_MS + 50);
    const later = (await (await fetch(`${env.baseUrl}/readyz`)).json()) as { checkedAt: string };
    assert.ok(later.checkedAt > (probes[0]?.body.checkedAt ?? ''), 'a fresh check once the answer is older');
  });

  it('puts a request id on every response, reusing a well-formed incoming one', async () => {
    const mine = await fetch(`${env.baseUrl}/healthz`, { headers: { 'x-request-id': 'proxy-123456' } });
    assert.equal(mine.headers.get('x-request-id'), 'proxy-123456');
    const generated = await fetch(`${env.baseUrl}/healthz`, {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('returns the caller for a valid token', async () => {
    const client = await env.asUser('protocollista');
    const { me } = await client.data(MeDocument);
    assert.deepEqual([me.username, me.givenName], ['protocollista', 'Paola']);
  });

  it('computes effective grants from memberships and the UOR tree', async () => {
    const client = await env.asUser('rpa.ragioneria');
    const data = await client.data(MyGrantsDocument);
    const read = data.myGrants.find((g) => g.permission === 'PROTOCOL_READ');
    // Area finanziaria and its two offices; nothing of the other areas.
    assert.equal(read?.uorIds?.length, 3);
    // Exactly the permissions of the RPA profile: none of the RGD's or the administrator's.
    const rpa = env.platform.permissions
      .all()
      .filter((p) => p.profiles.includes('RPA'))
      .map((p) => p.name);
    assert.deepEqual([...new Set(data.myGrants.map((g) => g.permission))].sort(), rpa.sort());
  });

  it('serves public fields without a token and refuses the rest with UNAUTHENTICATED', async () => {
    const info = await env.anonymous.request(ServerInfoDocument);
    assert.equal(info.status, 200);
    assert.equal(info.data?.serverInfo.version, '0.1.0');
    const me = await env.anonymous.request(MeDocument);
    assert.equal(me.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
    assert.equal(me.data, null);
  });

  it('answers 401 for malformed, forged, expired and unknown-subject tokens', async () => {
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('protocollista')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('x'.repeat(40)));
    const expired = await env.platform.tokens.issue('protocollista', -10);
    const unknown = await env.platform.tokens.issue('nobody', 60);
    for (const [label, header] of [
      ['malformed', 'Bearer'],
      ['not bearer', 'Basic abc'],
      ['forged', `Bearer ${forged}`],
      ['expired', `Bearer ${expired}`],
      ['unknown subject', `Bearer ${unknown}`],
    ] as const) {
      const res = await fetch(env.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: header },
        body: JSON.stringify({ query: print(MeDocument) }),
      });
      assert.equal(res.status, 401, label);
      assert.match(
        res.headers.get('www-authenticate') ?? '',
        /^Bearer realm="dms", error="invalid_token"/,
        label,
      );
      const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
      assert.equal(body.errors[0]?.extensions.code, 'UNAUTHENTICATED', label);
    }
  });

  it('refuses tokens of deactivated users', async () => {
    const token = await env.tokenFor('lettore');
    await withClient(env.databaseUrl, (c) =>
      c.query(`update app_user set active = false where username = 'lettore'`),
    );
    try {
      const res = await fetch(env.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: print(MeDocument) }),
      });
      assert.equal(res.status, 401);
    } finally {
      await withClient(env.databaseUrl, (c) =>
        c.query(`update app_user set active = true where username = 'lettore'`),
      );
    }
  });

  // The documents of the limit tests are written out: their aliases, length and depth are the point.
  it('enforces depth, alias and token limits on HTTP', async () => {
    const client = await env.asUser('protocollista');
    const aliased = await client.request(
      '{ me { username } a1: me { username } a2: me { username } a3: me { username } a4: me { username } a5: me { username } a6: me { username } }',
    );
    assert.ok(
      aliased.errors?.some((e) => /alias/i.test(e.message)),
      JSON.stringify(aliased.errors),
    );
    assert.equal(aliased.data, undefined);
    const huge = await client.request(
      `{ ${Array.from({ length: 1500 }, () => 'serverInfo { version }').join(' ')} }`,
    );
    assert.ok(
      huge.errors?.some((e) => /token/i.test(e.message)),
      JSON.stringify(huge.errors?.[0]),
    );
  });

  it('enforces the depth limit on nested organisation paths', async () => {
    const client = await env.asUser('protocollista');
    // Written out, like the deep one: the control just within GRAPHQL_MAX_DEPTH (6).
    const shallow = await client.request('{ me { memberships { uor { aoo { code } } } } }');
    assert.equal(shallow.errors, undefined, JSON.stringify(shallow.errors));
    const deep = await client.request(
      '{ me { memberships { uor { aoo { uors { memberships { user { id } } } } } } } }',
    );
    assert.ok(
      deep.errors?.some((e) => /depth/i.test(e.message)),
      JSON.stringify(deep.errors),
    );
    assert.equal(deep.data, undefined);
  });

  it('hides field suggestions that would reveal the schema', async () => {
    const client = await env.asUser('protocollista');
    const r = await client.request('{ me { usernam } }');
    assert.ok(r.errors?.length);
    for (const e of r.errors ?? []) assert.doesNotMatch(e.message, /Did you mean/);
  });

  it('serves subscriptions on the same port to authenticated sockets', async () => {
    const ws = await RawWsClient.open(env.wsUrl);
    ws.init(`Bearer ${await env.tokenFor('protocollista')}`);
    await ws.next((m) => m.type === 'connection_ack');
    ws.subscribe('1', HeartbeatDocument, { intervalSeconds: 1 });
    const tick = await ws.next((m) => m.type === 'next' && m.id === '1');
    assert.match(JSON.stringify(tick.payload), /"at":"\d{4}-/);
    ws.close();
  });

  it('re-checks the subscriber at every event: a deactivated user is disconnected like an expired token', async () => {
    const ws = await RawWsClient.open(env.wsUrl);
    ws.init(`Bearer ${await env.tokenFor('segretario')}`);
    await ws.next((m) => m.type === 'connection_ack');
    ws.subscribe('h', HeartbeatDocument, { intervalSeconds: 1 });
    await ws.next((m) => m.type === 'next' && m.id === 'h' && JSON.stringify(m.payload).includes('"at"'));
    await withClient(env.databaseUrl, (c) =>
      c.query(`update app_user set active = false where username = 'segretario'`),
    );
    try {
      // The next tick (every 5 s at most) finds the user gone, once the rights cache (2 s) expired.
      const closed = await ws.closedWithin(12_000);
      assert.deepEqual(closed, { code: 4403, reason: 'The subscriber is no longer an active user' });
      const ticksAfter = ws.messages.filter(
        (m) => m.id === 'h' && JSON.stringify(m.payload).includes('UNAUTHENTICATED'),
      );
      assert.ok(ticksAfter.length <= 1, 'at most the event that found the user gone');
    } finally {
      ws.close();
      await withClient(env.databaseUrl, (c) =>
        c.query(`update app_user set active = true where username = 'segretario'`),
      );
    }
  });

  it('bounds subscriptions per socket and sockets per user', async () => {
    const token = `Bearer ${await env.tokenFor('rgd')}`;
    const ws = await RawWsClient.open(env.wsUrl);
    ws.init(token);
    await ws.next((m) => m.type === 'connection_ack');
    for (let i = 0; i < 21; i++) ws.subscribe(`s${i}`, HeartbeatDocument, { intervalSeconds: 300 });
    const refused = await ws.next((m) => m.type === 'error' && m.id === 's20');
    assert.match(JSON.stringify(refused.payload), /TOO_MANY_SUBSCRIPTIONS/);
    // Exactly the limit is served: each of the first 20 ticked (a heartbeat ticks at once), none erred.
    for (let i = 0; i < 20; i++) await ws.next((m) => m.type === 'next' && m.id === `s${i}`);
    assert.deepEqual(
      ws.messages.filter((m) => m.type === 'error').map((m) => m.id),
      ['s20'],
    );
    const sockets: RawWsClient[] = [ws];
    for (let i = 1; i < 10; i++) {
      const extra = await RawWsClient.open(env.wsUrl);
      extra.init(token);
      await extra.next((m) => m.type === 'connection_ack');
      sockets.push(extra);
    }
    const eleventh = await RawWsClient.open(env.wsUrl);
    eleventh.init(token);
    assert.equal((await eleventh.closedWithin()).code, 4429);
    sockets[1]?.close();
    await sockets[1]?.closed;
    const again = await RawWsClient.open(env.wsUrl);
    again.init(token);
    await again.next((m) => m.type === 'connection_ack');
    for (const s of [...sockets, again]) s.close();
  });

  it('records the socket address in the audit trail, not a forwarded one, unless proxies are configured', async () => {
    const admin = await env.asUser('admin');
    const { aoos } = await admin.data(AoosDocument);
    const uorId = aoos[0]?.uors[0]?.id ?? '';
    const r = await admin.request(
      UpdateUorDocument,
      { id: uorId, input: { email: 'seg@comune.esempio.it' } },
      { 'x-forwarded-for': '10.66.66.66' },
    );
    assert.equal(r.errors, undefined);
    const rows = await withClient(env.databaseUrl, (c) =>
      c.query<{ client_ip: string }>(
        `select client_ip from audit_event where operation = 'uor.update' order by id desc limit 1`,
      ),
    );
    assert.match(rows.rows[0]?.client_ip ?? '', /127\.0\.0\.1$/);
  });

  it('closes sockets with 4403 for a bad token and 4401 for none', async () => {
    const bad = await RawWsClient.open(env.wsUrl);
    bad.init('Bearer not-a-token');
    assert.equal((await bad.closedWithin()).code, 4403);
    const none = await RawWsClient.open(env.wsUrl);
    none.init();
    assert.equal((await none.closedWithin()).code, 4401);
  });

  it('closes the socket with 4401 when the token expires', async () => {
    const ws = await RawWsClient.open(env.wsUrl);
    // Long enough to be accepted on a loaded machine, short enough to expire within the test.
    ws.init(`Bearer ${await env.tokenFor('protocollista', 3)}`);
    await ws.next((m) => m.type === 'connection_ack');
    const closed = await ws.closedWithin(8000);
    assert.equal(closed.code, 4401);
    assert.equal(closed.reason, 'Token expired');
  });

  it('applies the same limits on WebSocket and refuses queries there', async () => {
    const ws = await RawWsClient.open(env.wsUrl);
    ws.init(`Bearer ${await env.tokenFor('protocollista')}`);
    await ws.next((m) => m.type === 'connection_ack');
    // Over-limit, query and misspelt documents: written out, they are what is refused.
    const aliases = Array.from({ length: 7 }, (_, i) => `h${i}: heartbeat { at }`).join(' ');
    ws.send({ id: 'a', type: 'subscribe', payload: { query: `subscription { ${aliases} }` } });
    const err = await ws.next((m) => m.type === 'error' && m.id === 'a');
    assert.match(JSON.stringify(err.payload), /alias/i);
    ws.send({ id: 'q', type: 'subscribe', payload: { query: '{ me { username } }' } });
    const q = await ws.next((m) => m.type === 'error' && m.id === 'q');
    assert.match(JSON.stringify(q.payload), /Only subscriptions/);
    ws.send({ id: 's', type: 'subscribe', payload: { query: 'subscription { heartbeat { att } }' } });
    const s = await ws.next((m) => m.type === 'error' && m.id === 's');
    assert.doesNotMatch(JSON.stringify(s.payload), /Did you mean/);
    ws.close();
  });
});

describe('server: cost limit', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ env: { GRAPHQL_MAX_COST: '30' } });
  });
  after(async () => {
    await env.close();
  });

  it('rejects a query whose static cost exceeds the limit, on HTTP and WebSocket', async () => {
    const client = await env.asUser('protocollista');
    const cheap = await client.request(MeDocument);
    assert.equal(cheap.errors, undefined);
    // Written out: the costly documents are what is refused.
    const costly = await client.request(
      '{ aoos { uors { code name memberships { profile user { username givenName familyName } } } } }',
    );
    assert.ok(
      costly.errors?.some((e) => /cost/i.test(e.message)),
      JSON.stringify(costly.errors),
    );
    const ws = await RawWsClient.open(env.wsUrl);
    ws.init(`Bearer ${await env.tokenFor('protocollista')}`);
    await ws.next((m) => m.type === 'connection_ack');
    const fields = Array.from({ length: 40 }, () => 'at').join(' ');
    ws.send({ id: 'c', type: 'subscribe', payload: { query: `subscription { heartbeat { ${fields} } }` } });
    const err = await ws.next((m) => m.type === 'error' && m.id === 'c');
    assert.match(JSON.stringify(err.payload), /cost/i);
    ws.close();
  });
});
