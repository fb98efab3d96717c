import assert from 'node:assert/strict';
import { coreModules } from '../../schema/modules.js';
import { composeModules } from '../../server/modules/compose.js';
import { after, before, describe, it } from 'node:test';
import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isLeafType,
  parse,
  type GraphQLSchema,
} from 'graphql';
import {
  AooUorsDocument,
  DocumentDocument,
  DocumentsDocument,
  MyGrantsDocument,
  UsersOfAooDocument,
} from '../../clients/sdk/generated/graphql.js';
import { createAppPubSub } from '../../server/events/pubsub.js';
import { listSizeOf } from '../../server/graphql/list-size.js';
import { operationCost } from '../../server/graphql/query-cost.js';
import { buildAppSchema } from '../../server/graphql/schema.js';
import { demoIds, type DemoIds } from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Query cost counts every list at its page size or its enforced maximum, so a small document of
 * aliased nested lists cannot make the server load millions of rows; the queries client teams
 * need stay well within the limit.
 */
describe('query cost', () => {
  let schema: GraphQLSchema;
  before(async () => {
    schema = await buildAppSchema(composeModules(coreModules), createAppPubSub(undefined).pubSub);
  });

  it('every list of objects in the schema declares a page argument or an enforced maximum', () => {
    const undeclared: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const list = isListType(getNullableType(field.type)) && !isLeafType(getNamedType(field.type));
        if (list && !listSizeOf(field.extensions)) undeclared.push(`${type.name}.${field.name}`);
      }
    }
    assert.deepEqual(undeclared, []);
  });

  it('counts lists at their size, pages at the requested size, aliases and fragments as often as they resolve', () => {
    const cost = (query: string, variables: Record<string, unknown> = {}) =>
      operationCost(schema, parse(query), undefined, variables);
    // A scalar 1, an object 2 + its selection.
    assert.equal(cost('{ me { id username } }'), 4);
    // 1000 UORs at most, each 2 + 1.
    assert.equal(cost('{ aoo(id: "x") { uors { code } } }'), 2 + 1000 * 3);
    // A page of 20 edges, each holding a node (2 + 1); totalCount and pageInfo once.
    const page = '{ documents(aooId: "x", first: 20) { totalCount edges { node { id } } } }';
    assert.equal(cost(page), 2 + 1 + 20 * (2 + 2 + 1));
    assert.equal(
      cost('query($n: Int) { documents(aooId: "x", first: $n) { edges { node { id } } } }', { n: 5 }),
      2 + 5 * 5,
    );
    assert.equal(
      cost('{ documents(aooId: "x", first: 5000) { edges { node { id } } } }'),
      2 + 100 * 5,
      'clamped',
    );
    assert.equal(cost('{ a: me { id } b: me { id } }'), 6);
    assert.equal(cost('query { me { ...F } } fragment F on User { id username }'), 4);
    // Nested lists multiply.
    assert.equal(cost('{ aoo(id: "x") { uors { memberships { profile } } } }'), 2 + 1000 * (2 + 1000 * 3));
  });

  describe('over HTTP', () => {
    let env: TestEnv;
    let ids: DemoIds;
    before(async () => {
      env = await startTestEnv();
      ids = await demoIds(env);
    });
    after(async () => {
      await env.close();
    });

    it('refuses a small document of aliased nested lists before running it: 400 QUERY_TOO_COSTLY', async () => {
      const client = await env.asUser('lettore');
      const nested = 'aoos { uors { memberships { user { memberships { uor { code } } } } } }';
      const query = `{ ${Array.from({ length: 10 }, (_, i) => `a${i}: ${nested}`).join(' ')} }`;
      const r = await client.request(query);
      assert.equal(r.status, 400);
      assert.equal(r.data, undefined);
      const e = r.errors?.[0];
      assert.equal(e?.extensions?.['code'], 'QUERY_TOO_COSTLY');
      assert.ok(Number(e?.extensions?.['cost']) > Number(e?.extensions?.['maxCost']));
      assert.equal(e?.extensions?.['maxCost'], 100_000);
    });

    it('accepts what a client team asks for: a page of documents, a document in full, an AOO tree, a page of users, the grants', async () => {
      const client = await env.asUser('segretario');
      for (const [name, r] of [
        ['documents page', await client.request(DocumentsDocument, { aooId: ids.aooId, first: 50 })],
        ['users page', await client.request(UsersOfAooDocument, { aooId: ids.aooId, first: 100 })],
        ['uor tree', await client.request(AooUorsDocument, { id: ids.aooId })],
        ['grants', await client.request(MyGrantsDocument)],
      ] as const) {
        assert.equal(r.errors, undefined, name);
      }
      const full = operationCost(schema, DocumentDocument, undefined, { id: 'x' });
      assert.ok(full < 100_000, `a document with every attachment costs ${full}`);
    });
  });
});
