import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CorrespondentDocument,
  CorrespondentHistoryDocument,
  CorrespondentsDocument,
  CreateCorrespondentDocument,
  DeactivateCorrespondentDocument,
  DeactivateUserDocument,
  ImportIpaCorrespondentsDocument,
  ReactivateCorrespondentDocument,
  UpdateCorrespondentDocument,
} from '../../clients/sdk/generated/graphql.js';
import type { PermissionDefinition } from '../../server/auth/permissions.js';
import { DEMO_USERS, Profile } from '../../schema/organisation/index.js';
import { RUBRICA_MANAGE, RUBRICA_READ } from '../../schema/rubrica/index.js';
import { comparable, demoIds, errorCode, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { traceSql } from '../harness/sql-trace.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The ACL matrix of the correspondents directory: every demo profile, an administrator of the
 * demo AOO only, an RPA and a protocollista of another AOO and a deactivated user × an entry of
 * each AOO × path (root, list, history, create, edit, deactivate, reactivate, IPA import). The
 * directory is AOO-wide: expectations follow from the permissions' profiles and the AOO alone.
 */
type Where = 'demo' | 'other';
const RECS: Where[] = ['demo', 'other'];

interface Actor {
  username: string;
  profile: Profile;
  where: Where;
  active: boolean;
}

const actors: Actor[] = [
  ...DEMO_USERS.map((u) => ({
    username: u.username,
    profile: u.profile,
    where: 'demo' as const,
    active: true,
  })),
  { username: 'admin.aoo', profile: Profile.SYSTEM_ADMIN, where: 'demo', active: true },
  { username: 'altrove.rpa', profile: Profile.RPA, where: 'other', active: true },
  { username: 'altrove.prot', profile: Profile.PROTOCOLLISTA, where: 'other', active: true },
  { username: 'disattivato', profile: Profile.RGD, where: 'demo', active: false },
];

const holds = (a: Actor, ...ps: PermissionDefinition[]) =>
  a.active && ps.some((p) => p.profiles.includes(a.profile));
const reads = (a: Actor, r: Where) => a.where === r && holds(a, RUBRICA_READ, RUBRICA_MANAGE);
const manages = (a: Actor, r: Where) => a.where === r && holds(a, RUBRICA_MANAGE);

/** What a change answers: done, or the error code a client branches on. */
function expectedChange(a: Actor, r: Where): string {
  if (!a.active) return 'UNAUTHENTICATED';
  if (!holds(a, RUBRICA_MANAGE)) return 'FORBIDDEN';
  if (!reads(a, r)) return 'NOT_FOUND';
  if (!manages(a, r)) return 'FORBIDDEN';
  return 'ok';
}
const outcome = (r: GraphqlResponse<unknown>): string => {
  const code = errorCode(r);
  return typeof code === 'string' ? code : 'ok';
};

describe('ACL matrix: rubrica', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let otherAooId = '';
  const clients = new Map<string, GraphqlClient>();
  const rec = {} as Record<Where, string>;
  const aooOf = (r: Where) => (r === 'demo' ? ids.aooId : otherAooId);
  const client = (username: string) => {
    const c = clients.get(username);
    assert.ok(c, username);
    return c;
  };
  let serial = 0;

  before(async () => {
    env = await startTestEnv();
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    const seg = ids.uor['SEG'] ?? '';
    await createMember(admin, ids.aooId, seg, 'admin.aoo', 'SYSTEM_ADMIN');
    const gone = await createMember(admin, ids.aooId, seg, 'disattivato', 'RGD');
    const other = await createSecondAoo(admin);
    otherAooId = other.aooId;
    await createMember(admin, other.aooId, other.uorId, 'altrove.rpa', 'RPA');
    await createMember(admin, other.aooId, other.uorId, 'altrove.prot', 'PROTOCOLLISTA');
    for (const a of actors) clients.set(a.username, await env.asUser(a.username));
    // Deactivated after its token was issued: the token must stop working at once.
    await admin.data(DeactivateUserDocument, { id: gone });
    for (const [r, maker] of [
      ['demo', 'protocollista'],
      ['other', 'altrove.prot'],
    ] as const) {
      const made = await client(maker).data(CreateCorrespondentDocument, {
        input: { aooId: aooOf(r), kind: 'PERSONA_GIURIDICA', denominazione: `Fornitore ${r}` },
      });
      rec[r] = made.createCorrespondent.id;
    }
  });
  after(async () => {
    await env.close();
  });

  const reading: Array<{ name: string; run: (c: GraphqlClient, r: Where) => Promise<boolean> }> = [
    {
      name: 'root correspondent(id)',
      run: async (c, r) =>
        (await c.request(CorrespondentDocument, { id: rec[r] })).data?.correspondent.id === rec[r],
    },
    {
      name: 'list correspondents(aooId) with totalCount',
      run: async (c, r) => {
        const l = (await c.request(CorrespondentsDocument, { aooId: aooOf(r), first: 100 })).data
          ?.correspondents;
        return (l?.edges.some((e) => e.node.id === rec[r]) ?? false) && l?.totalCount === l?.edges.length;
      },
    },
    {
      name: 'history correspondent.versions',
      run: async (c, r) =>
        ((await c.request(CorrespondentHistoryDocument, { id: rec[r] })).data?.correspondent.versions
          .length ?? 0) >= 1,
    },
  ];

  for (const path of reading) {
    it(path.name, async () => {
      const mismatches: string[] = [];
      for (const a of actors)
        for (const r of RECS) {
          const got = await path.run(client(a.username), r);
          if (got !== reads(a, r))
            mismatches.push(`${a.username} × ${r}: expected ${reads(a, r) ? 'allow' : 'deny'}`);
        }
      assert.deepEqual(mismatches, []);
    });
  }

  it('changes: create, edit, deactivate, reactivate, IPA import, per actor and AOO', async () => {
    const mismatches: string[] = [];
    for (const a of actors) {
      const c = client(a.username);
      for (const r of RECS) {
        const want = expectedChange(a, r);
        serial++;
        const got = {
          create: outcome(
            await c.request(CreateCorrespondentDocument, {
              input: { aooId: aooOf(r), kind: 'PERSONA_FISICA', name: 'Nome', surname: `Cognome ${serial}` },
            }),
          ),
          edit: outcome(
            await c.request(UpdateCorrespondentDocument, {
              id: rec[r],
              input: { notes: `da ${a.username}` },
            }),
          ),
          deactivate: outcome(await c.request(DeactivateCorrespondentDocument, { id: rec[r] })),
          reactivate: outcome(await c.request(ReactivateCorrespondentDocument, { id: rec[r] })),
          import: outcome(
            await c.request(ImportIpaCorrespondentsDocument, {
              input: { aooId: aooOf(r), content: `cod_amm\tdes_amm\nc_t${serial}\tEnte ${serial}` },
            }),
          ),
        };
        for (const [op, g] of Object.entries(got))
          if (g !== want) mismatches.push(`${a.username} × ${r} ${op}: expected ${want}, got ${g}`);
      }
    }
    assert.deepEqual(mismatches, []);
  });

  it('the matrix holds each answer of a change: done, FORBIDDEN, NOT_FOUND, UNAUTHENTICATED', () => {
    const seen = new Set(actors.flatMap((a) => RECS.map((r) => expectedChange(a, r))));
    assert.deepEqual([...seen].sort(), ['FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED', 'ok']);
    const lettore = actors.find((a) => a.username === 'lettore');
    assert.ok(lettore && reads(lettore, 'demo') && !manages(lettore, 'demo'), 'READ_ONLY reads, never edits');
  });

  it('an entry of another AOO answers like a nonexistent id, with the same statements', async () => {
    const missing = randomUUID();
    for (const [username, r] of [
      ['altrove.rpa', 'demo'],
      ['altrove.prot', 'demo'],
      ['rgd', 'other'],
      ['lettore', 'other'],
    ] as const) {
      const c = client(username);
      for (const [name, call] of Object.entries({
        read: (x: string) => c.request(CorrespondentDocument, { id: x }),
        history: (x: string) => c.request(CorrespondentHistoryDocument, { id: x }),
        edit: (x: string) => c.request(UpdateCorrespondentDocument, { id: x, input: { notes: 'x' } }),
        deactivate: (x: string) => c.request(DeactivateCorrespondentDocument, { id: x }),
      })) {
        let hidden: GraphqlResponse<unknown> = { status: 0 };
        let absent: GraphqlResponse<unknown> = { status: 0 };
        const hiddenSql = await traceSql(env, [rec[r]], async () => (hidden = await call(rec[r])));
        const absentSql = await traceSql(env, [missing], async () => (absent = await call(missing)));
        const label = `${username} × ${r} ${name}`;
        if (
          name === 'read' ||
          name === 'history' ||
          holds(actors.find((a) => a.username === username) as Actor, RUBRICA_MANAGE)
        )
          assert.equal(errorCode(hidden), 'NOT_FOUND', label);
        assert.equal(comparable(hidden.errors, rec[r]), comparable(absent.errors, missing), label);
        assert.deepEqual(hiddenSql, absentSql, label);
      }
    }
  });
});
