import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  ClassifyDocumentDocument,
  CloseFascicoloDocument,
  DeactivateUserDocument,
  DocumentFascicoliDocument,
  FascicoloChildrenDocument,
  FascicoloCountDocument,
  FascicoloDocument,
  FascicoloTreeDocument,
  FascicoliDocument,
  FascicoliInFullDocument,
  FileDocumentDocument,
  OpenFascicoloDocument,
  OpenSottofascicoloDocument,
  ReopenFascicoloDocument,
  TransferFascicoloDocument,
  UnfileDocumentDocument,
  type Profile as SdkProfile,
} from '../../clients/sdk/generated/graphql.js';
import { FASCICOLO_MANAGE, FASCICOLO_READ, FASCICOLO_REOPEN } from '../../schema/fascicoli/index.js';
import {
  DEMO_UORS,
  DEMO_USERS,
  GrantScope,
  Profile,
  PROFILE_SCOPES,
} from '../../schema/organisation/index.js';
import type { PermissionDefinition } from '../../server/auth/permissions.js';
import { SettableClock } from '../harness/clock.js';
import { makeTitolario, newDocument, type TitolarioFixture } from '../harness/fascicoli-fixtures.js';
import { comparable, demoIds, errorCode, type DemoIds } from '../harness/files-helpers.js';
import { GraphqlClient, type GraphqlResponse } from '../harness/graphql-client.js';
import { createMember, createSecondAoo, type SecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The ACL matrix of fascicoli: every profile (the single-AOO system administrator, RGD,
 * protocollista, the RPA of one UOR, read-only, total visibility), a user of another AOO and a
 * deactivated user × fascicoli of two UORs and of another AOO × every operation. Expectations
 * follow from the permissions' profiles and scopes and the demo UOR tree. A fascicolo the
 * caller cannot see answers exactly like a nonexistent id, on every path.
 */
type Target = 'rag' | 'tec' | 'other';
const TARGETS: Target[] = ['rag', 'tec', 'other'];

interface Actor {
  username: string;
  profile: Profile | null;
  uor: string;
  aoo: 'demo' | 'other';
  deactivated?: boolean;
}

const actors: Actor[] = [
  ...DEMO_USERS.filter((u) => u.username !== 'admin').map((u) => ({
    username: u.username,
    profile: u.profile,
    uor: u.uor,
    aoo: 'demo' as const,
  })),
  // A system administrator of this AOO only (the demo admin is also a platform administrator).
  { username: 'admin.aoo', profile: Profile.SYSTEM_ADMIN, uor: 'SEG', aoo: 'demo' },
  { username: 'altrove.protocollo', profile: Profile.PROTOCOLLISTA, uor: 'PROT', aoo: 'other' },
  { username: 'ex.rpa', profile: Profile.RPA, uor: 'RAG', aoo: 'demo', deactivated: true },
];

const TARGET_UOR: Record<Target, string> = { rag: 'RAG', tec: 'TEC', other: 'PROT' };
const HEADS: Record<string, string> = { 'rpa.ragioneria': 'FIN' };

function subtree(code: string): Set<string> {
  const out = new Set([code]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, , parent] of DEMO_UORS)
      if (parent && out.has(parent) && !out.has(child)) grew = out.add(child).size > 0;
  }
  return out;
}

function covers(a: Actor, t: Target, p: PermissionDefinition): boolean {
  if (a.deactivated || a.profile === null || !p.profiles.includes(a.profile)) return false;
  if ((t === 'other') !== (a.aoo === 'other')) return false;
  if (t === 'other' || p.scope === 'AOO') return true;
  const scope = PROFILE_SCOPES[a.profile];
  if (scope === GrantScope.AOO) return true;
  const reach =
    scope === GrantScope.UOR_SUBTREE || HEADS[a.username] === a.uor ? subtree(a.uor) : new Set([a.uor]);
  return reach.has(TARGET_UOR[t]);
}

const reads = (a: Actor, t: Target) => covers(a, t, FASCICOLO_READ);
const manages = (a: Actor, t: Target) => covers(a, t, FASCICOLO_MANAGE);
const reopens = (a: Actor, t: Target) => reads(a, t) && covers(a, t, FASCICOLO_REOPEN);

describe('ACL matrix: fascicoli', () => {
  const clock = new SettableClock('2025-06-15T10:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  let other: SecondAoo;
  let demoNodes: TitolarioFixture;
  let otherNodes: TitolarioFixture;
  const clients = new Map<string, GraphqlClient>();
  const userIds: Record<string, string> = {};
  const client = (username: string): GraphqlClient => {
    const c = clients.get(username);
    assert.ok(c, username);
    return c;
  };

  /** The creator, the UOR, the RPA and a second member (a transfer's new RPA) of each target. */
  const setup = (t: Target) => {
    const creator = t === 'other' ? 'altrove.protocollo' : 'rgd';
    const uorId = t === 'other' ? other.uorId : (ids.uor[TARGET_UOR[t]] ?? '');
    const rpa = t === 'other' ? 'altrove.protocollo' : t === 'rag' ? 'lettore' : 'rpa.tecnico';
    const second = `${t}.bis`;
    const node = (t === 'other' ? otherNodes : demoNodes)['2025']['X/1'] ?? '';
    return { creator, uorId, rpa, second, node };
  };

  async function fresh(t: Target, oggetto = `Fascicolo ${t} ${randomUUID().slice(0, 8)}`): Promise<string> {
    const s = setup(t);
    const r = await client(s.creator).data(OpenFascicoloDocument, {
      input: {
        classificationId: s.node,
        kind: 'AFFARE',
        oggetto,
        uorId: s.uorId,
        rpaId: userIds[s.rpa] ?? '',
      },
    });
    return r.openFascicolo.id;
  }

  async function freshDocument(t: Target): Promise<string> {
    const s = setup(t);
    const creator = t === 'other' ? 'altrove.protocollo' : 'protocollista';
    return newDocument(env, creator, s.uorId, `Documento ${t}`);
  }

  before(async () => {
    env = await startTestEnv({ clock });
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    other = await createSecondAoo(admin);
    demoNodes = await makeTitolario(env, clock, ids.aooId);
    otherNodes = await makeTitolario(env, clock, other.aooId);
    const admin2 = await env.asUser('admin');
    const members: Array<[string, string, string, SdkProfile]> = [
      ['admin.aoo', ids.aooId, ids.uor['SEG'] ?? '', 'SYSTEM_ADMIN'],
      ['altrove.protocollo', other.aooId, other.uorId, 'PROTOCOLLISTA'],
      ['ex.rpa', ids.aooId, ids.uor['RAG'] ?? '', 'RPA'],
      ['rag.bis', ids.aooId, ids.uor['RAG'] ?? '', 'READ_ONLY'],
      ['tec.bis', ids.aooId, ids.uor['TEC'] ?? '', 'READ_ONLY'],
      ['other.bis', other.aooId, other.uorId, 'READ_ONLY'],
    ];
    for (const [username, aooId, uorId, profile] of members)
      userIds[username] = await createMember(admin2, aooId, uorId, username, profile);
    for (const u of DEMO_USERS) userIds[u.username] = ids.user[u.username] ?? '';
    for (const a of [...actors, { username: 'rgd' }, { username: 'protocollista' }])
      clients.set(a.username, await env.asUser(a.username));
    // The deactivated user keeps a token issued before deactivation: it must open nothing.
    await admin2.data(DeactivateUserDocument, { id: userIds['ex.rpa'] ?? '' });
  });
  after(async () => {
    await env?.close();
  });

  function deniedLike(r: GraphqlResponse<unknown>, a: Actor): string | null {
    const code = errorCode(r);
    if (a.deactivated)
      return code === 'UNAUTHENTICATED' ? null : `expected UNAUTHENTICATED, got ${String(code)}`;
    return ['NOT_FOUND', 'FORBIDDEN', 'BAD_USER_INPUT'].includes(String(code))
      ? null
      : `unexpected ${String(code)}`;
  }

  interface Op {
    name: string;
    allowed(a: Actor, t: Target): boolean;
    run(c: GraphqlClient, t: Target): Promise<GraphqlResponse<unknown>>;
  }

  const ops: Op[] = [
    {
      name: 'openFascicolo',
      allowed: manages,
      run: (c, t) => {
        const s = setup(t);
        return c.request(OpenFascicoloDocument, {
          input: {
            classificationId: s.node,
            kind: 'ATTIVITA',
            oggetto: 'Nuovo',
            uorId: s.uorId,
            rpaId: userIds[s.rpa] ?? '',
          },
        });
      },
    },
    {
      name: 'openSottofascicolo',
      allowed: manages,
      run: async (c, t) =>
        c.request(OpenSottofascicoloDocument, { input: { parentId: await fresh(t), oggetto: 'Sotto' } }),
    },
    {
      name: 'closeFascicolo',
      allowed: manages,
      run: async (c, t) => c.request(CloseFascicoloDocument, { id: await fresh(t) }),
    },
    {
      name: 'reopenFascicolo',
      allowed: reopens,
      run: async (c, t) => {
        const id = await fresh(t);
        await client(setup(t).creator).data(CloseFascicoloDocument, { id });
        return c.request(ReopenFascicoloDocument, { id, reason: 'Riesame' });
      },
    },
    {
      name: 'transferFascicolo',
      allowed: manages,
      run: async (c, t) => {
        const s = setup(t);
        return c.request(TransferFascicoloDocument, {
          input: { fascicoloId: await fresh(t), uorId: s.uorId, rpaId: userIds[s.second] ?? '' },
        });
      },
    },
    {
      name: 'fileDocument',
      allowed: manages,
      run: async (c, t) =>
        c.request(FileDocumentDocument, {
          input: { fascicoloId: await fresh(t), documentId: await freshDocument(t) },
        }),
    },
    {
      name: 'unfileDocument',
      allowed: manages,
      run: async (c, t) => {
        const fascicoloId = await fresh(t);
        const documentId = await freshDocument(t);
        await client(setup(t).creator).data(FileDocumentDocument, { input: { fascicoloId, documentId } });
        return c.request(UnfileDocumentDocument, { fascicoloId, documentId });
      },
    },
    {
      // A document non protocollato is classified by whoever may file the office's documents.
      name: 'classifyDocument',
      allowed: manages,
      run: async (c, t) =>
        c.request(ClassifyDocumentDocument, {
          input: { documentId: await freshDocument(t), classificationId: setup(t).node },
        }),
    },
    {
      name: 'fascicolo(id)',
      allowed: reads,
      run: async (c, t) => c.request(FascicoloDocument, { id: await fresh(t) }),
    },
  ];

  for (const op of ops) {
    it(op.name, async () => {
      const mismatches: string[] = [];
      for (const a of actors) {
        for (const t of TARGETS) {
          const r = await op.run(client(a.username), t);
          const ok = !r.errors?.length;
          const want = op.allowed(a, t);
          if (ok !== want)
            mismatches.push(
              `${a.username} × ${t}: expected ${want ? 'allow' : 'deny'} (${JSON.stringify(r.errors?.[0]?.extensions?.['code'])})`,
            );
          if (!ok && !want) {
            const why = deniedLike(r, a);
            if (why) mismatches.push(`${a.username} × ${t}: ${why}`);
          }
        }
      }
      assert.deepEqual(mismatches, []);
    });
  }

  it('lists, counts and searches only the fascicoli the caller sees', async () => {
    const word = `zq${randomUUID().slice(0, 6)}`;
    const made = {} as Record<Target, string>;
    for (const t of TARGETS) made[t] = await fresh(t, `Ricerca ${word} ${t}`);
    const mismatches: string[] = [];
    for (const a of actors.filter((x) => !x.deactivated)) {
      const c = client(a.username);
      const want = TARGETS.filter((t) => reads(a, t))
        .map((t) => made[t])
        .sort();
      const listed = (await c.data(FascicoliDocument, { filter: { text: word }, first: 100 })).fascicoli;
      const got = listed.edges.map((e) => e.node.id).sort();
      if (JSON.stringify(got) !== JSON.stringify(want))
        mismatches.push(`${a.username}: search ${JSON.stringify(got)}`);
      const counted = (await c.data(FascicoloCountDocument, { filter: { text: word } })).fascicoli.totalCount;
      if (counted !== want.length) mismatches.push(`${a.username}: count ${counted} ≠ ${want.length}`);
      const aooList = (
        await c.data(FascicoliDocument, { filter: { aooId: ids.aooId, text: word }, first: 100 })
      ).fascicoli;
      for (const t of ['rag', 'tec'] as const)
        if (aooList.edges.some((e) => e.node.id === made[t]) !== reads(a, t))
          mismatches.push(`${a.username}: list × ${t}`);
    }
    assert.deepEqual(mismatches, []);
  });

  it('a hidden fascicolo answers exactly like a nonexistent id, on reads and writes', async () => {
    const hidden = await fresh('rag');
    const missing = randomUUID();
    const mismatches: string[] = [];
    for (const a of actors.filter((x) => !x.deactivated && !reads(x, 'rag'))) {
      const c = client(a.username);
      const pairs: Array<[string, (id: string) => Promise<GraphqlResponse<unknown>>]> = [
        ['fascicolo', (id) => c.request(FascicoloDocument, { id })],
        ['close', (id) => c.request(CloseFascicoloDocument, { id })],
        ['reopen', (id) => c.request(ReopenFascicoloDocument, { id, reason: 'x' })],
        ['sotto', (id) => c.request(OpenSottofascicoloDocument, { input: { parentId: id, oggetto: 'x' } })],
        [
          'file',
          (id) => c.request(FileDocumentDocument, { input: { fascicoloId: id, documentId: randomUUID() } }),
        ],
      ];
      for (const [name, run] of pairs) {
        const h = comparable(await run(hidden), hidden);
        const m = comparable(await run(missing), missing);
        if (h !== m) mismatches.push(`${a.username} × ${name}: ${h} ≠ ${m}`);
      }
    }
    assert.deepEqual(mismatches, []);
  });

  it('nested paths hide what the caller cannot see: parent, children and Document.fascicoli', async () => {
    // A RAG fascicolo with a TEC sottofascicolo; a TEC document linked to the RAG fascicolo.
    const rgd = client('rgd');
    const parent = await fresh('rag');
    const child = (
      await rgd.data(OpenSottofascicoloDocument, {
        input: {
          parentId: parent,
          oggetto: 'Parte tecnica',
          uorId: ids.uor['TEC'] ?? '',
          rpaId: userIds['rpa.tecnico'] ?? '',
        },
      })
    ).openSottofascicolo.id;
    const linkWord = `zl${randomUUID().slice(0, 6)}`;
    const tecFascicolo = await fresh('tec', `Collegamenti ${linkWord}`);
    const doc = await freshDocument('tec');
    await rgd.data(FileDocumentDocument, { input: { fascicoloId: tecFascicolo, documentId: doc } });
    await rgd.data(FileDocumentDocument, { input: { fascicoloId: parent, documentId: doc } });
    const tecnico = client('rpa.tecnico');
    const seenChild = await tecnico.data(FascicoloDocument, { id: child });
    assert.equal(seenChild.fascicolo.parent, null, 'the RAG parent is hidden from the TEC RPA');
    const filings = (await tecnico.data(DocumentFascicoliDocument, { id: doc })).document.fascicoli;
    // The same through a page of fascicoli (Document.fascicoli read together with the page).
    const viaList = async (username: string) => {
      const page = (
        await client(username).data(FascicoliInFullDocument, {
          filter: { uorIds: [ids.uor['TEC'] ?? ''], text: linkWord },
          first: 10,
          documents: 10,
        })
      ).fascicoli;
      const node = page.edges.find((e) => e.node.id === tecFascicolo)?.node;
      return node?.documents.edges.map((e) => e.node.fascicoli.map((f) => [f.fascicolo.id, f.primary]));
    };
    assert.deepEqual(await viaList('rpa.tecnico'), [[[tecFascicolo, true]]]);
    assert.deepEqual(await viaList('rgd'), [
      [
        [tecFascicolo, true],
        [parent, false],
      ],
    ]);
    assert.deepEqual(
      filings.map((f) => f.fascicolo.id),
      [tecFascicolo],
    );
    const ragioneria = client('rpa.ragioneria');
    const tree = (await ragioneria.data(FascicoloTreeDocument, { id: parent, first: 10 })).fascicolo;
    assert.deepEqual(
      [tree.children.totalCount, tree.children.edges.length],
      [0, 0],
      'the TEC child is hidden',
    );
    assert.deepEqual(
      [tree.documents.totalCount, tree.documents.edges.length],
      [0, 0],
      'the TEC document is hidden',
    );
    const full = (await rgd.data(FascicoloTreeDocument, { id: parent, first: 10 })).fascicolo;
    assert.deepEqual(
      [full.children.edges.map((e) => e.node.id), full.documents.edges.map((e) => e.node.id)],
      [[child], [doc]],
      'the RGD sees both',
    );
  });

  it('a tree read at once hides each hidden sottofascicolo or inserto and what is filed in it', async () => {
    // RAG fascicolo › RAG sottofascicolo › TEC inserto holding a TEC document, and a TEC sottofascicolo.
    const rgd = client('rgd');
    const top = await fresh('rag');
    const ragSub = (
      await rgd.data(OpenSottofascicoloDocument, { input: { parentId: top, oggetto: 'Contabile' } })
    ).openSottofascicolo.id;
    const tecInserto = (
      await rgd.data(OpenSottofascicoloDocument, {
        input: {
          parentId: ragSub,
          oggetto: 'Perizia',
          uorId: ids.uor['TEC'] ?? '',
          rpaId: userIds['rpa.tecnico'] ?? '',
        },
      })
    ).openSottofascicolo.id;
    const tecSub = (
      await rgd.data(OpenSottofascicoloDocument, {
        input: {
          parentId: top,
          oggetto: 'Tecnico',
          uorId: ids.uor['TEC'] ?? '',
          rpaId: userIds['rpa.tecnico'] ?? '',
        },
      })
    ).openSottofascicolo.id;
    const ragDoc = await freshDocument('rag');
    await rgd.data(FileDocumentDocument, { input: { fascicoloId: ragSub, documentId: ragDoc } });
    const tecDoc = await freshDocument('tec');
    await rgd.data(FileDocumentDocument, { input: { fascicoloId: tecInserto, documentId: tecDoc } });
    const shape = async (username: string) => {
      const children = (
        await client(username).data(FascicoloChildrenDocument, { id: top, first: 10, documents: 10 })
      ).fascicolo.children;
      return {
        total: children.totalCount,
        children: children.edges.map((e) => ({
          id: e.node.id,
          docs: e.node.documents.edges.map((d) => d.node.id),
          below: e.node.children.edges.map((c) => ({
            id: c.node.id,
            docs: c.node.documents.edges.map((d) => d.node.id),
          })),
          belowTotal: e.node.children.totalCount,
        })),
      };
    };
    assert.deepEqual(await shape('rgd'), {
      total: 2,
      children: [
        { id: ragSub, docs: [ragDoc], below: [{ id: tecInserto, docs: [tecDoc] }], belowTotal: 1 },
        { id: tecSub, docs: [], below: [], belowTotal: 0 },
      ],
    });
    assert.deepEqual(await shape('rpa.ragioneria'), {
      total: 1,
      children: [{ id: ragSub, docs: [ragDoc], below: [], belowTotal: 0 }],
    });
    assert.deepEqual(await shape('lettore'), {
      total: 1,
      children: [{ id: ragSub, docs: [ragDoc], below: [], belowTotal: 0 }],
    });
  });
});
