import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { addMembership, createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Regression (review finding): an administrator of AOO B could pull a user of AOO A into B,
 * then change or deactivate that user's identity, and could grant themselves any profile.
 */
describe('organisation administration across AOOs', () => {
  let env: TestEnv;
  let bob: GraphqlClient;
  let carol: GraphqlClient;
  let rgdId = '';
  let bobId = '';
  let uorB = '';

  const code = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
    r.errors?.[0]?.extensions?.['code'];

  before(async () => {
    env = await startTestEnv();
    const admin = await env.asUser('admin');
    const demo = await admin.data<{
      aoos: Array<{ id: string; rgd: { id: string }; uors: Array<{ id: string; code: string }> }>;
    }>('{ aoos { id rgd { id } uors { id code } } }');
    const aooA = demo.aoos[0];
    assert.ok(aooA);
    rgdId = aooA.rgd.id;
    const b = await createSecondAoo(admin, { ipaCode: 'c_b', aooCode: 'ABBBB01', uorCode: 'SEGB' });
    uorB = b.uorId;
    bobId = await createMember(admin, b.aooId, uorB, 'bob', 'SYSTEM_ADMIN');
    await createMember(admin, b.aooId, uorB, 'carol', 'SYSTEM_ADMIN');
    // Bob also reads AOO A (a READ_ONLY membership there), so A's users are visible to him.
    await addMembership(admin, bobId, aooA.uors.find((u) => u.code === 'RAG')?.id ?? '', 'READ_ONLY');
    bob = await env.asUser('bob');
    carol = await env.asUser('carol');
  });
  after(async () => {
    await env.close();
  });

  it('cannot change or deactivate a user who also works in an AOO he does not administer', async () => {
    await bob.data(
      'mutation($u: ID!, $o: ID!) { addMembership(input: { userId: $u, uorId: $o, profile: READ_ONLY }) { id } }',
      { u: rgdId, o: uorB },
    );
    const update = await bob.request(
      'mutation($u: ID!) { updateUser(id: $u, input: { givenName: "Hacked" }) { id } }',
      { u: rgdId },
    );
    assert.equal(code(update), 'FORBIDDEN');
    const deactivate = await bob.request('mutation($u: ID!) { deactivateUser(id: $u) { id } }', { u: rgdId });
    assert.equal(code(deactivate), 'FORBIDDEN');
    const rgd = await env.asUser('rgd');
    assert.deepEqual(await rgd.data('{ me { givenName active } }'), {
      me: { givenName: 'Roberto', active: true },
    });
  });

  it('cannot grant or end his own memberships; another administrator can', async () => {
    const self = await bob.request(
      'mutation($u: ID!, $o: ID!) { addMembership(input: { userId: $u, uorId: $o, profile: RGD }) { id } }',
      { u: bobId, o: uorB },
    );
    assert.equal(code(self), 'FORBIDDEN');
    const byCarol = await carol.request(
      'mutation($u: ID!, $o: ID!) { addMembership(input: { userId: $u, uorId: $o, profile: RGD }) { id } }',
      { u: bobId, o: uorB },
    );
    assert.equal(byCarol.errors, undefined);
  });

  it('still administers users who work only in his AOO', async () => {
    const carolId = (await carol.data<{ me: { id: string } }>('{ me { id } }')).me.id;
    const r = await bob.request(
      'mutation($u: ID!) { updateUser(id: $u, input: { email: "carol@b.it" }) { email } }',
      { u: carolId },
    );
    assert.deepEqual(r.data, { updateUser: { email: 'carol@b.it' } });
  });

  it('lists the memberships of AOOs the caller still reads, never an unreadable UOR', async () => {
    const admin = await env.asUser('admin');
    const { user } = await admin.data<{
      user: { memberships: Array<{ id: string; uor: { code: string } }> };
    }>('query($u: ID!) { user(id: $u) { memberships { id uor { code } } } }', { u: bobId });
    const inA = user.memberships.find((m) => m.uor.code === 'RAG');
    assert.ok(inA);
    await admin.data('mutation($m: ID!) { endMembership(id: $m) { id } }', { m: inA.id });
    const me = await (
      await env.asUser('bob')
    ).request<{ me: { memberships: Array<{ uor: { code: string } }> } }>(
      '{ me { memberships { uor { code } } } }',
    );
    assert.equal(me.errors, undefined);
    assert.ok(me.data?.me.memberships.every((m) => m.uor.code !== 'RAG'));
  });
});
