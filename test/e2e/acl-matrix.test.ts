import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Permission } from '../../server/auth/permission.js';
import { DEMO_USERS } from '../../server/demo/seed-demo.js';
import { PROFILE_TEMPLATES, Profile } from '../../schema/organisation/profile.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { comparable } from '../harness/files-helpers.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The ACL matrix: every demo profile (plus a user of another administration) × every
 * operation on organisation records × the record's AOO (own, other), through root, list and
 * nested paths. Expectations are computed from PROFILE_TEMPLATES, so the matrix follows the
 * profiles; a change of rights shows up here as an explicit diff.
 */
interface Actor {
  username: string;
  profile: Profile;
  aoo: 'demo' | 'other';
  platformAdmin: boolean;
}

interface Ids {
  demoAoo: string;
  otherAoo: string;
  demoAdministration: string;
  otherAdministration: string;
  demoUor: string;
  otherUor: string;
  demoUser: string;
  otherUser: string;
}

type Where = 'demo' | 'other';

const actors: Actor[] = [
  ...DEMO_USERS.map((u) => ({
    username: u.username,
    profile: u.profile,
    aoo: 'demo' as const,
    platformAdmin: u.profile === Profile.SYSTEM_ADMIN,
  })),
  { username: 'altrove.protocollo', profile: Profile.PROTOCOLLISTA, aoo: 'other', platformAdmin: false },
];

function holds(actor: Actor, where: Where, permission: Permission): boolean {
  return (
    actor.platformAdmin ||
    (actor.aoo === where && PROFILE_TEMPLATES[actor.profile].permissions.includes(permission))
  );
}
const canRead = (a: Actor, w: Where) => holds(a, w, Permission.ORG_READ) || holds(a, w, Permission.ORG_ADMIN);
const canSee = (a: Actor, w: Where) => a.platformAdmin || a.aoo === w;
const canAdmin = (a: Actor, w: Where) => holds(a, w, Permission.ORG_ADMIN);

interface Operation {
  name: string;
  path: 'root' | 'list' | 'nested' | 'mutation';
  expected(actor: Actor, where: Where): boolean;
  /** true when the operation succeeded and revealed the record */
  run(client: GraphqlClient, ids: Ids, where: Where): Promise<boolean>;
}

function pick(ids: Ids, where: Where, kind: 'Aoo' | 'Administration' | 'Uor' | 'User'): string {
  const key = `${where}${kind}` as keyof Ids;
  return ids[key];
}

async function ok(
  client: GraphqlClient,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ ok: boolean; data: unknown; codes: unknown[] }> {
  const r = await client.request(query, variables);
  return {
    ok: !r.errors?.length && r.data != null,
    data: r.data,
    codes: (r.errors ?? []).map((e) => e.extensions?.['code']),
  };
}

const operations: Operation[] = [
  {
    name: 'aoo(id)',
    path: 'root',
    expected: canSee,
    run: async (c, ids, w) =>
      (await ok(c, 'query($id: ID!) { aoo(id: $id) { id code } }', { id: pick(ids, w, 'Aoo') })).ok,
  },
  {
    name: 'aoos list contains the AOO',
    path: 'list',
    expected: canSee,
    run: async (c, ids, w) => {
      const r = await c.data<{ aoos: Array<{ id: string }> }>('{ aoos { id } }');
      return r.aoos.some((a) => a.id === pick(ids, w, 'Aoo'));
    },
  },
  {
    name: 'administration(id)',
    path: 'root',
    expected: canSee,
    run: async (c, ids, w) =>
      (
        await ok(c, 'query($id: ID!) { administration(id: $id) { id } }', {
          id: pick(ids, w, 'Administration'),
        })
      ).ok,
  },
  {
    name: 'administrations list',
    path: 'list',
    expected: canSee,
    run: async (c, ids, w) =>
      (
        await c.data<{ administrations: Array<{ id: string }> }>('{ administrations { id } }')
      ).administrations.some((a) => a.id === pick(ids, w, 'Administration')),
  },
  {
    name: 'uor(id)',
    path: 'root',
    expected: canRead,
    run: async (c, ids, w) =>
      (await ok(c, 'query($id: ID!) { uor(id: $id) { id } }', { id: pick(ids, w, 'Uor') })).ok,
  },
  {
    name: 'aoo.uors (nested)',
    path: 'nested',
    expected: canRead,
    run: async (c, ids, w) => {
      const r = await ok(c, 'query($id: ID!) { aoo(id: $id) { uors { id } } }', { id: pick(ids, w, 'Aoo') });
      return r.ok && JSON.stringify(r.data).includes(pick(ids, w, 'Uor'));
    },
  },
  {
    name: 'uor.memberships.user (nested)',
    path: 'nested',
    expected: canRead,
    run: async (c, ids, w) => {
      const r = await ok(c, 'query($id: ID!) { aoo(id: $id) { uors { memberships { user { id } } } } }', {
        id: pick(ids, w, 'Aoo'),
      });
      return r.ok && JSON.stringify(r.data).includes(pick(ids, w, 'User'));
    },
  },
  {
    name: 'user(id)',
    path: 'root',
    expected: canRead,
    run: async (c, ids, w) =>
      (await ok(c, 'query($id: ID!) { user(id: $id) { id } }', { id: pick(ids, w, 'User') })).ok,
  },
  {
    name: 'users(aooId) list',
    path: 'list',
    expected: canRead,
    run: async (c, ids, w) => {
      const r = await ok(c, 'query($id: ID!) { users(aooId: $id) { id } }', { id: pick(ids, w, 'Aoo') });
      return r.ok && JSON.stringify(r.data).includes(pick(ids, w, 'User'));
    },
  },
  {
    name: 'updateUor',
    path: 'mutation',
    expected: canAdmin,
    run: async (c, ids, w) =>
      (
        await ok(c, 'mutation($id: ID!) { updateUor(id: $id, input: { email: "x@example.it" }) { id } }', {
          id: pick(ids, w, 'Uor'),
        })
      ).ok,
  },
  {
    name: 'createUor',
    path: 'mutation',
    expected: canAdmin,
    run: async (c, ids, w) =>
      (
        await ok(
          c,
          'mutation($aoo: ID!, $code: String!) { createUor(input: { aooId: $aoo, code: $code, name: "Nuovo ufficio" }) { id } }',
          { aoo: pick(ids, w, 'Aoo'), code: `N${randomUUID().slice(0, 8)}` },
        )
      ).ok,
  },
  {
    name: 'createUser',
    path: 'mutation',
    expected: canAdmin,
    run: async (c, ids, w) =>
      (
        await ok(
          c,
          'mutation($aoo: ID!, $u: String!) { createUser(input: { aooId: $aoo, username: $u, givenName: "N", familyName: "N" }) { id } }',
          { aoo: pick(ids, w, 'Aoo'), u: `u${randomUUID().slice(0, 8)}` },
        )
      ).ok,
  },
  {
    name: 'updateUser',
    path: 'mutation',
    expected: canAdmin,
    run: async (c, ids, w) =>
      (
        await ok(c, 'mutation($id: ID!) { updateUser(id: $id, input: { email: "y@example.it" }) { id } }', {
          id: pick(ids, w, 'User'),
        })
      ).ok,
  },
  {
    name: 'updateAoo',
    path: 'mutation',
    expected: canAdmin,
    run: async (c, ids, w) =>
      (
        await ok(
          c,
          'mutation($id: ID!) { updateAoo(id: $id, input: { pecAddress: "pec@pec.example.it" }) { id } }',
          { id: pick(ids, w, 'Aoo') },
        )
      ).ok,
  },
  {
    name: 'createAdministration',
    path: 'mutation',
    expected: (a) => a.platformAdmin,
    run: async (c) =>
      (
        await ok(
          c,
          'mutation($ipa: String!) { createAdministration(input: { ipaCode: $ipa, name: "Ente" }) { id } }',
          { ipa: `c_${randomUUID().slice(0, 8)}` },
        )
      ).ok,
  },
];

describe('ACL matrix: organisation records', () => {
  let env: TestEnv;
  let ids: Ids;
  const clients = new Map<string, GraphqlClient>();

  before(async () => {
    env = await startTestEnv();
    const admin = await env.asUser('admin');
    const demo = await admin.data<{
      aoos: Array<{
        id: string;
        administration: { id: string };
        uors: Array<{ id: string; code: string }>;
        rgd: { id: string };
      }>;
    }>('{ aoos { id administration { id } uors { id code } rgd { id } } }');
    const demoAoo = demo.aoos[0];
    assert.ok(demoAoo);
    const other = await createSecondAoo(admin);
    const otherUser = await createMember(
      admin,
      other.aooId,
      other.uorId,
      'altrove.protocollo',
      'PROTOCOLLISTA',
    );
    ids = {
      demoAoo: demoAoo.id,
      otherAoo: other.aooId,
      demoAdministration: demoAoo.administration.id,
      otherAdministration: other.administrationId,
      demoUor: demoAoo.uors.find((u) => u.code === 'RAG')?.id ?? '',
      otherUor: other.uorId,
      demoUser: demoAoo.rgd.id,
      otherUser,
    };
    for (const a of actors) clients.set(a.username, await env.asUser(a.username));
  });
  after(async () => {
    await env.close();
  });

  for (const op of operations) {
    it(`${op.path}: ${op.name}`, async () => {
      const mismatches: string[] = [];
      for (const actor of actors) {
        for (const where of ['demo', 'other'] as const) {
          const client = clients.get(actor.username);
          assert.ok(client);
          const got = await op.run(client, ids, where);
          const want = op.expected(actor, where);
          if (got !== want)
            mismatches.push(
              `${actor.username} on ${where}: expected ${want ? 'allow' : 'deny'}, got ${got ? 'allow' : 'deny'}`,
            );
        }
      }
      assert.deepEqual(mismatches, []);
    });
  }

  it('a hidden record is indistinguishable from a missing one', async () => {
    const outsider = clients.get('altrove.protocollo');
    assert.ok(outsider);
    for (const [field, id] of [
      ['uor', ids.demoUor],
      ['aoo', ids.demoAoo],
      ['user', ids.demoUser],
      ['administration', ids.demoAdministration],
    ] as const) {
      const hidden: GraphqlResponse<unknown> = await outsider.request(
        `query($id: ID!) { ${field}(id: $id) { id } }`,
        { id },
      );
      const missingId = randomUUID();
      const missing: GraphqlResponse<unknown> = await outsider.request(
        `query($id: ID!) { ${field}(id: $id) { id } }`,
        { id: missingId },
      );
      assert.equal(hidden.status, missing.status, field);
      assert.equal(comparable(hidden.errors, id), comparable(missing.errors, missingId), field);
    }
  });

  it('masks the identity-provider subject for callers without ORG_ADMIN, and says so in the error', async () => {
    const reader = clients.get('lettore');
    assert.ok(reader);
    const r = await reader.request<{ user: { id: string; subject: string | null } }>(
      'query($id: ID!) { user(id: $id) { id subject } }',
      { id: ids.demoUser },
    );
    assert.equal(r.data?.user.id, ids.demoUser);
    assert.equal(r.data?.user.subject, null);
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'FIELD_MASKED');
    const self = await reader.data<{ me: { subject: string } }>('{ me { subject } }');
    assert.equal(self.me.subject, 'lettore');
    const admin = clients.get('admin');
    assert.ok(admin);
    const a = await admin.data<{ user: { subject: string } }>(
      'query($id: ID!) { user(id: $id) { subject } }',
      { id: ids.demoUser },
    );
    assert.equal(a.user.subject, 'rgd');
  });
});
