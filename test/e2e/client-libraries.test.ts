import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { Client as UrqlClient, fetchExchange } from '@urql/core';
import { getIntrospectionQuery } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  HeartbeatDocument,
  MeWithEmailDocument,
  ServerInfoDocument,
  UpdateUserDocument,
} from '../../clients/sdk/generated/graphql.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * What a front-end team sends: the SDK's typed operations through Apollo Client and urql (which
 * add __typename everywhere and pass @include/@skip as written), GraphiQL's introspection
 * query, and a subscription over graphql-ws authenticated by connectionParams.
 */
describe('client libraries', () => {
  let env: TestEnv;
  let token: string;
  before(async () => {
    env = await startTestEnv();
    token = await env.tokenFor('protocollista');
  });
  after(async () => {
    await env.close();
  });

  it('Apollo Client: a query with @include and @skip, a mutation, and the cache keyed by __typename', async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: env.graphqlUrl, headers: { authorization: `Bearer ${token}` } }),
      cache: new InMemoryCache(),
    });
    const withEmail = await client.query({
      query: MeWithEmailDocument,
      variables: { withEmail: true, skipName: true },
    });
    assert.equal(withEmail.error, undefined);
    assert.deepEqual(withEmail.data?.me, {
      __typename: 'User',
      id: withEmail.data?.me.id,
      username: 'protocollista',
      email: 'protocollista@comune.esempio.it',
    });
    const without = await client.query({
      query: MeWithEmailDocument,
      variables: { withEmail: false },
      fetchPolicy: 'network-only',
    });
    assert.equal(without.data?.me.email, undefined);
    assert.equal(without.data?.me.givenName, 'Paola');
    const admin = new ApolloClient({
      link: new HttpLink({
        uri: env.graphqlUrl,
        headers: { authorization: `Bearer ${await env.tokenFor('admin')}` },
      }),
      cache: new InMemoryCache(),
    });
    const updated = await admin.mutate({
      mutation: UpdateUserDocument,
      variables: { id: withEmail.data?.me.id ?? '', input: { email: 'paola@comune.esempio.it' } },
    });
    assert.equal(updated.data?.updateUser.email, 'paola@comune.esempio.it');
  });

  it('urql: the same typed query with @include', async () => {
    const client = new UrqlClient({
      url: env.graphqlUrl,
      exchanges: [fetchExchange],
      fetchOptions: { headers: { authorization: `Bearer ${token}` } },
      preferGetMethod: false,
    });
    const r = await client.query(MeWithEmailDocument, { withEmail: true }).toPromise();
    assert.equal(r.error, undefined);
    assert.equal(r.data?.me.username, 'protocollista');
    assert.equal(typeof r.data?.me.email, 'string');
    const info = await client.query(ServerInfoDocument, {}).toPromise();
    assert.match(info.data?.serverInfo.version ?? '', /^\d+\.\d+\.\d+/);
  });

  it("GraphiQL's introspection query lists the standard directives beside @acl", async () => {
    const res = await fetch(env.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: getIntrospectionQuery({ specifiedByUrl: true, directiveIsRepeatable: true, oneOf: true }),
      }),
    });
    const body = (await res.json()) as { data: { __schema: { directives: Array<{ name: string }> } } };
    assert.deepEqual(body.data.__schema.directives.map((d) => d.name).sort(), [
      'acl',
      'deprecated',
      'include',
      'oneOf',
      'skip',
      'specifiedBy',
    ]);
  });

  it('Apollo Client over graphql-ws: connectionParams carry the token, ticks arrive', async () => {
    const ws = createClient({
      url: env.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    const client = new ApolloClient({ link: new GraphQLWsLink(ws), cache: new InMemoryCache() });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        const sub = client
          .subscribe({ query: HeartbeatDocument, variables: { intervalSeconds: 5 } })
          .subscribe({
            next: (r) => {
              sub.unsubscribe();
              if (r.error) reject(new Error(r.error.message));
              else resolve(r.data?.heartbeat.at ?? '');
            },
            error: (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))),
          });
      });
      assert.match(first, /^\d{4}-\d\d-\d\dT/);
    } finally {
      await ws.dispose();
    }
  });
});
