import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddTitolarioNodeDocument,
  ClassificationSuggestionsDocument,
  CreateTitolarioDraftDocument,
  DeactivateUserDocument,
  ImportTitolarioDocument,
  PublishTitolarioVersionDocument,
  TitolarioDocument,
  TitolarioExportDocument,
  TitolarioNodeByCodeDocument,
  TitolarioNodeDocument,
  TitolarioVersionDocument,
  TitolarioVersionsDocument,
} from '../../clients/sdk/generated/graphql.js';
import { DEMO_USERS, Profile } from '../../schema/organisation/index.js';
import { TITOLARIO_MANAGE } from '../../schema/titolario/index.js';
import { toRoman } from '../../schema/titolario/titolario-codes.js';
import { SettableClock } from '../harness/clock.js';
import { demoIds } from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { addMembership, createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The ACL matrix of the titolario: every actor × every operation × the AOO of the record (own,
 * other). Expected answers follow from TITOLARIO_MANAGE's profiles and the actors' memberships:
 * members read published versions; managers also drafts and change them; a member without the
 * right is FORBIDDEN to change what they see; what one does not see is NOT_FOUND, exactly like
 * a missing id; a caller holding TITOLARIO_MANAGE nowhere is stopped before any lookup.
 */
type Where = 'demo' | 'other';

interface Actor {
  username: string;
  memberships: Array<{ aoo: Where; profile: Profile }>;
  platformAdmin: boolean;
  active: boolean;
}

const actors: Actor[] = [
  ...DEMO_USERS.map((u) => ({
    username: u.username,
    memberships: [{ aoo: 'demo' as const, profile: u.profile }],
    platformAdmin: u.username === 'admin',
    active: true,
  })),
  // The administrator of one AOO only (not a platform administrator).
  {
    username: 'capo.demo',
    memberships: [{ aoo: 'demo', profile: Profile.SYSTEM_ADMIN }],
    platformAdmin: false,
    active: true,
  },
  {
    username: 'altrove.protocollo',
    memberships: [{ aoo: 'other', profile: Profile.PROTOCOLLISTA }],
    platformAdmin: false,
    active: true,
  },
  // Manages the other AOO's titolario and only reads (single UOR) in the demo AOO.
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
    memberships: [{ aoo: 'demo', profile: Profile.RGD }],
    platformAdmin: false,
    active: false,
  },
];

const member = (a: Actor, w: Where) => a.memberships.some((m) => m.aoo === w);
const seesAoo = (a: Actor, w: Where) => a.platformAdmin || member(a, w);
const manages = (a: Actor, w: Where) =>
  a.memberships.some((m) => m.aoo === w && TITOLARIO_MANAGE.profiles.includes(m.profile));
const managesSomewhere = (a: Actor) => manages(a, 'demo') || manages(a, 'other');

interface Fixture {
  aooId: string;
  publishedId: string;
  publishedNodeId: string;
  draftId: string;
  draftNodeId: string;
}

const outcome = (r: GraphqlResponse<unknown>): string =>
  r.status === 401
    ? 'UNAUTHENTICATED'
    : ((r.errors?.[0]?.extensions?.['code'] as string | undefined) ?? 'OK');

let counter = 0;
/** Titolo codes for the nodes the matrix adds: XV, XVI … (one per call). */
let nextTitolo = 15;

interface Operation {
  name: string;
  /** The code expected ('OK' for success) for an active actor on that AOO's record. */
  expected(a: Actor, w: Where): string;
  run(c: GraphqlClient, f: Fixture): Promise<string>;
}

const read = (a: Actor, w: Where) => (seesAoo(a, w) ? 'OK' : 'NOT_FOUND');
const readDraft = (a: Actor, w: Where) => (seesAoo(a, w) && manages(a, w) ? 'OK' : 'NOT_FOUND');
/** A write on the AOO (a new draft, an import). */
const writeAoo = (a: Actor, w: Where) =>
  !managesSomewhere(a) ? 'FORBIDDEN' : !seesAoo(a, w) ? 'NOT_FOUND' : manages(a, w) ? 'OK' : 'FORBIDDEN';
/** A write on a draft: a draft is invisible to those who do not manage it. */
const writeDraft = (a: Actor, w: Where) =>
  !managesSomewhere(a) ? 'FORBIDDEN' : manages(a, w) ? 'OK' : 'NOT_FOUND';
/** A write on a published version: it passes access, then the version refuses (immutable). */
const writePublished = (a: Actor, w: Where) =>
  !managesSomewhere(a)
    ? 'FORBIDDEN'
    : !seesAoo(a, w)
      ? 'NOT_FOUND'
      : manages(a, w)
        ? 'TITOLARIO_VERSION_PUBLISHED'
        : 'FORBIDDEN';

const operations: Operation[] = [
  {
    name: 'titolario(aooId, at)',
    expected: read,
    run: async (c, f) => outcome(await c.request(TitolarioDocument, { aooId: f.aooId, at: '2027-06-01' })),
  },
  {
    name: 'titolarioVersions(aooId) shows the draft',
    expected: (a, w) => (!seesAoo(a, w) ? 'NOT_FOUND' : manages(a, w) ? 'OK+draft' : 'OK'),
    run: async (c, f) => {
      const r = await c.request(TitolarioVersionsDocument, { aooId: f.aooId });
      const o = outcome(r);
      return o === 'OK' && r.data?.titolarioVersions.some((v) => v.id === f.draftId) ? 'OK+draft' : o;
    },
  },
  {
    name: 'titolarioVersion(published)',
    expected: read,
    run: async (c, f) => outcome(await c.request(TitolarioVersionDocument, { id: f.publishedId })),
  },
  {
    name: 'titolarioVersion(draft)',
    expected: readDraft,
    run: async (c, f) => outcome(await c.request(TitolarioVersionDocument, { id: f.draftId })),
  },
  {
    name: 'titolarioNode(published node)',
    expected: read,
    run: async (c, f) => outcome(await c.request(TitolarioNodeDocument, { id: f.publishedNodeId })),
  },
  {
    name: 'titolarioNode(draft node)',
    expected: readDraft,
    run: async (c, f) => outcome(await c.request(TitolarioNodeDocument, { id: f.draftNodeId })),
  },
  {
    name: 'nested: titolarioVersion(published).node(fullCode)',
    expected: read,
    run: async (c, f) =>
      outcome(await c.request(TitolarioNodeByCodeDocument, { versionId: f.publishedId, fullCode: 'I' })),
  },
  {
    name: 'titolarioExport(published)',
    expected: read,
    run: async (c, f) =>
      outcome(await c.request(TitolarioExportDocument, { versionId: f.publishedId, format: 'CSV' })),
  },
  {
    name: 'titolarioExport(draft)',
    expected: readDraft,
    run: async (c, f) =>
      outcome(await c.request(TitolarioExportDocument, { versionId: f.draftId, format: 'JSON' })),
  },
  {
    name: 'classificationSuggestions',
    expected: read,
    run: async (c, f) =>
      outcome(
        await c.request(ClassificationSuggestionsDocument, {
          aooId: f.aooId,
          text: 'amministrazione',
          at: '2027-06-01',
          first: 3,
          leavesOnly: false,
        }),
      ),
  },
  {
    name: 'createTitolarioDraft',
    expected: writeAoo,
    run: async (c, f) =>
      outcome(
        await c.request(CreateTitolarioDraftDocument, {
          input: { aooId: f.aooId, label: 'Matrice', validFrom: `${2100 + ++counter}-01-01` },
        }),
      ),
  },
  {
    name: 'importTitolario',
    expected: writeAoo,
    run: async (c, f) =>
      outcome(
        await c.request(ImportTitolarioDocument, {
          input: {
            aooId: f.aooId,
            label: 'Importato',
            validFrom: `${2100 + ++counter}-01-01`,
            format: 'CSV',
            content: 'kind,fullCode,description,term,variants\nnode,I,Amministrazione generale,,\n',
          },
        }),
      ),
  },
  {
    name: 'addTitolarioNode(draft)',
    expected: writeDraft,
    run: async (c, f) =>
      outcome(
        await c.request(AddTitolarioNodeDocument, {
          input: {
            versionId: f.draftId,
            code: toRoman(nextTitolo++),
            description: 'Matrice',
          },
        }),
      ),
  },
  {
    name: 'publishTitolarioVersion(published)',
    expected: writePublished,
    run: async (c, f) =>
      outcome(
        await c.request(PublishTitolarioVersionDocument, {
          input: { versionId: f.publishedId, approvalAct: 'x' },
        }),
      ),
  },
];

describe('ACL matrix: titolario', () => {
  const clock = new SettableClock('2026-06-01T10:00:00Z');
  let env: TestEnv;
  const clients = new Map<string, GraphqlClient>();
  const fixtures = {} as Record<Where, Fixture>;

  async function prepare(manager: GraphqlClient, aooId: string): Promise<Fixture> {
    const content =
      'kind,fullCode,description,term,variants\nnode,I,Amministrazione generale,,\nnode,I/1,Leggi,,\n';
    const imported = await manager.data(ImportTitolarioDocument, {
      input: { aooId, label: 'In vigore', validFrom: '2027-01-01', format: 'CSV', content },
    });
    const publishedId = imported.importTitolario.id;
    await manager.data(PublishTitolarioVersionDocument, {
      input: { versionId: publishedId, approvalAct: 'Delibera' },
    });
    const node = await manager.data(TitolarioNodeByCodeDocument, { versionId: publishedId, fullCode: 'I/1' });
    const draft = await manager.data(ImportTitolarioDocument, {
      input: { aooId, label: 'Bozza', validFrom: '2028-01-01', format: 'CSV', content },
    });
    const draftNode = await manager.data(TitolarioNodeByCodeDocument, {
      versionId: draft.importTitolario.id,
      fullCode: 'I',
    });
    return {
      aooId,
      publishedId,
      publishedNodeId: node.titolarioVersion.node?.id ?? '',
      draftId: draft.importTitolario.id,
      draftNodeId: draftNode.titolarioVersion.node?.id ?? '',
    };
  }

  before(async () => {
    env = await startTestEnv({ clock });
    const ids = await demoIds(env);
    const admin = await env.asUser('admin');
    const other = await createSecondAoo(admin);
    await createMember(admin, ids.aooId, ids.uor['SEG'] ?? '', 'capo.demo', 'SYSTEM_ADMIN');
    await createMember(admin, other.aooId, other.uorId, 'altrove.protocollo', 'PROTOCOLLISTA');
    const otherAdmin = await createMember(admin, other.aooId, other.uorId, 'altrove.admin', 'SYSTEM_ADMIN');
    await addMembership(admin, otherAdmin, ids.uor['RAG'] ?? '', 'READ_ONLY');
    const gone = await createMember(admin, ids.aooId, ids.uor['SEG'] ?? '', 'disattivato', 'RGD');
    fixtures.demo = await prepare(await env.asUser('rgd'), ids.aooId);
    fixtures.other = await prepare(await env.asUser('altrove.admin'), other.aooId);
    for (const a of actors) clients.set(a.username, await env.asUser(a.username));
    await admin.data(DeactivateUserDocument, { id: gone });
  });
  after(async () => {
    await env?.close();
  });

  for (const op of operations) {
    it(op.name, async () => {
      const mismatches: string[] = [];
      for (const actor of actors) {
        for (const where of ['demo', 'other'] as const) {
          const client = clients.get(actor.username);
          assert.ok(client);
          const got = await op.run(client, fixtures[where]);
          const want = actor.active ? op.expected(actor, where) : 'UNAUTHENTICATED';
          if (got !== want) mismatches.push(`${actor.username} on ${where}: expected ${want}, got ${got}`);
        }
      }
      assert.deepEqual(mismatches, []);
    });
  }
});
