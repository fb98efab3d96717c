import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Ctx, Query, Resolver, Subscription } from 'type-graphql';
import { UsersOfAooWithSubjectDocument } from '../../clients/sdk/generated/graphql.js';
import { User } from '../../schema/organisation/index.js';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { defineModule } from '../../server/modules/module.js';
import { demoIds, gql, sql, type DemoIds } from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';
import { RawWsClient, type WsMessage } from '../harness/ws-client.js';

/**
 * A module of this test only: it shows what the platform hands a resolver over HTTP and over
 * WebSocket (the client address of the request context), and feeds a list with a masked field
 * over WebSocket. No core subscription is audited or masks a field yet, so without it neither
 * would be observable on a socket.
 */
@Resolver()
class ProbeResolver {
  @Query(() => String, { nullable: true, description: 'The client address of the request context' })
  @AnyAuthenticated()
  probeClientAddress(@Ctx() ctx: RequestContext): string | null {
    return ctx.clientIp;
  }

  @Subscription(() => String, {
    nullable: true,
    description: 'One event: the client address of the subscription context',
    subscribe: () => events(1),
  })
  @AnyAuthenticated()
  probeClientAddressFeed(@Ctx() ctx: RequestContext): string | null {
    return ctx.clientIp;
  }

  @Subscription(() => [User], {
    description: 'Two events, each every user (User.subject is masked by @acl)',
    subscribe: () => events(2),
  })
  @AnyAuthenticated()
  probeUsers(@Ctx() ctx: RequestContext): Promise<User[]> {
    return ctx.em.find(User, {}, { orderBy: { username: 'asc' } });
  }
}

async function* events(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield await Promise.resolve(i);
}

const probeModule = defineModule({ name: 'probe', resolvers: [ProbeResolver] });

interface ErrorEntry {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

/** Subscribes over a fresh socket (upgrade headers as given) and collects the events until complete. */
async function subscribe(
  env: TestEnv,
  username: string,
  query: string,
  headers: Record<string, string> = {},
): Promise<Array<{ data?: Record<string, unknown>; errors?: ErrorEntry[] }>> {
  const ws = await RawWsClient.open(env.wsUrl, headers);
  try {
    ws.init(`Bearer ${await env.tokenFor(username)}`);
    await ws.next((m) => m.type === 'connection_ack');
    ws.send({ id: 's', type: 'subscribe', payload: { query } });
    await ws.next((m: WsMessage) => m.id === 's' && (m.type === 'complete' || m.type === 'error'));
    const failed = ws.messages.find((m) => m.id === 's' && m.type === 'error');
    if (failed) throw new Error(`subscription refused: ${JSON.stringify(failed.payload)}`);
    return ws.messages
      .filter((m) => m.id === 's' && m.type === 'next')
      .map((m) => m.payload as { data?: Record<string, unknown>; errors?: ErrorEntry[] });
  } finally {
    ws.close();
  }
}

async function httpClientAddress(env: TestEnv, forwardedFor: string): Promise<unknown> {
  const client = await env.asUser('lettore');
  const r = await client.request('{ probeClientAddress }', undefined, { 'x-forwarded-for': forwardedFor });
  assert.equal(r.errors, undefined);
  return r.data?.['probeClientAddress'];
}

async function wsClientAddress(env: TestEnv, forwardedFor: string): Promise<unknown> {
  const [event] = await subscribe(env, 'lettore', 'subscription { probeClientAddressFeed }', {
    'x-forwarded-for': forwardedFor,
  });
  assert.equal(event?.errors, undefined);
  return event?.data?.['probeClientAddressFeed'];
}

describe('review defects 2: the WebSocket client address follows TRUST_PROXY', () => {
  for (const [trustProxy, expected] of [
    [undefined, /^(::ffff:)?127\.0\.0\.1$/],
    ['loopback', /^10\.66\.66\.66$/],
  ] as const) {
    describe(trustProxy ? `TRUST_PROXY=${trustProxy}` : 'TRUST_PROXY unset', () => {
      let env: TestEnv;
      before(async () => {
        env = await startTestEnv({
          modules: [probeModule],
          env: trustProxy ? { TRUST_PROXY: trustProxy } : {},
        });
      });
      after(async () => {
        await env.close();
      });

      it('a subscription gets the client address HTTP gets, for the same X-Forwarded-For', async () => {
        const overHttp = await httpClientAddress(env, '10.66.66.66');
        const overWs = await wsClientAddress(env, '10.66.66.66');
        assert.match(String(overHttp), expected);
        assert.equal(overWs, overHttp);
      });
    });
  }
});

describe('review defects 2', () => {
  let env: TestEnv;
  let ids: DemoIds;
  before(async () => {
    env = await startTestEnv({ modules: [probeModule] });
    ids = await demoIds(env);
  });
  after(async () => {
    await env.close();
  });

  it('a field masked on many rows is reported once, with how many values it masked', async () => {
    const r = await gql(env, 'lettore', UsersOfAooWithSubjectDocument, { aooId: ids.aooId, first: 100 });
    const nodes = r.data?.users.edges.map((e) => e.node) ?? [];
    // The reader sees every user of the AOO, and only their own subject.
    const [{ n }] = (await sql<{ n: string }>(
      env,
      `select count(*) as n from app_user u where exists (
         select 1 from membership m join uor o on o.id = m.uor_id where m.user_id = u.id and o.aoo_id = $1)
         or u.created_in_aoo_id = $1`,
      [ids.aooId],
    )) as [{ n: string }];
    assert.equal(nodes.length, Number(n));
    assert.ok(nodes.length > 2);
    for (const node of nodes) assert.equal(node.subject, node.username === 'lettore' ? 'lettore' : null);
    const maskedAt = nodes.flatMap((node, i) => (node.subject === null ? [i] : []));
    assert.equal(r.errors?.length, 1, JSON.stringify(r.errors));
    const [error] = r.errors ?? [];
    assert.equal(error?.extensions?.['code'], 'FIELD_MASKED');
    assert.equal(error?.extensions?.['permission'], 'ORG_ADMIN');
    assert.equal(error?.extensions?.['field'], 'User.subject');
    assert.equal(error?.extensions?.['count'], maskedAt.length);
    assert.equal(error?.extensions?.['pathPattern'], 'users.edges.*.node.subject');
    assert.deepEqual(error?.path, ['users', 'edges', maskedAt[0], 'node', 'subject']);
    assert.equal(typeof error?.extensions?.['requestId'], 'string');
    // Two places of the answer: one error each.
    const twice = await (
      await env.asUser('lettore')
    ).request(
      `query($a: ID!) {
        one: users(aooId: $a, first: 100) { edges { node { subject } } }
        two: users(aooId: $a, first: 100) { edges { node { subject } } }
      }`,
      { a: ids.aooId },
    );
    assert.deepEqual(
      twice.errors?.map((e) => [e.extensions?.['pathPattern'], e.extensions?.['count']]).sort(),
      [
        ['one.edges.*.node.subject', maskedAt.length],
        ['two.edges.*.node.subject', maskedAt.length],
      ],
    );
  });

  it('over WebSocket too, once per event, counting that event only', async () => {
    const events = await subscribe(env, 'lettore', 'subscription { probeUsers { username subject } }');
    assert.equal(events.length, 2);
    for (const event of events) {
      const users = event.data?.['probeUsers'] as Array<{ username: string; subject: string | null }>;
      const masked = users.filter((u) => u.subject === null).length;
      assert.ok(masked > 1);
      assert.equal(users.find((u) => u.username === 'lettore')?.subject, 'lettore');
      assert.equal(event.errors?.length, 1, JSON.stringify(event.errors));
      assert.equal(event.errors?.[0]?.extensions?.['code'], 'FIELD_MASKED');
      assert.equal(event.errors?.[0]?.extensions?.['count'], masked);
      assert.equal(event.errors?.[0]?.extensions?.['pathPattern'], 'probeUsers.*.subject');
    }
  });

  describe('one 401 for every route', () => {
    const routes: Array<[string, (authorization: string | undefined) => Promise<Response>]> = [
      [
        'POST /graphql',
        (authorization) =>
          fetch(env.graphqlUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
            body: JSON.stringify({ query: '{ me { id } }' }),
          }),
      ],
      [
        'GET /files/:id',
        (authorization) =>
          fetch(`${env.baseUrl}/files/${randomUUID()}`, { headers: authorization ? { authorization } : {} }),
      ],
      [
        'POST /files',
        (authorization) =>
          fetch(`${env.baseUrl}/files`, {
            method: 'POST',
            headers: { 'x-file-name': 'a.txt', ...(authorization ? { authorization } : {}) },
            body: 'x',
          }),
      ],
    ];

    async function answers(authorization: string | undefined) {
      return Promise.all(
        routes.map(async ([route, send]) => {
          const res = await send(authorization);
          const text = await res.text();
          return {
            route,
            status: res.status,
            challenge: res.headers.get('www-authenticate'),
            body: text.replace(/"requestId":"[^"]*"/g, '"requestId":"<request>"'),
          };
        }),
      );
    }

    it('a bad, malformed, expired or unknown token: the same status, header and body', async () => {
      const expired = await env.platform.tokens.issue('protocollista', -10);
      const unknown = await env.platform.tokens.issue('nobody', 60);
      for (const [label, authorization] of [
        ['bad', 'Bearer x.y.z'],
        ['malformed', 'Basic abc'],
        ['expired', `Bearer ${expired}`],
        ['unknown user', `Bearer ${unknown}`],
      ] as const) {
        const [graphql, ...files] = await answers(authorization);
        assert.equal(graphql?.status, 401, label);
        // A well-formed challenge: error_description is a quoted-string without quotes or backslashes.
        assert.match(
          graphql?.challenge ?? '',
          /^Bearer realm="dms", error="invalid_token", error_description="[^"\\]*"$/,
          label,
        );
        for (const file of files) {
          assert.deepEqual(
            { ...file, route: graphql?.route },
            graphql,
            `${label}: ${file.route} answers like /graphql`,
          );
        }
      }
    });

    it('no token: the same status, challenge (no error code, RFC 6750 §3.1) and error', async () => {
      const [graphql, ...files] = await answers(undefined);
      assert.equal(graphql?.status, 401);
      assert.equal(graphql?.challenge, 'Bearer realm="dms"');
      // GraphQL adds where in the operation it stopped (locations, path, data: null).
      const error = (body: string) => {
        const e = (JSON.parse(body) as { errors: ErrorEntry[] }).errors[0];
        return { message: e?.message, extensions: e?.extensions };
      };
      for (const file of files) {
        assert.equal(file.status, 401, file.route);
        assert.equal(file.challenge, graphql?.challenge, file.route);
        assert.deepEqual(error(file.body), error(graphql?.body ?? '{}'), file.route);
      }
    });
  });
});
