import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DeactivateUserDocument,
  GenerateDevelopmentSegnaturaSealDocument,
} from '../../clients/sdk/generated/graphql.js';
import {
  ConservationDueDocument,
  ConservationPackageChangedDocument,
  ConservationPackageDocument,
  ConservationPackagesDocument,
  ConservationSeriesDocumentsDocument,
  ConservationSeriesTypesDocument,
  ConserveDailyRegisterDocument,
  ConserveDueFascicoliDocument,
  ConserveFascicoloDocument,
  ConserveSeriesDocument,
  DocumentConservationDocument,
  ResendConservationPackageDocument,
} from '../../clients/sdk/generated/plugins.js';
import {
  CONSERVATION_MANAGE,
  CONSERVATION_READ,
  createPackage,
  PackageKind,
} from '../../plugins/conservazione/package/index.js';
import { Profile } from '../../schema/organisation/index.js';
import { actors, holds, readsDocs, type Actor, type Where } from '../harness/acl-actors.js';
import { SettableClock } from '../harness/clock.js';
import {
  buildPackage,
  closedFascicoloIn,
  dailyRegister,
  registeredDocuments,
  settle,
  settleAll,
  startConservationEnv,
  type FascicoloPlace,
} from '../harness/conservazione-api-fixtures.js';
import { inUnit, titolarioInForce } from '../harness/fascicoli-fixtures.js';
import { demoIds, type DemoIds } from '../harness/files-helpers.js';
import { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import type { TestEnv } from '../harness/test-env.js';
import { TypedSubscriber } from '../harness/typed-subscriber.js';

/**
 * The ACL matrix of the conservation desk: every query, mutation, subscription and route ×
 * every actor (the demo profiles — platform administrator `admin`, a SYSTEM_ADMIN of the demo
 * AOO, RGD, PROTOCOLLISTA, the RPA of FIN and of TEC, READ_ONLY, TOTAL_VISIBILITY, ARCHIVISTA —,
 * a protocollista, an archivist and an RGD of another AOO, a deactivated RGD) × the demo AOO and the
 * other one. Expectations follow from CONSERVATION_READ's and CONSERVATION_MANAGE's profile lists
 * (AOO scope: held in the actor's own AOO only); a document's state follows the document's
 * visibility. Denials of another AOO's desk read as NOT_FOUND.
 */
const matrixActors: Actor[] = [
  ...actors,
  { username: 'altrove.archivista', profile: Profile.ARCHIVISTA, uor: 'PROT', aoo: 'other' },
  { username: 'altrove.rgd', profile: Profile.RGD, uor: 'PROT', aoo: 'other' },
];
const WHERES: Where[] = ['demo', 'other'];
const reads = (a: Actor, w: Where) => holds(a, w, CONSERVATION_READ);
const manages = (a: Actor, w: Where) => holds(a, w, CONSERVATION_MANAGE);

describe('ACL matrix: conservation', () => {
  // The AOOs exist from 2 January; the registers of the days after are produced in November.
  const clock = new SettableClock('2025-01-02T10:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  const aoo: Partial<Record<Where, string>> = {};
  const uor: Partial<Record<Where, string>> = {};
  const creator: Record<Where, string> = { demo: 'rgd', other: 'altrove.protocollo' };
  const place: Partial<Record<Where, FascicoloPlace>> = {};
  const opener: Partial<Record<Where, GraphqlClient>> = {};
  const clients = new Map<string, GraphqlClient>();
  /** A built package per AOO with a conserved (green) item and its document. */
  const known: Partial<Record<Where, { packageId: string; itemId: string; documentId: string }>> = {};
  let day = 2;

  const c = (username: string): GraphqlClient => {
    const client = clients.get(username);
    assert.ok(client, username);
    return client;
  };
  const at = (w: Where): string => aoo[w] ?? '';

  async function freshDocument(w: Where): Promise<string> {
    const [id] = await registeredDocuments(env, uor[w] ?? '', 1, clock.now().toISOString(), creator[w]);
    assert.ok(id);
    return id;
  }

  /** A package made as the platform makes one (a system context), transfer pending. */
  async function systemPackage(w: Where): Promise<{ id: string; documentId: string }> {
    const documentId = await freshDocument(w);
    const p = await inUnit(env, (tx) =>
      createPackage(tx, {
        kind: PackageKind.SERIES,
        aooId: at(w),
        label: 'Matrice',
        documentIds: [documentId],
      }),
    );
    return { id: p.id, documentId };
  }

  async function freshRegister(w: Where): Promise<string> {
    day += 1;
    const d = new Date(Date.UTC(2025, 0, day)).toISOString().slice(0, 10);
    return dailyRegister(env, at(w), d);
  }

  before(async () => {
    env = await startConservationEnv(clock);
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    const other = await createSecondAoo(admin);
    aoo.demo = ids.aooId;
    aoo.other = other.aooId;
    uor.demo = ids.uor['RAG'] ?? '';
    uor.other = other.uorId;
    await createMember(admin, ids.aooId, ids.uor['SEG'] ?? '', 'amministratore', 'SYSTEM_ADMIN');
    const altrove = await createMember(
      admin,
      other.aooId,
      other.uorId,
      'altrove.protocollo',
      'PROTOCOLLISTA',
    );
    await createMember(admin, other.aooId, other.uorId, 'altrove.archivista', 'ARCHIVISTA');
    // The daily register of an AOO names its RGD.
    await createMember(admin, other.aooId, other.uorId, 'altrove.rgd', 'RGD');
    const gone = await createMember(admin, ids.aooId, ids.uor['SEG'] ?? '', 'dimesso', 'RGD');
    for (const a of matrixActors) clients.set(a.username, await env.asUser(a.username));
    // Deactivated after its token was issued: the token stops working at once.
    await admin.data(DeactivateUserDocument, { id: gone });
    for (const w of WHERES) await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: at(w) });
    const demoNodes = await titolarioInForce(env, ids.aooId);
    const otherNodes = await titolarioInForce(env, other.aooId);
    clock.set('2025-11-03T10:00:00Z');
    place.demo = {
      classificationId: demoNodes['VI/3/1'] ?? '',
      uorId: ids.uor['TEC'] ?? '',
      rpaId: ids.user['rpa.tecnico'] ?? '',
      creator: 'rgd',
    };
    place.other = {
      classificationId: otherNodes['VI/3/1'] ?? '',
      uorId: other.uorId,
      rpaId: altrove,
      creator: 'altrove.protocollo',
    };
    opener.demo = c('rgd');
    opener.other = c('altrove.protocollo');
    for (const w of WHERES) {
      const p = await systemPackage(w);
      await buildPackage(env, p.id);
      const itemId = await settle(env, p.id, p.documentId, 'GREEN');
      known[w] = { packageId: p.id, itemId, documentId: p.documentId };
    }
  });
  after(async () => {
    await env?.close();
  });

  /**
   * The target of a mutation, per AOO: a denied call leaves it as it was, so the next actor
   * tries the same one; an allowed call uses it up and the next gets a fresh one (fixtures cost).
   */
  function pool(make: (w: Where) => Promise<string>) {
    const current: Partial<Record<Where, string>> = {};
    return async (w: Where, use: (target: string) => Promise<boolean>): Promise<boolean> => {
      const target = (current[w] ??= await make(w));
      const allowed = await use(target);
      if (allowed) delete current[w];
      return allowed;
    };
  }
  const seriesDocs = pool(freshDocument);
  const fascicoli = pool(
    async (w) =>
      (await closedFascicoloIn(env, opener[w] ?? fail(), place[w] ?? fail(), clock, 1, 'Matrice')).id,
  );
  const registers = pool(freshRegister);
  const rejected = pool(async (w) => {
    const p = await systemPackage(w);
    await settleAll(env, p.id, 'RED');
    return p.id;
  });

  interface Op {
    name: string;
    expected(a: Actor, w: Where): boolean;
    run(client: GraphqlClient, w: Where): Promise<boolean>;
  }

  const ok = (r: { errors?: unknown }) => !r.errors;
  const route = async (client: GraphqlClient, path: string): Promise<boolean> => {
    const res = await fetch(`${env.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${client.token ?? ''}` },
    });
    await res.arrayBuffer();
    if (res.status !== 200 && res.status !== 404 && res.status !== 401)
      throw new Error(`${path}: unexpected ${res.status}`);
    return res.status === 200;
  };

  const ops: Op[] = [
    {
      name: 'query conservationPackages(aooId)',
      expected: reads,
      run: async (client, w) => {
        const r = await client.request(ConservationPackagesDocument, { aooId: at(w), first: 100 });
        return (
          ok(r) &&
          (r.data?.conservationPackages.edges.some((e) => e.node.id === known[w]?.packageId) ?? false)
        );
      },
    },
    {
      name: 'query conservationPackage(id) with its items',
      expected: reads,
      run: async (client, w) =>
        ok(await client.request(ConservationPackageDocument, { id: known[w]?.packageId ?? '', first: 5 })),
    },
    {
      name: 'query conservationDue(aooId)',
      expected: reads,
      run: async (client, w) =>
        ok(
          await client.request(ConservationDueDocument, {
            aooId: at(w),
            registersFirst: 5,
            fascicoliFirst: 5,
          }),
        ),
    },
    {
      name: 'query conservationSeriesTypes(aooId)',
      expected: manages,
      run: async (client, w) => ok(await client.request(ConservationSeriesTypesDocument, { aooId: at(w) })),
    },
    {
      name: 'query conservationSeriesDocuments(aooId, typeKey)',
      expected: manages,
      run: async (client, w) =>
        ok(
          await client.request(ConservationSeriesDocumentsDocument, {
            aooId: at(w),
            typeKey: 'pec',
            first: 5,
          }),
        ),
    },
    {
      name: 'nested Document.conservation (follows the document’s visibility)',
      expected: (a, w) => readsDocs(a, w === 'demo' ? 'RAG' : 'other'),
      run: async (client, w) => {
        const r = await client.request(DocumentConservationDocument, { id: known[w]?.documentId ?? '' });
        return ok(r) && r.data?.document.conservation?.colour === 'GREEN';
      },
    },
    {
      name: 'mutation conserveSeries',
      expected: manages,
      run: (client, w) =>
        seriesDocs(w, async (documentId) =>
          ok(
            await client.request(ConserveSeriesDocument, {
              input: { aooId: at(w), label: 'Serie della matrice', documentIds: [documentId] },
            }),
          ),
        ),
    },
    {
      name: 'mutation conserveFascicolo',
      expected: manages,
      run: (client, w) =>
        fascicoli(w, async (fascicoloId) =>
          ok(await client.request(ConserveFascicoloDocument, { fascicoloId })),
        ),
    },
    {
      name: 'mutation conserveDailyRegister',
      expected: manages,
      run: (client, w) =>
        registers(w, async (dailyRegisterId) =>
          ok(await client.request(ConserveDailyRegisterDocument, { dailyRegisterId })),
        ),
    },
    {
      name: 'mutation resendConservationPackage',
      expected: manages,
      run: (client, w) =>
        rejected(w, async (packageId) =>
          ok(await client.request(ResendConservationPackageDocument, { packageId })),
        ),
    },
    {
      name: 'mutation conserveDueFascicoli',
      expected: manages,
      run: async (client, w) => ok(await client.request(ConserveDueFascicoliDocument, { aooId: at(w) })),
    },
    {
      name: 'GET /conservation/packages/:id/sip.zip',
      expected: reads,
      run: (client, w) => route(client, `/conservation/packages/${known[w]?.packageId ?? ''}/sip.zip`),
    },
    {
      name: 'GET /conservation/packages/:id/pindex.xml',
      expected: reads,
      run: (client, w) => route(client, `/conservation/packages/${known[w]?.packageId ?? ''}/pindex.xml`),
    },
    {
      name: 'GET /conservation/items/:id/descriptor.xml',
      expected: reads,
      run: (client, w) => route(client, `/conservation/items/${known[w]?.itemId ?? ''}/descriptor.xml`),
    },
    {
      name: 'GET /conservation/items/:id/rapporto.xml',
      expected: reads,
      run: (client, w) => route(client, `/conservation/items/${known[w]?.itemId ?? ''}/rapporto.xml`),
    },
  ];

  async function matrix(
    run: (a: Actor, w: Where) => Promise<boolean>,
    expected: (a: Actor, w: Where) => boolean,
  ): Promise<{ mismatches: string[]; allowed: number }> {
    const mismatches: string[] = [];
    let allowed = 0;
    for (const a of matrixActors) {
      for (const w of WHERES) {
        const got = await run(a, w);
        const want = expected(a, w);
        if (got) allowed += 1;
        if (got !== want)
          mismatches.push(
            `${a.username} × ${w}: expected ${want ? 'allow' : 'deny'}, got ${got ? 'allow' : 'deny'}`,
          );
      }
    }
    return { mismatches, allowed };
  }

  for (const op of ops) {
    it(op.name, async () => {
      const { mismatches, allowed } = await matrix(
        (a, w) => op.run(c(a.username), w),
        (a, w) => op.expected(a, w),
      );
      assert.deepEqual(mismatches, []);
      assert.ok(allowed > 0, 'someone may do it');
      assert.ok(allowed < matrixActors.length * WHERES.length, 'someone may not');
    });
  }

  it('subscription conservationPackageChanged(aooId)', async () => {
    const subs = new Map<string, TypedSubscriber<unknown, { packageId: string }> | null>();
    const key = (a: Actor, w: Where) => `${a.username}|${w}`;
    try {
      const open = async (a: Actor, w: Where): Promise<void> => {
        let s: TypedSubscriber<unknown, { packageId: string }> | null = null;
        try {
          s = (await Promise.race([
            TypedSubscriber.open(
              env.wsUrl,
              c(a.username).token ?? '',
              ConservationPackageChangedDocument,
              { aooId: at(w) },
              (d) => d.conservationPackageChanged,
            ),
            new Promise<null>((resolve) => setTimeout(() => resolve(null), 3000)),
          ])) as TypedSubscriber<unknown, { packageId: string }> | null;
        } catch {
          s = null; // refused at the connection (a deactivated user)
        }
        subs.set(key(a, w), s);
      };
      await Promise.all(matrixActors.flatMap((a) => WHERES.map((w) => open(a, w))));
      // Packages are made until every expected subscriber got one (subscribing is asynchronous).
      const expectedAll = matrixActors.flatMap((a) =>
        WHERES.filter((w) => reads(a, w)).map((w) => key(a, w)),
      );
      for (let round = 0; round < 20; round++) {
        for (const w of WHERES) await systemPackage(w);
        await new Promise((resolve) => setTimeout(resolve, 300));
        if (expectedAll.every((k) => (subs.get(k)?.items().length ?? 0) > 0)) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { mismatches, allowed } = await matrix(
        (a, w) => Promise.resolve((subs.get(key(a, w))?.items().length ?? 0) > 0),
        reads,
      );
      assert.deepEqual(mismatches, []);
      assert.ok(allowed > 0);
      // Those refused got an error, not silence, where they could connect.
      for (const a of matrixActors)
        for (const w of WHERES) {
          const s = subs.get(key(a, w));
          if (s && !reads(a, w) && !a.deactivated) assert.ok(s.errors().length > 0, `${a.username} × ${w}`);
        }
    } finally {
      for (const s of subs.values()) s?.close();
    }
  });
});

function fail(): never {
  throw new Error('missing fixture');
}
