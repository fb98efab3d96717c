import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AddDocumentToRaccoglitoreDocument,
  CreateRaccoglitoreDocument,
  DeactivateUserDocument,
  DocumentRaccoglitoriDocument,
  RaccoglitoreDocument,
  RaccoglitoreDocumentsDocument,
  RaccoglitoriDocument,
  RemoveDocumentFromRaccoglitoreDocument,
  UpdateRaccoglitoreDocument,
} from '../../clients/sdk/generated/graphql.js';
import type { PermissionDefinition } from '../../server/auth/permissions.js';
import { PROTOCOL_READ } from '../../schema/documents/index.js';
import {
  DEMO_UORS,
  DEMO_USERS,
  GrantScope,
  Profile,
  PROFILE_SCOPES,
} from '../../schema/organisation/index.js';
import { RACCOGLITORE_MANAGE, RACCOGLITORE_READ } from '../../schema/raccoglitori/index.js';
import {
  comparable,
  createDocument,
  demoIds,
  errorCode,
  uniqueBytes,
  upload,
  type DemoIds,
} from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { addMembership, createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The ACL matrix for raccoglitori: every demo profile, an administrator of the demo AOO only (no
 * platform rights), an RPA of another AOO and a deactivated user × raccoglitori of two demo UORs
 * and of the other AOO × path (root, list, count, nested through a document, documents inside,
 * rename, add and remove a document). Expectations follow from the permissions' profiles, the
 * profile scopes and the demo UOR tree.
 */
type Where = 'demo' | 'other';
type Rec = 'rag' | 'tec' | 'other';
const RECS: Rec[] = ['rag', 'tec', 'other'];
const PLACE: Record<Rec, { where: Where; uor: string }> = {
  rag: { where: 'demo', uor: 'RAG' },
  tec: { where: 'demo', uor: 'TEC' },
  other: { where: 'other', uor: 'PROT' },
};

interface Actor {
  username: string;
  memberships: Array<{ profile: Profile; uor: string }>;
  where: Where;
  active: boolean;
}

const actors: Actor[] = [
  ...DEMO_USERS.map((u) => ({
    username: u.username,
    memberships: [{ profile: u.profile, uor: u.uor }],
    where: 'demo' as const,
    active: true,
  })),
  {
    username: 'admin.aoo',
    memberships: [{ profile: Profile.SYSTEM_ADMIN, uor: 'SEG' }],
    where: 'demo',
    active: true,
  },
  // Reads one office, manages another: sees the raccoglitori of TEC and may not change them.
  {
    username: 'misto',
    memberships: [
      { profile: Profile.READ_ONLY, uor: 'TEC' },
      { profile: Profile.RPA, uor: 'TRIB' },
    ],
    where: 'demo',
    active: true,
  },
  {
    username: 'altrove.rpa',
    memberships: [{ profile: Profile.RPA, uor: 'PROT' }],
    where: 'other',
    active: true,
  },
  {
    username: 'disattivato',
    memberships: [{ profile: Profile.RGD, uor: 'SEG' }],
    where: 'demo',
    active: false,
  },
];
const HEADS: Record<string, string> = { 'rpa.ragioneria': 'FIN', 'rpa.tecnico': 'TEC' };

function subtree(code: string): Set<string> {
  const out = new Set([code]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, , parent] of DEMO_UORS)
      if (parent && out.has(parent) && !out.has(child)) grew = out.add(child).size > 0;
  }
  return out;
}

/** The permission over the record's UOR, from the profiles' scopes and the UOR tree. */
function covers(a: Actor, p: PermissionDefinition, rec: Rec): boolean {
  const { where, uor } = PLACE[rec];
  if (!a.active || a.where !== where) return false;
  return a.memberships.some((m) => {
    if (!p.profiles.includes(m.profile)) return false;
    const scope = PROFILE_SCOPES[m.profile];
    if (where === 'other' || scope === GrantScope.AOO) return true; // the other AOO has one UOR
    const reach =
      scope === GrantScope.UOR_SUBTREE || HEADS[a.username] === m.uor ? subtree(m.uor) : new Set([m.uor]);
    return reach.has(uor);
  });
}
const reads = (a: Actor, rec: Rec) =>
  covers(a, RACCOGLITORE_READ, rec) || covers(a, RACCOGLITORE_MANAGE, rec);
const manages = (a: Actor, rec: Rec) => covers(a, RACCOGLITORE_MANAGE, rec);
const holdsAny = (a: Actor, ...ps: PermissionDefinition[]) =>
  a.active && ps.some((p) => a.memberships.some((m) => p.profiles.includes(m.profile)));

/** What a change answers: done, or the error code a client branches on. */
function expectedChange(a: Actor, rec: Rec): string {
  if (!a.active) return 'UNAUTHENTICATED';
  if (!holdsAny(a, RACCOGLITORE_MANAGE)) return 'FORBIDDEN';
  if (!reads(a, rec)) return 'NOT_FOUND';
  if (!manages(a, rec)) return 'FORBIDDEN';
  return 'ok';
}
const outcome = (r: GraphqlResponse<unknown>): string => {
  const code = errorCode(r);
  return typeof code === 'string' ? code : 'ok';
};

describe('ACL matrix: raccoglitori', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let otherAooId = '';
  let otherUorId = '';
  const clients = new Map<string, GraphqlClient>();
  const rec = {} as Record<Rec, string>;
  /** A document inside each raccoglitore (its UOR's), and one to add and remove. */
  const inside = {} as Record<Rec, string>;
  const spare = {} as Record<Rec, string>;
  const aooOf = (r: Rec) => (PLACE[r].where === 'demo' ? ids.aooId : otherAooId);
  const client = (username: string) => {
    const c = clients.get(username);
    assert.ok(c, username);
    return c;
  };

  async function doc(username: string, uorId: string): Promise<string> {
    const file = await upload(env, username, uniqueBytes(`acl ${username}`));
    return (await createDocument(env, username, { uorId, primaryFileId: file.id })).id;
  }

  before(async () => {
    env = await startTestEnv();
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    const seg = ids.uor['SEG'] ?? '';
    await createMember(admin, ids.aooId, seg, 'admin.aoo', 'SYSTEM_ADMIN');
    const gone = await createMember(admin, ids.aooId, seg, 'disattivato', 'RGD');
    const misto = await createMember(admin, ids.aooId, ids.uor['TEC'] ?? '', 'misto', 'READ_ONLY');
    await addMembership(admin, misto, ids.uor['TRIB'] ?? '', 'RPA');
    const other = await createSecondAoo(admin);
    otherAooId = other.aooId;
    otherUorId = other.uorId;
    await createMember(admin, other.aooId, other.uorId, 'altrove.rpa', 'RPA');
    for (const a of actors) clients.set(a.username, await env.asUser(a.username));
    // Deactivated after its token was issued: the token must stop working at once.
    await admin.data(DeactivateUserDocument, { id: gone });

    const maker: Record<Rec, string> = { rag: 'rgd', tec: 'rgd', other: 'altrove.rpa' };
    for (const r of RECS) {
      const uorId = PLACE[r].where === 'demo' ? (ids.uor[PLACE[r].uor] ?? '') : otherUorId;
      const created = await client(maker[r]).data(CreateRaccoglitoreDocument, {
        input: { uorId, name: `Raccoglitore ${r}` },
      });
      rec[r] = created.createRaccoglitore.id;
      inside[r] = await doc(maker[r], uorId);
      spare[r] = await doc(maker[r], uorId);
      await client(maker[r]).data(AddDocumentToRaccoglitoreDocument, {
        raccoglitoreId: rec[r],
        documentId: inside[r],
      });
    }
  });
  after(async () => {
    await env.close();
  });

  const paths: Array<{
    name: string;
    want: (a: Actor, r: Rec) => boolean;
    run: (c: GraphqlClient, r: Rec) => Promise<boolean>;
  }> = [
    {
      name: 'root raccoglitore(id)',
      want: reads,
      run: async (c, r) =>
        (await c.request(RaccoglitoreDocument, { id: rec[r] })).data?.raccoglitore.id === rec[r],
    },
    {
      name: 'list raccoglitori(aooId)',
      want: reads,
      run: async (c, r) =>
        (
          await c.request(RaccoglitoriDocument, { aooId: aooOf(r), first: 100 })
        ).data?.raccoglitori.edges.some((e) => e.node.id === rec[r]) ?? false,
    },
    {
      name: 'nested document.raccoglitori',
      // The document of the raccoglitore's UOR is read with PROTOCOL_READ over the same UOR.
      want: (a, r) => reads(a, r) && covers(a, PROTOCOL_READ, r),
      run: async (c, r) =>
        (await c.request(DocumentRaccoglitoriDocument, { id: inside[r] })).data?.document.raccoglitori.some(
          (x) => x.id === rec[r],
        ) ?? false,
    },
    {
      name: 'documents inside raccoglitore.documents',
      want: (a, r) => reads(a, r) && covers(a, PROTOCOL_READ, r),
      run: async (c, r) => {
        const d = (await c.request(RaccoglitoreDocumentsDocument, { id: rec[r] })).data?.raccoglitore
          .documents;
        return d?.totalCount === 1 && d.edges[0]?.node.id === inside[r];
      },
    },
  ];

  for (const path of paths) {
    it(path.name, async () => {
      const mismatches: string[] = [];
      for (const a of actors) {
        for (const r of RECS) {
          const got = await path.run(client(a.username), r);
          if (got !== path.want(a, r))
            mismatches.push(`${a.username} × ${r}: expected ${path.want(a, r) ? 'allow' : 'deny'}`);
        }
      }
      assert.deepEqual(mismatches, []);
    });
  }

  it('totalCount of raccoglitori(aooId) counts only the visible ones', async () => {
    for (const a of actors.filter((x) => holdsAny(x, RACCOGLITORE_READ, RACCOGLITORE_MANAGE))) {
      for (const where of ['demo', 'other'] as const) {
        const want = RECS.filter((r) => PLACE[r].where === where && reads(a, r)).length;
        const r = await client(a.username).data(RaccoglitoriDocument, {
          aooId: where === 'demo' ? ids.aooId : otherAooId,
        });
        assert.equal(r.raccoglitori.totalCount, want, `${a.username} in ${where}`);
      }
    }
  });

  it('changes: rename, add and remove a document, per actor and raccoglitore', async () => {
    const mismatches: string[] = [];
    for (const a of actors) {
      const c = client(a.username);
      for (const r of RECS) {
        const want = expectedChange(a, r);
        const renamed = outcome(
          await c.request(UpdateRaccoglitoreDocument, {
            id: rec[r],
            input: { name: `Raccoglitore ${r} (${a.username})` },
          }),
        );
        const added = outcome(
          await c.request(AddDocumentToRaccoglitoreDocument, {
            raccoglitoreId: rec[r],
            documentId: spare[r],
          }),
        );
        const removed = outcome(
          await c.request(RemoveDocumentFromRaccoglitoreDocument, {
            raccoglitoreId: rec[r],
            documentId: spare[r],
          }),
        );
        for (const [op, got] of [
          ['rename', renamed],
          ['add', added],
          ['remove', removed],
        ] as const) {
          if (got !== want) mismatches.push(`${a.username} × ${r} ${op}: expected ${want}, got ${got}`);
        }
      }
    }
    assert.deepEqual(mismatches, []);
  });

  it('the matrix holds each answer of a change: done, FORBIDDEN by permission or by UOR, NOT_FOUND', () => {
    const seen = new Set(actors.flatMap((a) => RECS.map((r) => expectedChange(a, r))));
    assert.deepEqual([...seen].sort(), ['FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED', 'ok']);
    const misto = actors.find((a) => a.username === 'misto');
    assert.ok(misto);
    assert.equal(expectedChange(misto, 'tec'), 'FORBIDDEN', 'reads TEC, manages only TRIB');
  });

  it('a raccoglitore of another UOR or AOO answers like a nonexistent id', async () => {
    const missing = randomUUID();
    for (const [username, r] of [
      ['altrove.rpa', 'rag'],
      ['rpa.tecnico', 'rag'],
      ['lettore', 'tec'],
      ['rgd', 'other'],
    ] as const) {
      const hidden = await client(username).request(RaccoglitoreDocument, { id: rec[r] });
      const absent = await client(username).request(RaccoglitoreDocument, { id: missing });
      assert.equal(errorCode(hidden), 'NOT_FOUND', `${username} × ${r}`);
      assert.equal(hidden.status, absent.status);
      assert.equal(
        comparable(hidden.errors, rec[r]),
        comparable(absent.errors, missing),
        `${username} × ${r}`,
      );
    }
  });
});
