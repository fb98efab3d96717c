import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateUorDocument, UpdateUserDocument } from '../../clients/sdk/generated/graphql.js';
import { count, demoIds, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Text PostgreSQL cannot store (an unpaired UTF-16 surrogate, NUL) is refused at the edge with a
 * typed error naming where it was, before anything runs: it used to fail inside the audit row
 * (an internal error) or be stored silently changed to U+FFFD.
 */
describe('unstorable text is refused at the edge', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let admin: GraphqlClient;
  const audit = () => count(env, 'select 1 from audit_event');

  before(async () => {
    env = await startTestEnv();
    ids = await demoIds(env);
    admin = await env.asUser('admin');
  });
  after(async () => {
    await env.close();
  });

  it('in variables, for every text input: BAD_USER_INPUT naming the field, before anything is written', async () => {
    const [uors, events] = [await count(env, 'select 1 from uor'), await audit()];
    for (const [name, problem] of [
      ['Ufficio \ud800', /^name: must be valid Unicode: it contains an unpaired UTF-16 surrogate/],
      ['Ufficio \udc00 basso', /unpaired UTF-16 surrogate/],
      ['Ufficio \u0000', /^name: must not contain control characters/],
    ] as const) {
      const r = await admin.request(CreateUorDocument, { input: { aooId: ids.aooId, code: 'NUOVO', name } });
      assert.equal(r.status, 400, JSON.stringify(name));
      assert.equal(r.data, undefined, 'nothing ran');
      assert.equal(r.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
      assert.equal(r.errors?.[0]?.extensions?.['field'], 'name');
      assert.match(r.errors?.[0]?.message ?? '', problem);
    }
    const user = await admin.request(UpdateUserDocument, {
      id: ids.user['lettore'] ?? '',
      input: { givenName: 'Luca\ud83d' },
    });
    assert.equal(user.errors?.[0]?.extensions?.['field'], 'givenName');
    assert.deepEqual([await count(env, 'select 1 from uor'), await audit()], [uors, events]);
    // A paired surrogate (an emoji) is valid text and is stored as sent.
    const ok = await admin.request(UpdateUserDocument, {
      id: ids.user['lettore'] ?? '',
      input: { givenName: 'Luca 📎' },
    });
    assert.equal(ok.data?.updateUser.givenName, 'Luca 📎');
  });

  it('in string literals of the document too (a surrogate escape does not even parse)', async () => {
    const literal = (text: string) =>
      admin.request(
        `mutation { updateUser(id: "${ids.user['lettore'] ?? ''}", input: { familyName: "${text}" }) { id } }`,
      );
    const nul = await literal('L\\u0000');
    assert.equal(nul.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.equal(nul.errors?.[0]?.extensions?.['field'], 'familyName');
    const surrogate = await literal('L\\uD800');
    assert.equal(surrogate.status, 400);
    assert.equal(surrogate.errors?.[0]?.extensions?.['code'], 'GRAPHQL_PARSE_FAILED');
    assert.deepEqual(await sql(env, `select family_name from app_user where username = 'lettore'`), [
      { family_name: 'Lettore' },
    ]);
  });
});
