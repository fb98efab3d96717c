import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AnnulRepertorioEntryDocument,
  CreateRepertorioDocument,
  DeactivateRepertorioDocument,
  DeactivateUserDocument,
  DocumentRepertorioEntriesDocument,
  RegisterRepertorioEntryDocument,
  RepertoriDocument,
  RepertorioDocument,
  RepertorioEntriesDocument,
  RepertorioEntryCountDocument,
  RepertorioEntryDocument,
  UpdateRepertorioDocument,
} from '../../clients/sdk/generated/graphql.js';
import { REPERTORIO_ANNUL, REPERTORIO_MANAGE, REPERTORIO_REGISTER } from '../../schema/repertori/index.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The ACL matrix of repertori: every actor × every repertori operation × where the record sits
 * (an office of the demo AOO, another office of it, the other AOO). Actors: the demo profiles
 * (the platform administrator `admin`, a SYSTEM_ADMIN of the demo AOO only, RGD, PROTOCOLLISTA,
 * the RPA of FIN and of TEC, READ_ONLY of RAG, TOTAL_VISIBILITY), a protocollista of another
 * AOO, and a deactivated user. Expectations follow from the permissions' profiles and scopes and
 * the UOR tree: a repertorio is seen by the members of its AOO, an entry by whoever sees its
 * document, and each change needs its permission over the record's AOO (and the document's UOR).
 */
import {
  actors,
  covers,
  holds,
  PLACES,
  readsDocs,
  whereOf,
  type Actor,
  type Place,
  type Where,
  runMatrix,
} from '../harness/acl-actors.js';
const seesAoo = (a: Actor, where: Where) => !a.deactivated && (a.aoo === where || a.platformAdmin === true);

describe('ACL matrix: repertori', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let otherAoo: { aooId: string; uorId: string };
  const clients = new Map<string, GraphqlClient>();
  const manager: Partial<Record<Where, GraphqlClient>> = {};
  const registrar: Partial<Record<Where, GraphqlClient>> = {};
  const repertorio: Partial<Record<Where, string>> = {};
  const entry: Partial<Record<Place, { id: string; documentId: string }>> = {};

  const c = (username: string): GraphqlClient => {
    const client = clients.get(username);
    assert.ok(client, username);
    return client;
  };

  /** A fresh draft of an office, made directly (by the RGD, or the other AOO's protocollista). */
  async function draft(place: Place): Promise<string> {
    const [row] = await sql<{ id: string }>(
      env,
      `insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
       select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Atto della matrice',
              (select id from app_user where username = $2)
         from uor u where u.id = $1 returning id`,
      [place === 'other' ? otherAoo.uorId : ids.uor[place], place === 'other' ? 'altrove.protocollo' : 'rgd'],
    );
    assert.ok(row);
    return row.id;
  }

  async function newRepertorio(where: Where): Promise<string> {
    const client = manager[where];
    assert.ok(client);
    const r = await client.data(CreateRepertorioDocument, {
      input: {
        aooId: where === 'demo' ? ids.aooId : otherAoo.aooId,
        code: `R_${randomUUID().slice(0, 8).toUpperCase()}`,
        name: 'Serie della matrice',
      },
    });
    return r.createRepertorio.id;
  }

  async function newEntry(place: Place): Promise<{ id: string; documentId: string }> {
    const where = whereOf(place);
    const client = registrar[where];
    assert.ok(client);
    const documentId = await draft(place);
    const r = await client.data(RegisterRepertorioEntryDocument, {
      input: { repertorioId: repertorio[where] ?? '', documentId },
    });
    return { id: r.registerRepertorioEntry.id, documentId };
  }

  before(async () => {
    env = await startTestEnv();
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    otherAoo = await createSecondAoo(admin);
    await createMember(admin, ids.aooId, ids.uor['SEG'] ?? '', 'amministratore', 'SYSTEM_ADMIN');
    await createMember(admin, otherAoo.aooId, otherAoo.uorId, 'altrove.protocollo', 'PROTOCOLLISTA');
    await createMember(admin, otherAoo.aooId, otherAoo.uorId, 'altrove.admin', 'SYSTEM_ADMIN');
    const gone = await createMember(admin, ids.aooId, ids.uor['SEG'] ?? '', 'dimesso', 'RGD');
    for (const a of actors) clients.set(a.username, await env.asUser(a.username));
    // Deactivated after its token was issued: the token stops working at once.
    await admin.data(DeactivateUserDocument, { id: gone });
    manager.demo = c('rgd');
    manager.other = await env.asUser('altrove.admin');
    registrar.demo = c('rgd');
    registrar.other = c('altrove.protocollo');
    repertorio.demo = await newRepertorio('demo');
    repertorio.other = await newRepertorio('other');
    for (const place of PLACES) entry[place] = await newEntry(place);
  });
  after(async () => {
    await env.close();
  });

  interface Op {
    name: string;
    targets: readonly (Where | Place)[];
    expected(a: Actor, target: Where | Place): boolean;
    run(client: GraphqlClient, target: Where | Place): Promise<boolean>;
  }

  const WHERES: Where[] = ['demo', 'other'];
  const manage = (a: Actor, w: Where | Place) => holds(a, w as Where, REPERTORIO_MANAGE);

  const ops: Op[] = [
    {
      name: 'list repertori(aooId)',
      targets: WHERES,
      expected: (a, w) => seesAoo(a, w as Where),
      run: async (client, w) => {
        const r = await client.request(RepertoriDocument, {
          aooId: w === 'demo' ? ids.aooId : otherAoo.aooId,
        });
        return r.data?.repertori.some((x) => x.id === repertorio[w as Where]) ?? false;
      },
    },
    {
      name: 'root repertorio(id)',
      targets: WHERES,
      expected: (a, w) => seesAoo(a, w as Where),
      run: async (client, w) =>
        !(await client.request(RepertorioDocument, { id: repertorio[w as Where] ?? '' })).errors,
    },
    {
      name: 'list repertorioEntries(repertorioId)',
      targets: PLACES,
      expected: (a, p) => readsDocs(a, p as Place),
      run: async (client, p) => {
        const r = await client.request(RepertorioEntriesDocument, {
          repertorioId: repertorio[whereOf(p as Place)] ?? '',
          first: 100,
        });
        return r.data?.repertorioEntries.edges.some((e) => e.node.id === entry[p as Place]?.id) ?? false;
      },
    },
    {
      name: 'root repertorioEntry(id)',
      targets: PLACES,
      expected: (a, p) => readsDocs(a, p as Place),
      run: async (client, p) =>
        !(await client.request(RepertorioEntryDocument, { id: entry[p as Place]?.id ?? '' })).errors,
    },
    {
      name: 'nested document.repertorioEntries',
      targets: PLACES,
      expected: (a, p) => readsDocs(a, p as Place),
      run: async (client, p) => {
        const r = await client.request(DocumentRepertorioEntriesDocument, {
          id: entry[p as Place]?.documentId ?? '',
        });
        return r.data?.document.repertorioEntries.some((e) => e.id === entry[p as Place]?.id) ?? false;
      },
    },
    {
      name: 'createRepertorio',
      targets: WHERES,
      expected: manage,
      run: async (client, w) =>
        !(
          await client.request(CreateRepertorioDocument, {
            input: {
              aooId: w === 'demo' ? ids.aooId : otherAoo.aooId,
              code: `C_${randomUUID().slice(0, 8).toUpperCase()}`,
              name: 'Nuova serie',
            },
          })
        ).errors,
    },
    {
      name: 'updateRepertorio',
      targets: WHERES,
      expected: manage,
      run: async (client, w) =>
        !(
          await client.request(UpdateRepertorioDocument, {
            id: repertorio[w as Where] ?? '',
            input: { name: 'Rinominata' },
          })
        ).errors,
    },
    {
      name: 'deactivateRepertorio',
      targets: WHERES,
      expected: manage,
      run: async (client, w) =>
        !(await client.request(DeactivateRepertorioDocument, { id: await newRepertorio(w as Where) })).errors,
    },
    {
      name: 'registerRepertorioEntry',
      targets: PLACES,
      expected: (a, p) => readsDocs(a, p as Place) && covers(a, REPERTORIO_REGISTER, p as Place),
      run: async (client, p) =>
        !(
          await client.request(RegisterRepertorioEntryDocument, {
            input: {
              repertorioId: repertorio[whereOf(p as Place)] ?? '',
              documentId: await draft(p as Place),
            },
          })
        ).errors,
    },
    {
      name: 'annulRepertorioEntry',
      targets: PLACES,
      expected: (a, p) => readsDocs(a, p as Place) && covers(a, REPERTORIO_ANNUL, p as Place),
      run: async (client, p) =>
        !(
          await client.request(AnnulRepertorioEntryDocument, {
            input: { entryId: (await newEntry(p as Place)).id, reason: 'Prova della matrice' },
          })
        ).errors,
    },
  ];

  for (const op of ops) {
    it(op.name, async () => {
      const { mismatches, allowed } = await runMatrix(
        op.targets,
        (a, target) => op.run(c(a.username), target),
        (a, target) => op.expected(a, target),
      );
      assert.deepEqual(mismatches, []);
      assert.ok(allowed > 0, 'someone may do it');
    });
  }

  it('repertorioEntries(…).totalCount counts only the entries whose documents the caller sees', async () => {
    // A repertorio of its own, so the other tests' registrations do not change the counts.
    const own = await newRepertorio('demo');
    for (const place of ['RAG', 'TEC', 'RAG'] as const) {
      await c('rgd').data(RegisterRepertorioEntryDocument, {
        input: { repertorioId: own, documentId: await draft(place) },
      });
    }
    for (const a of actors.filter((x) => seesAoo(x, 'demo'))) {
      const want = 2 * Number(readsDocs(a, 'RAG')) + Number(readsDocs(a, 'TEC'));
      const r = await c(a.username).data(RepertorioEntryCountDocument, { repertorioId: own });
      assert.equal(r.repertorioEntries.totalCount, want, a.username);
    }
  });

  it('a hidden entry, repertorio or document answers exactly like a nonexistent id', async () => {
    const tecnico = c('rpa.tecnico');
    const hidden = entry.RAG?.id ?? '';
    const missing = randomUUID();
    const [h, m] = [
      await tecnico.request(RepertorioEntryDocument, { id: hidden }),
      await tecnico.request(RepertorioEntryDocument, { id: missing }),
    ];
    // The same answer but for the id itself and the request id.
    const shape = (r: GraphqlResponse<unknown>, id: string) => {
      const e = r.errors?.[0];
      return {
        ...e,
        message: e?.message.replace(id, 'ID'),
        extensions: { ...e?.extensions, requestId: null },
      };
    };
    assert.equal(errorCode(h), 'NOT_FOUND');
    assert.deepEqual(shape(h, hidden), shape(m, missing));
    const outsider = c('altrove.protocollo');
    const document = entry.RAG?.documentId ?? '';
    const [hiddenRep, missingRep] = [
      await outsider.request(RegisterRepertorioEntryDocument, {
        input: { repertorioId: repertorio.demo ?? '', documentId: document },
      }),
      await outsider.request(RegisterRepertorioEntryDocument, {
        input: { repertorioId: missing, documentId: document },
      }),
    ];
    assert.equal(errorCode(hiddenRep), 'NOT_FOUND');
    assert.deepEqual(shape(hiddenRep, repertorio.demo ?? ''), shape(missingRep, missing));
    const list = await c('altrove.protocollo').request(RepertorioEntriesDocument, {
      repertorioId: repertorio.demo ?? '',
    });
    assert.equal(errorCode(list), 'NOT_FOUND');
  });

  it('a deactivated user is refused with 401', async () => {
    const r = await c('dimesso').request(RepertoriDocument, { aooId: ids.aooId });
    assert.equal(r.status, 401);
    assert.equal(errorCode(r), 'UNAUTHENTICATED');
  });
});
