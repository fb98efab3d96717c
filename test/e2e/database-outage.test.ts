import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { print, type DocumentNode } from 'graphql';
import { HeartbeatDocument, MeDocument, ServerInfoDocument } from '../../clients/sdk/generated/graphql.js';
import { download, httpError, postFile, sleep, uniqueBytes, upload } from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';
import { RawWsClient } from '../harness/ws-client.js';

/**
 * With PostgreSQL unreachable every request that needs it answers 503 with Retry-After and the
 * typed code SERVICE_UNAVAILABLE (GraphQL, WebSocket, files), not a 500; when the database
 * returns, the server serves again by itself.
 */
describe('database outage', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ databaseProxy: true });
  });
  after(async () => {
    await env.close();
  });

  /** A typed operation over plain fetch, to see the Retry-After header the harness client hides. */
  async function graphql(token: string | undefined, operation: DocumentNode) {
    const res = await fetch(env.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: print(operation) }),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
  }

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After on every way in, and recovers by itself', async () => {
    const token = await env.tokenFor('protocollista');
    const file = await upload(env, 'protocollista', uniqueBytes('before the outage'), 'prima.txt');
    const proxy = env.databaseProxy;
    assert.ok(proxy);
    proxy.cut();
    try {
      const query = await graphql(token, MeDocument);
      assert.equal(query.status, 503);
      assert.equal(query.retryAfter, '5');
      assert.equal(httpError(query.body)['code'], 'SERVICE_UNAVAILABLE');
      assert.match(String(httpError(query.body)['message']), /database is unavailable/);
      const got = await download(env, file.id, { token });
      assert.equal(got.status, 503);
      assert.equal(got.headers.get('retry-after'), '5');
      assert.equal(httpError(JSON.parse(got.body.toString()))['code'], 'SERVICE_UNAVAILABLE');
      const posted = await postFile(env, token, uniqueBytes('during the outage'), 'durante.txt');
      assert.equal(posted.status, 503);
      assert.equal(httpError(posted.body)['code'], 'SERVICE_UNAVAILABLE');
      const ready = await fetch(`${env.baseUrl}/readyz`);
      assert.equal(ready.status, 503);
      // The process is alive and says so: what needs no database still answers.
      assert.equal((await env.anonymous.request(ServerInfoDocument)).status, 200);
      assert.equal((await fetch(`${env.baseUrl}/healthz`)).status, 200);
    } finally {
      proxy.restore();
    }
    const client = await env.asUser('protocollista');
    const back = await client.request(MeDocument);
    assert.equal(back.errors, undefined);
    assert.equal(back.data?.me.username, 'protocollista');
    assert.equal((await download(env, file.id, { token })).status, 200);
    await sleep(1100);
    assert.equal((await fetch(`${env.baseUrl}/readyz`)).status, 200);
  });

  it('a live subscription gets the typed error during the outage and ticks again afterwards', async () => {
    const ws = await RawWsClient.open(env.wsUrl);
    ws.init(`Bearer ${await env.tokenFor('segretario')}`);
    await ws.next((m) => m.type === 'connection_ack');
    ws.subscribe('h', HeartbeatDocument, { intervalSeconds: 5 });
    await ws.next((m) => m.type === 'next' && m.id === 'h');
    const proxy = env.databaseProxy;
    assert.ok(proxy);
    proxy.cut();
    try {
      const failed = await ws.next(
        (m) => m.type === 'next' && JSON.stringify(m.payload).includes('SERVICE_UNAVAILABLE'),
        9000,
      );
      assert.doesNotMatch(JSON.stringify(failed.payload), /ECONNRESET|DriverException/);
    } finally {
      proxy.restore();
    }
    const ticks = () =>
      ws.messages.filter((m) => m.type === 'next' && JSON.stringify(m.payload).includes('"at"'));
    const before = ticks().length;
    await ws.next(() => ticks().length > before, 9000);
    ws.close();
  });
});
