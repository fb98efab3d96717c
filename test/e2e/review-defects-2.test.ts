import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ctx, Query, Resolver, Subscription } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { defineModule } from '../../server/modules/module.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';
import { RawWsClient, type WsMessage } from '../harness/ws-client.js';

/**
 * A module of this test only: it shows what the platform hands a resolver over HTTP and over
 * WebSocket (the client address of the request context). No core subscription is audited yet,
 * so without it the address a subscription would record is not observable.
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
