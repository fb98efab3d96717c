import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AddMembershipDocument,
  AoosDocument,
  CreateUorDocument,
  CreateUserDocument,
  DeactivateUorDocument,
  DeactivateUserDocument,
  EndMembershipDocument,
  MeDocument,
  MyMembershipsDocument,
  UpdateAooDocument,
  UpdateUorDocument,
  UpdateUserDocument,
  UserDocument,
} from '../../clients/sdk/generated/graphql.js';
import { sql } from '../harness/files-helpers.js';
import { traceSql } from '../harness/sql-trace.js';
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
  let aooB = '';

  const code = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
    r.errors?.[0]?.extensions?.['code'];

  before(async () => {
    env = await startTestEnv();
    const admin = await env.asUser('admin');
    const aooA = (await admin.data(AoosDocument)).aoos[0];
    assert.ok(aooA?.rgd);
    rgdId = aooA.rgd.id;
    const b = await createSecondAoo(admin, { ipaCode: 'c_b', aooCode: 'ABBBB01', uorCode: 'SEGB' });
    aooB = b.aooId;
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
    await bob.data(AddMembershipDocument, { input: { userId: rgdId, uorId: uorB, profile: 'READ_ONLY' } });
    const update = await bob.request(UpdateUserDocument, { id: rgdId, input: { givenName: 'Hacked' } });
    assert.equal(code(update), 'FORBIDDEN');
    const deactivate = await bob.request(DeactivateUserDocument, { id: rgdId });
    assert.equal(code(deactivate), 'FORBIDDEN');
    const { me } = await (await env.asUser('rgd')).data(MeDocument);
    assert.deepEqual([me.givenName, me.active], ['Roberto', true]);
  });

  it('cannot grant or end his own memberships; another administrator can', async () => {
    const rgdInB = { input: { userId: bobId, uorId: uorB, profile: 'RGD' as const } };
    const self = await bob.request(AddMembershipDocument, rgdInB);
    assert.equal(code(self), 'FORBIDDEN');
    const byCarol = await carol.request(AddMembershipDocument, rgdInB);
    assert.equal(byCarol.errors, undefined);
  });

  it('cannot change the structure of an AOO he only reads: every organisation change is scoped to its AOO', async () => {
    // Dave administers B and reads A: he sees A's UORs, so only the AOO-scoped admin check stops him.
    const admin = await env.asUser('admin');
    const { aoos } = await admin.data(AoosDocument);
    const aooA = aoos.find((a) => a.code === 'ADEMO01');
    assert.ok(aooA);
    const uorId = (code: string) => aooA.uors.find((u) => u.code === code)?.id ?? '';
    const daveId = await createMember(admin, aooB, uorB, 'dave', 'SYSTEM_ADMIN');
    await addMembership(admin, daveId, uorId('RAG'), 'READ_ONLY');
    const dave = await env.asUser('dave');
    const structure = () =>
      sql(
        env,
        `select o.*, (select count(*) from membership m where m.uor_id = o.id) as members from uor o
          where o.aoo_id = $1 order by o.id`,
        [aooA.id],
      );
    const aooRow = () => sql(env, 'select * from aoo where id = $1', [aooA.id]);
    const users = () => sql(env, 'select count(*) as n from app_user');
    const before = [await structure(), await aooRow(), await users()];
    const attempts = {
      createUor: await dave.request(CreateUorDocument, {
        input: { aooId: aooA.id, code: 'NUOVO', name: 'Ufficio nuovo' },
      }),
      updateUor: await dave.request(UpdateUorDocument, { id: uorId('RAG'), input: { name: 'Rinominato' } }),
      moveUor: await dave.request(UpdateUorDocument, { id: uorId('TRIB'), input: { parentId: null } }),
      deactivateUor: await dave.request(DeactivateUorDocument, { id: uorId('LLPP') }),
      updateAoo: await dave.request(UpdateAooDocument, { id: aooA.id, input: { name: 'Presa' } }),
      createUser: await dave.request(CreateUserDocument, {
        input: { aooId: aooA.id, username: 'intruso', givenName: 'I', familyName: 'I' },
      }),
      addMembership: await dave.request(AddMembershipDocument, {
        input: { userId: rgdId, uorId: uorId('RAG'), profile: 'READ_ONLY' },
      }),
    };
    assert.deepEqual(
      Object.fromEntries(Object.entries(attempts).map(([op, r]) => [op, [code(r), r.data ?? null]])),
      Object.fromEntries(Object.keys(attempts).map((op) => [op, ['FORBIDDEN', null]])),
    );
    assert.deepEqual([await structure(), await aooRow(), await users()], before);
    // The same changes in his own AOO are his to make.
    const own = await dave.request(CreateUorDocument, {
      input: { aooId: aooB, code: 'NUOVO', name: 'Ufficio nuovo' },
    });
    assert.equal(own.errors, undefined);
  });

  it('cannot end his own membership; another administrator of the AOO can', async () => {
    const admin = await env.asUser('admin');
    await createMember(admin, aooB, uorB, 'erin', 'SYSTEM_ADMIN');
    const erin = await env.asUser('erin');
    const mine = (await erin.data(MyMembershipsDocument)).me.memberships.find((m) => m.endedAt === null);
    assert.ok(mine);
    const self = await erin.request(EndMembershipDocument, { id: mine.id });
    assert.equal(code(self), 'FORBIDDEN');
    assert.equal(self.data ?? null, null);
    assert.deepEqual(await sql(env, 'select ended_at from membership where id = $1', [mine.id]), [
      { ended_at: null },
    ]);
    const byCarol = await carol.request(EndMembershipDocument, { id: mine.id });
    assert.equal(byCarol.errors, undefined);
    assert.notEqual(byCarol.data?.endMembership.endedAt, null);
  });

  it("learns nothing of other AOOs' people from createUser conflicts: one answer for a hidden username or subject", async () => {
    const { aoos } = await bob.data(AoosDocument);
    const b = aoos.find((a) => a.code === 'ABBBB01');
    assert.ok(b);
    // AOO A's users are hidden from Dave-like admins who do not read A: use carol (admin of B only).
    const attempt = (username: string, subject?: string) =>
      carol.request(CreateUserDocument, {
        input: { aooId: b.id, username, subject, givenName: 'N', familyName: 'N' },
      });
    const hiddenUsername = await attempt('protocollista', 'nuovo.soggetto');
    const hiddenSubject = await attempt('nuovo.utente', 'rpa.tecnico');
    for (const r of [hiddenUsername, hiddenSubject]) {
      assert.equal(code(r), 'CONFLICT');
      assert.equal(r.errors?.[0]?.extensions?.['field'], 'username');
      assert.doesNotMatch(r.errors?.[0]?.message ?? '', /protocollista|rpa\.tecnico/);
    }
    assert.equal(hiddenUsername.errors?.[0]?.message, hiddenSubject.errors?.[0]?.message);
    // A clash with a user she sees is explained precisely.
    const visible = await attempt('bob');
    assert.equal(code(visible), 'CONFLICT');
    assert.match(visible.errors?.[0]?.message ?? '', /the username bob is taken/);
    const visibleSubject = await attempt('altro.nome', 'bob');
    assert.equal(visibleSubject.errors?.[0]?.extensions?.['field'], 'subject');
  });

  it('ending a hidden membership costs exactly what ending a missing one does', async () => {
    const admin = await env.asUser('admin');
    const { aoos } = await admin.data(AoosDocument);
    const a = aoos.find((x) => x.code === 'ADEMO01');
    assert.ok(a);
    const rgd = await admin.data(UserDocument, { id: rgdId });
    const hidden = rgd.user.memberships.find((m) => m.uor.code === 'SEG' && m.endedAt === null);
    assert.ok(hidden);
    const run = async (id: string) => {
      let r: Awaited<ReturnType<typeof carol.request>> | undefined;
      const sql = await traceSql(env, [id], async () => {
        r = await carol.request(EndMembershipDocument, { id });
      });
      return { code: r && code(r), message: (r?.errors?.[0]?.message ?? '').replace(id, '<id>'), sql };
    };
    const missing = await run(randomUUID());
    const hiddenRun = await run(hidden.id);
    assert.equal(hiddenRun.code, 'NOT_FOUND');
    assert.deepEqual(hiddenRun, missing);
  });

  it('still administers users who work only in his AOO', async () => {
    const carolId = (await carol.data(MeDocument)).me.id;
    const r = await bob.request(UpdateUserDocument, { id: carolId, input: { email: 'carol@b.it' } });
    assert.equal(r.errors, undefined);
    assert.equal(r.data?.updateUser.email, 'carol@b.it');
  });

  it('lists the memberships of AOOs the caller still reads, never an unreadable UOR', async () => {
    const admin = await env.asUser('admin');
    const { user } = await admin.data(UserDocument, { id: bobId });
    const inA = user.memberships.find((m) => m.uor.code === 'RAG');
    assert.ok(inA);
    await admin.data(EndMembershipDocument, { id: inA.id });
    const me = await (await env.asUser('bob')).request(MyMembershipsDocument);
    assert.equal(me.errors, undefined);
    assert.deepEqual([...new Set(me.data?.me.memberships.map((m) => m.uor.code))], ['SEGB']);
  });
});
