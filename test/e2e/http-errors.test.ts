import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedDemo } from '../../server/bootstrap.js';
import { httpError } from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';
import { RawWsClient } from '../harness/ws-client.js';

/**
 * One error shape and the right statuses (GraphQL over HTTP): request errors are 400 with the
 * GraphQL response media type; non-GraphQL failures (bad JSON, unknown routes) answer in the
 * same shape with the request id; no stack traces unless GRAPHQL_DEBUG; missing and bad tokens
 * both answer 401 when nothing could be served.
 */
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

/**
 * Bodies are written out by hand: each test is about the answer to exactly that body (bad
 * syntax, over the token limit, not JSON, a coercion error) and its headers, as the server gets it.
 */
async function post(
  env: TestEnv,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; requestId: string; body: Record<string, unknown> }> {
  const res = await fetch(env.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE, ...headers },
    body,
  });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    requestId: res.headers.get('x-request-id') ?? '',
    body: (await res.json()) as Record<string, unknown>,
  };
}

describe('HTTP errors: statuses and one shape', () => {
  let env: TestEnv;
  let token: string;
  before(async () => {
    env = await startTestEnv({ env: { GRAPHQL_MAX_TOKENS: '200' } });
    token = await env.tokenFor('protocollista');
  });
  after(async () => {
    await env.close();
  });

  it('a syntax error is a 400 request error with the GraphQL response media type, not a 500', async () => {
    const r = await post(env, JSON.stringify({ query: '{ me { ' }), { authorization: `Bearer ${token}` });
    assert.equal(r.status, 400);
    assert.match(r.type, /^application\/graphql-response\+json/);
    const e = httpError(r.body);
    assert.equal(e['code'], 'GRAPHQL_PARSE_FAILED');
    assert.match(String(e['message']), /Syntax Error/);
    assert.equal(e['requestId'], r.requestId);
    assert.equal(e['stacktrace'], undefined);
  });

  it('a document over the token limit is a 400 parse error', async () => {
    const query = `{ ${'serverInfo { version } '.repeat(60)} }`;
    const r = await post(env, JSON.stringify({ query }));
    assert.equal(r.status, 400);
    assert.equal(httpError(r.body)['code'], 'GRAPHQL_PARSE_FAILED');
    assert.match(String(httpError(r.body)['message']), /token/i);
  });

  it('a body that is not JSON, and an unknown route, answer in the same shape with the request id', async () => {
    const bad = await post(env, '{"query":');
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(bad.body), ['errors']);
    assert.equal(httpError(bad.body)['code'], 'BAD_REQUEST');
    assert.equal(httpError(bad.body)['requestId'], bad.requestId);
    const res = await fetch(`${env.baseUrl}/no/such/route`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = httpError(await res.json());
    assert.equal(body['code'], 'NOT_FOUND');
    assert.equal(body['requestId'], res.headers.get('x-request-id'));
  });

  it('no token and a bad token: both 401 with WWW-Authenticate and UNAUTHENTICATED, told apart by reason', async () => {
    const none = await post(env, JSON.stringify({ query: '{ me { id } }' }));
    const bad = await post(env, JSON.stringify({ query: '{ me { id } }' }), {
      authorization: 'Bearer x.y.z',
    });
    for (const [r, reason] of [
      [none, 'missing'],
      [bad, 'invalid'],
    ] as const) {
      assert.equal(r.status, 401, reason);
      assert.equal(httpError(r.body)['code'], 'UNAUTHENTICATED', reason);
      assert.equal(httpError(r.body)['reason'], reason);
      assert.equal(httpError(r.body)['requestId'], r.requestId);
    }
    const files = await fetch(`${env.baseUrl}/files`, { method: 'POST', body: 'x' });
    assert.equal(files.status, 401);
    assert.match(files.headers.get('www-authenticate') ?? '', /^Bearer realm="dms"/);
    assert.equal(httpError(await files.json())['reason'], 'missing');
    // The receipt and label routes too, before looking the record up.
    for (const pdf of ['receipt.pdf', 'label.pdf']) {
      const r = await fetch(`${env.baseUrl}/protocol-records/00000000-0000-4000-8000-000000000000/${pdf}`);
      assert.equal(r.status, 401, pdf);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer realm="dms"/);
      assert.equal(httpError(await r.json())['reason'], 'missing');
    }
    // Public fields need no token.
    const info = await post(env, JSON.stringify({ query: '{ serverInfo { version } }' }));
    assert.equal(info.status, 200);
  });

  it('carries the request id in every GraphQL error, and no stack trace by default', async () => {
    const r = await post(
      env,
      JSON.stringify({ query: '{ user(id: "00000000-0000-0000-0000-000000000000") { id } }' }),
      {
        authorization: `Bearer ${token}`,
      },
    );
    const e = httpError(r.body);
    assert.equal(e['code'], 'NOT_FOUND');
    assert.equal(e['requestId'], r.requestId);
    assert.equal(e['stacktrace'], undefined);
  });

  it('gives no enum or field suggestions through variable coercion', async () => {
    const r = await post(
      env,
      JSON.stringify({
        query:
          'mutation($p: Profile!) { addMembership(input: { userId: "x", uorId: "y", profile: $p }) { id } }',
        variables: { p: 'RGDD' },
      }),
      { authorization: `Bearer ${token}` },
    );
    assert.equal(httpError(r.body)['code'], 'BAD_USER_INPUT');
    assert.doesNotMatch(JSON.stringify(r.body), /Did you mean|"RGD"/);
  });
});

describe('HTTP errors with GRAPHQL_DEBUG=true', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ env: { GRAPHQL_DEBUG: 'true' } });
  });
  after(async () => {
    await env.close();
  });

  it('adds stack traces for the developer who asked', async () => {
    const r = await post(env, JSON.stringify({ query: '{ me { ' }));
    assert.ok(Array.isArray(httpError(r.body)['stacktrace']));
  });
});

describe('errors in production', () => {
  let env: TestEnv;
  let token: string;
  before(async () => {
    env = await startTestEnv({ seedDemo: false, env: { NODE_ENV: 'production' } });
    await seedDemo(env.platform, ['organisation']);
    token = await env.tokenFor('protocollista');
  });
  after(async () => {
    await env.close();
  });

  it('strips suggestions from coercion errors over HTTP', async () => {
    const r = await post(
      env,
      JSON.stringify({
        query:
          'mutation($p: Profile!) { addMembership(input: { userId: "x", uorId: "y", profile: $p }) { id } }',
        variables: { p: 'RGDD' },
      }),
      { authorization: `Bearer ${token}` },
    );
    assert.equal(httpError(r.body)['code'], 'BAD_USER_INPUT');
    assert.doesNotMatch(JSON.stringify(r.body), /Did you mean|"RGD"/);
  });

  it('over WebSocket, bad variables get the typed BAD_USER_INPUT error, not a masked internal error', async () => {
    const ws = await RawWsClient.open(env.wsUrl);
    ws.init(`Bearer ${token}`);
    await ws.next((m) => m.type === 'connection_ack');
    ws.send({
      id: 'v',
      type: 'subscribe',
      payload: {
        query: 'subscription($n: Int!) { heartbeat(intervalSeconds: $n) { at } }',
        variables: { n: 'five' },
      },
    });
    const err = await ws.next((m) => m.type === 'error' && m.id === 'v');
    const errors = err.payload as Array<{ message: string; extensions?: { code?: string } }>;
    assert.equal(errors[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(errors[0]?.message ?? '', /\$n/);
    ws.close();
  });
});
