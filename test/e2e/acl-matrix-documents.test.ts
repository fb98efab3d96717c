import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AoosDocument,
  CreateDocumentDocument,
  DocumentCountDocument,
  DocumentDocument,
  DocumentPrimaryFileDocument,
  DocumentsDocument,
  FileDocument,
  ReplaceDocumentFileDocument,
  type CreateDocumentInput,
} from '../../clients/sdk/generated/graphql.js';
import type { PermissionDefinition } from '../../server/auth/permissions.js';
import { PROTOCOL_PARTICOLARE, PROTOCOL_READ, PROTOCOL_READ_RESERVED } from '../../schema/documents/index.js';
import {
  DEMO_UORS,
  DEMO_USERS,
  GrantScope,
  Profile,
  PROFILE_SCOPES,
} from '../../schema/organisation/index.js';
import { withClient } from '../harness/database.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The ACL matrix for documents and their files: every demo profile (and a user of another
 * AOO) × document state (normal, riservato before and after its date, particolare, other AOO)
 * × path (root, list, count, nested file, byte download). Expectations follow from
 * the permissions' profiles, the demo UOR tree and who is involved or named.
 */
type State = 'normal' | 'riservato' | 'riservatoPast' | 'particolare' | 'otherAoo';
const STATES: State[] = ['normal', 'riservato', 'riservatoPast', 'particolare', 'otherAoo'];

interface Actor {
  username: string;
  profile: Profile;
  uor: string;
  aoo: 'demo' | 'other';
}

/** Holders of PROTOCOL_PARTICOLARE and PROTOCOL_READ_RESERVED who are named on nothing. */
const UNNAMED: Actor[] = [
  { username: 'rgd.vicario', profile: Profile.RGD, uor: 'SEG', aoo: 'demo' },
  { username: 'vicesegretario', profile: Profile.TOTAL_VISIBILITY, uor: 'SEG', aoo: 'demo' },
];

const actors: Actor[] = [
  ...DEMO_USERS.map((u) => ({ username: u.username, profile: u.profile, uor: u.uor, aoo: 'demo' as const })),
  ...UNNAMED,
  { username: 'altrove.protocollo', profile: Profile.PROTOCOLLISTA, uor: 'PROT', aoo: 'other' },
];

// Who made each document, and who is involved (riservato) or named (particolare) on it.
const CREATOR: Record<State, string> = {
  normal: 'protocollista',
  riservato: 'rgd',
  riservatoPast: 'rgd',
  particolare: 'rgd',
  otherAoo: 'altrove.protocollo',
};
const LISTED: Partial<Record<State, string[]>> = {
  riservato: ['rpa.ragioneria', 'lettore'],
  particolare: ['segretario', 'rpa.tecnico'],
};
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

function holds(a: Actor, where: 'demo' | 'other', p: PermissionDefinition): boolean {
  return a.aoo === where && p.profiles.includes(a.profile);
}

/** PROTOCOL_READ over the RAG office, from the profile's scope and the UOR tree. */
function readsRag(a: Actor, where: 'demo' | 'other'): boolean {
  if (!holds(a, where, PROTOCOL_READ)) return false;
  const scope = PROFILE_SCOPES[a.profile];
  if (where === 'other' || scope === GrantScope.AOO) return true; // the other AOO's document sits in its only UOR
  const reach =
    scope === GrantScope.UOR_SUBTREE || HEADS[a.username] === a.uor ? subtree(a.uor) : new Set([a.uor]);
  return reach.has('RAG');
}

function expected(a: Actor, state: State): boolean {
  if (CREATOR[state] === a.username) return true;
  const where = state === 'otherAoo' ? 'other' : 'demo';
  const listed = LISTED[state]?.includes(a.username) ?? false;
  if (state === 'particolare') return listed && holds(a, where, PROTOCOL_PARTICOLARE);
  if (state === 'riservato') return listed && holds(a, where, PROTOCOL_READ_RESERVED);
  return readsRag(a, where);
}

interface Doc {
  id: string;
  fileId: string;
}

describe('ACL matrix: documents and files', () => {
  let env: TestEnv;
  const clients = new Map<string, GraphqlClient>();
  const docs = {} as Record<State, Doc>;
  let demoAooId = '';
  let otherAooId = '';

  async function upload(username: string): Promise<string> {
    const res = await fetch(`${env.baseUrl}/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await env.tokenFor(username)}`,
        'x-file-name': 'atto.pdf',
        'content-type': 'application/pdf',
      },
      body: Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(64)]),
    });
    assert.equal(res.status, 201);
    return ((await res.json()) as { id: string }).id;
  }

  async function userId(username: string): Promise<string> {
    return withClient(
      env.databaseUrl,
      async (c) =>
        (await c.query<{ id: string }>('select id from app_user where username = $1', [username])).rows[0]
          ?.id ?? '',
    );
  }

  async function create(state: State, uorId: string, extra: Partial<CreateDocumentInput>): Promise<Doc> {
    const creator = CREATOR[state];
    const fileId = await upload(creator);
    const client = clients.get(creator);
    assert.ok(client);
    const r = await client.data(CreateDocumentDocument, {
      input: { uorId, oggetto: `Documento ${state}`, primaryFileId: fileId, ...extra },
    });
    return { id: r.createDocument.id, fileId };
  }

  before(async () => {
    env = await startTestEnv();
    const admin = await env.asUser('admin');
    const demo = await admin.data(AoosDocument);
    demoAooId = demo.aoos[0]?.id ?? '';
    const rag = demo.aoos[0]?.uors.find((u) => u.code === 'RAG')?.id ?? '';
    const seg = demo.aoos[0]?.uors.find((u) => u.code === 'SEG')?.id ?? '';
    for (const a of UNNAMED) await createMember(admin, demoAooId, seg, a.username, a.profile);
    const other = await createSecondAoo(admin);
    otherAooId = other.aooId;
    await createMember(admin, other.aooId, other.uorId, 'altrove.protocollo', 'PROTOCOLLISTA');
    for (const a of actors) clients.set(a.username, await env.asUser(a.username));

    const tomorrow = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
    const listed = async (state: State) => Promise.all((LISTED[state] ?? []).map(userId));
    docs.normal = await create('normal', rag, {});
    docs.riservato = await create('riservato', rag, {
      reservedUntil: tomorrow,
      accessUserIds: await listed('riservato'),
    });
    docs.riservatoPast = await create('riservatoPast', rag, {
      reservedUntil: tomorrow,
      accessUserIds: await listed('riservato'),
    });
    // The reservation date has passed: from that day the normal rule applies.
    await withClient(env.databaseUrl, (c) =>
      c.query(`update document set reserved_until = current_date - 1 where id = $1`, [docs.riservatoPast.id]),
    );
    docs.particolare = await create('particolare', rag, {
      particolare: true,
      accessUserIds: await listed('particolare'),
    });
    docs.otherAoo = await create('otherAoo', other.uorId, {});
  });
  after(async () => {
    await env.close();
  });

  const paths: Array<{ name: string; run: (c: GraphqlClient, d: Doc, state: State) => Promise<boolean> }> = [
    {
      name: 'root document(id)',
      run: async (c, d) => !(await c.request(DocumentDocument, { id: d.id })).errors,
    },
    {
      name: 'list documents(aooId)',
      run: async (c, d, s) => {
        const r = await c.request(DocumentsDocument, {
          aooId: s === 'otherAoo' ? otherAooId : demoAooId,
          first: 100,
        });
        return r.data?.documents.edges.some((x) => x.node.id === d.id) ?? false;
      },
    },
    {
      name: 'nested document.primary.file',
      run: async (c, d) => {
        const r = await c.request(DocumentPrimaryFileDocument, { id: d.id });
        return r.data?.document.primary?.file.id === d.fileId;
      },
    },
    {
      name: 'root file(id)',
      run: async (c, d) => !(await c.request(FileDocument, { id: d.fileId })).errors,
    },
    {
      name: 'GET /files/:id',
      run: async (c, d) =>
        (
          await fetch(`${env.baseUrl}/files/${d.fileId}`, {
            headers: { authorization: `Bearer ${c.token ?? ''}` },
          })
        ).status === 200,
    },
  ];

  for (const path of paths) {
    it(path.name, async () => {
      const mismatches: string[] = [];
      for (const a of actors) {
        const client = clients.get(a.username);
        assert.ok(client);
        for (const state of STATES) {
          const got = await path.run(client, docs[state], state);
          if (got !== expected(a, state))
            mismatches.push(`${a.username} × ${state}: expected ${expected(a, state) ? 'allow' : 'deny'}`);
        }
      }
      assert.deepEqual(mismatches, []);
    });
  }

  it('count documents(aooId).totalCount equals the number of visible documents', async () => {
    for (const a of actors) {
      const client = clients.get(a.username);
      assert.ok(client);
      const want = STATES.filter((s) => s !== 'otherAoo' && expected(a, s)).length;
      const r = await client.data(DocumentCountDocument, { aooId: demoAooId });
      assert.equal(r.documents.totalCount, want, a.username);
    }
  });

  it('refuses confidential documents to creators without the right', async () => {
    const fileId = await upload('protocollista');
    const client = clients.get('protocollista');
    assert.ok(client);
    const uorId = (await client.data(AoosDocument)).aoos[0]?.uors[0]?.id ?? '';
    const r = await client.request(CreateDocumentDocument, {
      input: { uorId, oggetto: 'x', primaryFileId: fileId, particolare: true },
    });
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
  });

  it('a creator who leaves the AOO no longer sees or changes the documents made there', async () => {
    const tecnico = clients.get('rpa.tecnico');
    assert.ok(tecnico);
    const { aoos } = await tecnico.data(AoosDocument);
    const tec = aoos[0]?.uors.find((u) => u.code === 'TEC')?.id ?? '';
    const fileId = await upload('rpa.tecnico');
    const draft = (
      await tecnico.data(CreateDocumentDocument, {
        input: { uorId: tec, oggetto: 'Perizia', primaryFileId: fileId },
      })
    ).createDocument.id;
    // Moves to the other AOO: the old membership ends, a new one starts there.
    await withClient(env.databaseUrl, async (c) => {
      await c.query(
        `update membership set ended_at = now() where user_id = (select id from app_user where username = 'rpa.tecnico')`,
      );
      await c.query(
        `insert into membership (id, user_id, uor_id, profile) select gen_random_uuid(), u.id, o.id, 'RPA'
           from app_user u, uor o where u.username = 'rpa.tecnico' and o.aoo_id = $1`,
        [otherAooId],
      );
    });
    const moved = await env.asUser('rpa.tecnico');
    const read = await moved.request(DocumentDocument, { id: draft });
    assert.equal(read.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
    assert.equal((await moved.data(DocumentCountDocument, { aooId: demoAooId })).documents.totalCount, 0);
    const write = await moved.request(ReplaceDocumentFileDocument, {
      input: { documentId: draft, position: 0, fileId },
    });
    assert.equal(write.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
  });

  it('audits every document viewing: one row per read, one per list with the ids shown', async () => {
    const count = async (op: string) =>
      withClient(env.databaseUrl, async (c) =>
        Number(
          (
            await c.query<{ n: string }>(
              `select count(*) as n from audit_event where operation = $1 and actor_username = 'segretario'`,
              [op],
            )
          ).rows[0]?.n,
        ),
      );
    const segretario = clients.get('segretario');
    assert.ok(segretario);
    const [reads, lists] = [await count('document.read'), await count('document.list')];
    await segretario.data(DocumentDocument, { id: docs.normal.id });
    await segretario.data(DocumentsDocument, { aooId: demoAooId });
    assert.equal(await count('document.read'), reads + 1);
    assert.equal(await count('document.list'), lists + 1);
    const hidden = await segretario.request(DocumentDocument, { id: docs.otherAoo.id });
    assert.equal(hidden.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
    assert.equal(await count('document.read'), reads + 1, 'a refused read is not a viewing');
  });

  it('audits file metadata reads too, under the AOO the caller sees the file through', async () => {
    const segretario = clients.get('segretario');
    assert.ok(segretario);
    const reads = () =>
      withClient(
        env.databaseUrl,
        async (c) =>
          (
            await c.query<{ aoo_id: string }>(
              `select aoo_id from audit_event where operation = 'file.read' and actor_username = 'segretario' and target_id = $1 order by id`,
              [docs.normal.fileId],
            )
          ).rows,
      );
    const before = await reads();
    await segretario.data(FileDocument, { id: docs.normal.fileId });
    const after = await reads();
    assert.equal(after.length, before.length + 1);
    assert.deepEqual(after.at(-1), { aoo_id: demoAooId });
  });
});
