import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AddMembershipDocument,
  AdministrationDocument,
  AdministrationsDocument,
  AooDocument,
  AoosDocument,
  AooUorsDocument,
  CreateAdministrationDocument,
  CreateUorDocument,
  CreateUserDocument,
  DeactivateUserDocument,
  UpdateAooDocument,
  UpdateUorDocument,
  UpdateUserDocument,
  UorDocument,
  UorMembersDocument,
  UserDocument,
  UserSubjectDocument,
  UsersOfAooDocument,
  MeSubjectDocument,
} from '../../clients/sdk/generated/graphql.js';
import type { PermissionDefinition } from '../../server/auth/permissions.js';
import { DEMO_USERS, ORG_ADMIN, ORG_READ, Profile } from '../../schema/organisation/index.js';
import { comparable } from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { addMembership, createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The ACL matrix: every actor × every operation on organisation records × the record's AOO
 * (own, other), through root, list and nested paths. Actors are the demo profiles plus a
 * protocollista of another administration, an administrator of that other AOO who also reads
 * the demo AOO (the only actor for whom "admin somewhere" and "admin here" differ), and a
 * deactivated user. Expectations are computed from the permissions' profiles and each actor's
 * memberships, so the matrix follows the profiles.
 */
type Where = 'demo' | 'other';

interface Actor {
  username: string;
  memberships: Array<{ aoo: Where; profile: Profile }>;
  platformAdmin: boolean;
  active: boolean;
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

const actors: Actor[] = [
  ...DEMO_USERS.map((u) => ({
    username: u.username,
    memberships: [{ aoo: 'demo' as const, profile: u.profile }],
    platformAdmin: u.profile === Profile.SYSTEM_ADMIN,
    active: true,
  })),
  {
    username: 'altrove.protocollo',
    memberships: [{ aoo: 'other', profile: Profile.PROTOCOLLISTA }],
    platformAdmin: false,
    active: true,
  },
  {
    username: 'altrove.admin',
    memberships: [
      { aoo: 'other', profile: Profile.SYSTEM_ADMIN },
      { aoo: 'demo', profile: Profile.READ_ONLY },
    ],
    platformAdmin: false,
    active: true,
  },
  {
    username: 'disattivato',
    memberships: [{ aoo: 'demo', profile: Profile.SYSTEM_ADMIN }],
    platformAdmin: false,
    active: false,
  },
];

function holds(actor: Actor, where: Where, permission: PermissionDefinition): boolean {
  return (
    actor.active &&
    (actor.platformAdmin ||
      actor.memberships.some((m) => m.aoo === where && permission.profiles.includes(m.profile)))
  );
}
const worksIn = (a: Actor, w: Where) => a.active && a.memberships.some((m) => m.aoo === w);
const canSee = (a: Actor, w: Where) => a.active && (a.platformAdmin || worksIn(a, w));
const canRead = (a: Actor, w: Where) => holds(a, w, ORG_READ) || holds(a, w, ORG_ADMIN);
const canAdmin = (a: Actor, w: Where) => holds(a, w, ORG_ADMIN);

interface Operation {
  name: string;
  path: 'root' | 'list' | 'nested' | 'mutation';
  expected(actor: Actor, where: Where): boolean;
  /** true when the operation succeeded and revealed the record */
  run(client: GraphqlClient, ids: Ids, where: Where): Promise<boolean>;
}

function pick(ids: Ids, where: Where, kind: 'Aoo' | 'Administration' | 'Uor' | 'User'): string {
  return ids[`${where}${kind}` as keyof Ids];
}

const succeeded = (r: GraphqlResponse<unknown>) => !r.errors?.length && r.data != null;
const reveals = (r: GraphqlResponse<unknown>, id: string) =>
  succeeded(r) && JSON.stringify(r.data).includes(id);

const operations: Operation[] = [
  {
    name: 'aoo(id)',
    path: 'root',
    expected: canSee,
    run: async (c, ids, w) => succeeded(await c.request(AooDocument, { id: pick(ids, w, 'Aoo') })),
  },
  {
    name: 'aoos: the AOOs the caller works in',
    path: 'list',
    expected: worksIn,
    run: async (c, ids, w) => reveals(await c.request(AoosDocument), pick(ids, w, 'Aoo')),
  },
  {
    name: 'administration(id)',
    path: 'root',
    expected: canSee,
    run: async (c, ids, w) =>
      succeeded(await c.request(AdministrationDocument, { id: pick(ids, w, 'Administration') })),
  },
  {
    name: 'administrations connection',
    path: 'list',
    expected: canSee,
    run: async (c, ids, w) =>
      reveals(await c.request(AdministrationsDocument, { first: 100 }), pick(ids, w, 'Administration')),
  },
  {
    name: 'administrations { aoos } (nested)',
    path: 'nested',
    expected: canSee,
    run: async (c, ids, w) => {
      const r = await c.request(AdministrationsDocument, { first: 100 });
      return (
        r.data?.administrations.edges.some((e) => e.node.aoos.some((a) => a.id === pick(ids, w, 'Aoo'))) ??
        false
      );
    },
  },
  {
    name: 'uor(id)',
    path: 'root',
    expected: canRead,
    run: async (c, ids, w) => succeeded(await c.request(UorDocument, { id: pick(ids, w, 'Uor') })),
  },
  {
    name: 'aoo.uors (nested)',
    path: 'nested',
    expected: canRead,
    run: async (c, ids, w) =>
      reveals(await c.request(AooUorsDocument, { id: pick(ids, w, 'Aoo') }), pick(ids, w, 'Uor')),
  },
  {
    name: 'uor.memberships.user (nested)',
    path: 'nested',
    expected: canRead,
    run: async (c, ids, w) =>
      reveals(await c.request(UorMembersDocument, { id: pick(ids, w, 'Uor') }), pick(ids, w, 'User')),
  },
  {
    name: 'user(id)',
    path: 'root',
    expected: canRead,
    run: async (c, ids, w) => succeeded(await c.request(UserDocument, { id: pick(ids, w, 'User') })),
  },
  {
    name: 'users(aooId) connection',
    path: 'list',
    expected: canRead,
    run: async (c, ids, w) =>
      reveals(
        await c.request(UsersOfAooDocument, { aooId: pick(ids, w, 'Aoo'), first: 100 }),
        pick(ids, w, 'User'),
      ),
  },
  {
    name: 'updateUor',
    path: 'mutation',
    expected: canAdmin,
    run: async (c, ids, w) =>
      succeeded(
        await c.request(UpdateUorDocument, { id: pick(ids, w, 'Uor'), input: { email: 'x@example.it' } }),
      ),
  },
  {
    name: 'createUor',
    path: 'mutation',
    expected: canAdmin,
    run: async (c, ids, w) =>
      succeeded(
        await c.request(CreateUorDocument, {
          input: { aooId: pick(ids, w, 'Aoo'), code: `N${randomUUID().slice(0, 8)}`, name: 'Nuovo ufficio' },
        }),
      ),
  },
  {
    name: 'createUser',
    path: 'mutation',
    expected: canAdmin,
    run: async (c, ids, w) =>
      succeeded(
        await c.request(CreateUserDocument, {
          input: {
            aooId: pick(ids, w, 'Aoo'),
            username: `u${randomUUID().slice(0, 8)}`,
            givenName: 'N',
            familyName: 'N',
          },
        }),
      ),
  },
  {
    name: 'updateUser',
    path: 'mutation',
    expected: canAdmin,
    run: async (c, ids, w) =>
      succeeded(
        await c.request(UpdateUserDocument, { id: pick(ids, w, 'User'), input: { email: 'y@example.it' } }),
      ),
  },
  {
    name: 'updateAoo',
    path: 'mutation',
    expected: canAdmin,
    run: async (c, ids, w) =>
      succeeded(
        await c.request(UpdateAooDocument, {
          id: pick(ids, w, 'Aoo'),
          input: { pecAddress: 'pec@pec.example.it' },
        }),
      ),
  },
  {
    name: 'createAdministration',
    path: 'mutation',
    expected: (a) => a.active && a.platformAdmin,
    run: async (c) =>
      succeeded(
        await c.request(CreateAdministrationDocument, {
          input: { ipaCode: `c_${randomUUID().slice(0, 8)}`, name: 'Ente' },
        }),
      ),
  },
];

describe('ACL matrix: organisation records', () => {
  let env: TestEnv;
  let ids: Ids;
  const clients = new Map<string, GraphqlClient>();

  before(async () => {
    env = await startTestEnv();
    const admin = await env.asUser('admin');
    const demoAoo = (await admin.data(AoosDocument)).aoos[0];
    assert.ok(demoAoo);
    const uor = (code: string) => demoAoo.uors.find((u) => u.code === code)?.id ?? '';
    const other = await createSecondAoo(admin);
    const otherUser = await createMember(
      admin,
      other.aooId,
      other.uorId,
      'altrove.protocollo',
      'PROTOCOLLISTA',
    );
    const otherAdmin = await createMember(admin, other.aooId, other.uorId, 'altrove.admin', 'SYSTEM_ADMIN');
    await addMembership(admin, otherAdmin, uor('RAG'), 'READ_ONLY');
    const gone = await createMember(admin, demoAoo.id, uor('SEG'), 'disattivato', 'SYSTEM_ADMIN');
    ids = {
      demoAoo: demoAoo.id,
      otherAoo: other.aooId,
      demoAdministration: demoAoo.administration.id,
      otherAdministration: other.administrationId,
      demoUor: uor('SEG'),
      otherUor: other.uorId,
      demoUser: demoAoo.rgd?.id ?? '',
      otherUser,
    };
    for (const a of actors) clients.set(a.username, await env.asUser(a.username));
    // Deactivated after its token was issued: the token must stop working at once.
    await admin.data(DeactivateUserDocument, { id: gone });
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

  it('a deactivated user is refused with 401 on every path', async () => {
    const client = clients.get('disattivato');
    assert.ok(client);
    const r = await client.request(AoosDocument);
    assert.equal(r.status, 401);
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
  });

  it('a hidden record is indistinguishable from a missing one', async () => {
    const outsider = clients.get('altrove.protocollo');
    assert.ok(outsider);
    const lookups = {
      uor: (id: string) => outsider.request(UorDocument, { id }),
      aoo: (id: string) => outsider.request(AooDocument, { id }),
      user: (id: string) => outsider.request(UserDocument, { id }),
      administration: (id: string) => outsider.request(AdministrationDocument, { id }),
    };
    for (const [field, id] of [
      ['uor', ids.demoUor],
      ['aoo', ids.demoAoo],
      ['user', ids.demoUser],
      ['administration', ids.demoAdministration],
    ] as const) {
      const missingId = randomUUID();
      const hidden = await lookups[field](id);
      const missing = await lookups[field](missingId);
      assert.equal(hidden.status, missing.status, field);
      assert.equal(comparable(hidden.errors, id), comparable(missing.errors, missingId), field);
    }
  });

  it('masks the identity-provider subject for callers without ORG_ADMIN, and says so in the error', async () => {
    const reader = clients.get('lettore');
    assert.ok(reader);
    const r = await reader.request(UserSubjectDocument, { id: ids.demoUser });
    assert.equal(r.data?.user.id, ids.demoUser);
    assert.equal(r.data?.user.subject, null);
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'FIELD_MASKED');
    assert.equal((await reader.data(MeSubjectDocument)).me.subject, 'lettore');
    const admin = clients.get('admin');
    assert.ok(admin);
    assert.equal((await admin.data(UserSubjectDocument, { id: ids.demoUser })).user.subject, 'rgd');
  });

  it('an administrator of one AOO who reads another cannot add members there', async () => {
    const otherAdmin = clients.get('altrove.admin');
    assert.ok(otherAdmin);
    const r = await otherAdmin.request(AddMembershipDocument, {
      input: { userId: ids.demoUser, uorId: ids.demoUor, profile: 'READ_ONLY' },
    });
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
  });
});
