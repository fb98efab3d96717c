import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  GenerateDevelopmentSegnaturaSealDocument,
  OpenFascicoloDocument,
} from '../../clients/sdk/generated/graphql.js';
import {
  ConservationPackageDocument,
  ConservationPackagesDocument,
  ConservationPackagesItemsDocument,
  ConserveDailyRegisterDocument,
  ConserveFascicoloDocument,
  ConserveSeriesDocument,
  DocumentConservationDocument,
  FascicoliConservationDocument,
  FascicoloConservationDocument,
  ResendConservationPackageDocument,
} from '../../clients/sdk/generated/plugins.js';
import { SettableClock } from '../harness/clock.js';
import {
  buildPackage,
  closedFascicolo,
  dailyRegister,
  registeredDocuments,
  settle,
  settleAll,
  startConservationEnv,
} from '../harness/conservazione-api-fixtures.js';
import { makeTitolario, type TitolarioFixture } from '../harness/fascicoli-fixtures.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import type { TestEnv } from '../harness/test-env.js';

/**
 * The conservation desk's API on the real stack: packages listed, filtered and paged; a
 * package's documents and references; where documents and fascicoli stand as outcomes arrive
 * and rejected packages are resent (batched: the statements do not grow with the list); the
 * mutations' refusals; the SIP, PIndex, requests and rapporti over HTTP. The transfer is a
 * stand-in: outcomes are recorded with the lead's services, as the transfer will.
 */
describe('conservation API: packages, states, mutations, routes', () => {
  const clock = new SettableClock('2025-06-15T10:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  let nodes: TitolarioFixture;
  let rgd: GraphqlClient;
  let archivista: GraphqlClient;
  let otherAooId: string;
  let statements = 0;
  const series: string[] = [];
  let fascicolo: { id: string; documentIds: string[] };
  let fascicoloPackage: string;

  before(async () => {
    // The list of fascicoli with their documents and states is costly by design (bench-like).
    env = await startConservationEnv(clock, { GRAPHQL_MAX_COST: '1000000000' });
    ids = await demoIds(env);
    nodes = await makeTitolario(env, clock, ids.aooId);
    rgd = await env.asUser('rgd');
    archivista = await env.asUser('archivista');
    const admin = await env.asUser('admin');
    otherAooId = (await createSecondAoo(admin)).aooId;
    const other = await createSecondAoo(admin, { ipaCode: 'c_terzo', aooCode: 'ATERZ01', uorCode: 'SEG' });
    await createMember(admin, other.aooId, other.uorId, 'terzo.archivista', 'ARCHIVISTA');
    await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
    env.platform.orm.em
      .getConnection()
      .getKnex()
      .on('query', () => statements++);
    // Three series packages on three days, then a fascicolo's package.
    for (const day of ['2025-06-15', '2025-06-16', '2025-06-17']) {
      clock.set(`${day}T09:00:00Z`);
      const docs = await registeredDocuments(env, ids.uor['RAG'] ?? '', 2, `${day}T08:00:00Z`);
      const r = await archivista.data(ConserveSeriesDocument, {
        input: { aooId: ids.aooId, label: `Contratti ${day}`, documentIds: docs },
      });
      series.push(r.conserveSeries.id);
    }
    clock.set('2025-06-17T11:00:00Z');
    fascicolo = await closedFascicolo(env, rgd, ids, nodes['2025']['VI/3/1'] ?? '', clock, 2, 'Lavori');
    fascicoloPackage = (await archivista.data(ConserveFascicoloDocument, { fascicoloId: fascicolo.id }))
      .conserveFascicolo.id;
  });
  after(async () => {
    await env?.close();
  });

  it('lists the packages newest first, a page at a time, with their count', async () => {
    const first = await archivista.data(ConservationPackagesDocument, { aooId: ids.aooId, first: 3 });
    const page1 = first.conservationPackages;
    assert.equal(page1.totalCount, 4);
    assert.equal(page1.pageInfo.hasNextPage, true);
    assert.deepEqual(
      page1.edges.map((e) => e.node.id),
      [fascicoloPackage, series[2], series[1]],
    );
    const second = await archivista.data(ConservationPackagesDocument, {
      aooId: ids.aooId,
      first: 3,
      after: page1.pageInfo.endCursor,
    });
    assert.deepEqual(
      second.conservationPackages.edges.map((e) => e.node.id),
      [series[0]],
    );
    assert.equal(second.conservationPackages.pageInfo.hasNextPage, false);
    const bad = await archivista.request(ConservationPackagesDocument, {
      aooId: ids.aooId,
      first: 3,
      after: 'x',
    });
    assert.equal(errorCode(bad), 'BAD_USER_INPUT');
  });

  it('filters by kind, colour, fascicolo and creation day (Europe/Rome)', async () => {
    const list = async (filter: Record<string, string>) =>
      (
        await archivista.data(ConservationPackagesDocument, { aooId: ids.aooId, filter, first: 10 })
      ).conservationPackages.edges.map((e) => e.node.id);
    assert.deepEqual(await list({ kind: 'SERIES' }), [series[2], series[1], series[0]]);
    assert.deepEqual(await list({ kind: 'FASCICOLO' }), [fascicoloPackage]);
    assert.deepEqual(await list({ fascicoloId: fascicolo.id }), [fascicoloPackage]);
    assert.deepEqual(await list({ createdFrom: '2025-06-16', createdTo: '2025-06-16' }), [series[1]]);
    assert.deepEqual(await list({ createdFrom: '2025-06-17' }), [fascicoloPackage, series[2]]);
    assert.deepEqual(await list({ colour: 'GREEN' }), []);
    await settleAll(env, series[0] ?? '', 'GREEN');
    assert.deepEqual(await list({ colour: 'GREEN' }), [series[0]]);
    assert.deepEqual(await list({ colour: 'ORANGE', kind: 'SERIES' }), [series[2], series[1]]);
    const bad = await archivista.request(ConservationPackagesDocument, {
      aooId: ids.aooId,
      filter: { createdFrom: '2025-06-17', createdTo: '2025-06-16' },
      first: 10,
    });
    assert.equal(errorCode(bad), 'BAD_USER_INPUT');
  });

  it('gives a package with its documents in order, paged, its creator and its fascicolo', async () => {
    const r = await archivista.data(ConservationPackageDocument, { id: fascicoloPackage, first: 1 });
    const p = r.conservationPackage;
    assert.equal(p.kind, 'FASCICOLO');
    assert.equal(p.colour, 'ORANGE');
    assert.equal(p.createdBy?.username, 'archivista');
    assert.equal(p.fascicolo?.id, fascicolo.id);
    assert.equal(p.sipUrl, null, 'not built yet');
    assert.equal(p.items.totalCount, 2);
    assert.equal(p.items.pageInfo.hasNextPage, true);
    const rest = await archivista.data(ConservationPackageDocument, {
      id: fascicoloPackage,
      first: 5,
      after: p.items.pageInfo.endCursor,
    });
    const all = [...p.items.edges, ...rest.conservationPackage.items.edges].map((e) => e.node);
    assert.deepEqual(
      all.map((i) => i.position),
      [0, 1],
    );
    assert.deepEqual(new Set(all.map((i) => i.documentId)), new Set(fascicolo.documentIds));
    // The archivist reads the AOO's documents; each item gives its document.
    assert.deepEqual(
      all.map((i) => i.document?.id),
      all.map((i) => i.documentId),
    );
    // The system administrator reads the desk but not the documents (no PROTOCOL_READ): null.
    const admin = await env.asUser('admin');
    const seen = await admin.data(ConservationPackageDocument, { id: fascicoloPackage, first: 5 });
    assert.deepEqual(
      seen.conservationPackage.items.edges.map((e) => e.node.document),
      [null, null],
    );
    const missing = await archivista.request(ConservationPackageDocument, {
      id: '00000000-0000-4000-8000-000000000000',
      first: 1,
    });
    assert.equal(errorCode(missing), 'NOT_FOUND');
  });

  it('per document and per fascicolo state follows the outcomes and the resend of a rejected package', async () => {
    const [good, bad] = fascicolo.documentIds as [string, string];
    const docState = async (id: string) =>
      (await archivista.data(DocumentConservationDocument, { id })).document.conservation;
    const fasState = async () =>
      (await archivista.data(FascicoloConservationDocument, { id: fascicolo.id })).fascicolo.conservation;
    assert.equal((await fasState())?.colour, 'ORANGE');
    assert.equal((await fasState())?.packageId, fascicoloPackage);
    assert.equal((await docState(good))?.colour, 'ORANGE');
    await buildPackage(env, fascicoloPackage);
    clock.set('2025-06-18T09:00:00Z');
    await settle(env, fascicoloPackage, good, 'GREEN');
    await settle(env, fascicoloPackage, bad, 'RED');
    const red = await fasState();
    assert.equal(red?.colour, 'RED');
    assert.equal(red?.outcomeAt, '2025-06-18T09:00:00.000Z');
    assert.deepEqual(
      red?.reasons.map((x) => x.code),
      ['UD-FILE-001'],
    );
    assert.equal((await docState(good))?.colour, 'GREEN');
    assert.equal((await docState(bad))?.colour, 'RED');
    assert.equal((await docState(bad))?.reasons[0]?.message, 'Formato non ammesso');

    const resent = (await archivista.data(ResendConservationPackageDocument, { packageId: fascicoloPackage }))
      .resendConservationPackage;
    assert.equal(resent.resentFromId, fascicoloPackage);
    assert.equal(resent.colour, 'ORANGE');
    const old = await archivista.data(ConservationPackageDocument, { id: fascicoloPackage, first: 5 });
    assert.equal(old.conservationPackage.resentAs?.id, resent.id);
    const fresh = await archivista.data(ConservationPackageDocument, { id: resent.id, first: 5 });
    assert.equal(fresh.conservationPackage.resentFrom?.id, fascicoloPackage);
    assert.deepEqual(
      fresh.conservationPackage.items.edges.map((e) => e.node.documentId),
      [bad],
    );
    assert.deepEqual(await fasState(), {
      colour: 'ORANGE',
      packageId: resent.id,
      itemId: null,
      outcomeAt: null,
      reasons: [],
    });
    assert.equal((await docState(good))?.colour, 'GREEN', 'a conserved document stays green');
    assert.equal((await docState(bad))?.colour, 'ORANGE');
    await settle(env, resent.id, bad, 'GREEN');
    assert.equal((await fasState())?.colour, 'GREEN');
    assert.equal((await docState(bad))?.packageId, resent.id);
    const again = await archivista.request(ResendConservationPackageDocument, {
      packageId: fascicoloPackage,
    });
    assert.equal(errorCode(again), 'CONSERVATION_PACKAGE_NOT_RED');
    // Readers of the document who are not archivists see its state too.
    const rpa = await env.asUser('rpa.tecnico');
    assert.equal(
      (await rpa.data(DocumentConservationDocument, { id: good })).document.conservation?.colour,
      'GREEN',
    );
  });

  it('reads the states of a list of fascicoli and their documents with a constant number of statements', async () => {
    for (let i = 0; i < 3; i++) {
      const f = await closedFascicolo(env, rgd, ids, nodes['2025']['VI/3/1'] ?? '', clock, 2, `Batch ${i}`);
      await archivista.data(ConserveFascicoloDocument, { fascicoloId: f.id });
    }
    const measure = async (first: number) => {
      statements = 0;
      const r = await rgd.data(FascicoliConservationDocument, {
        filter: { aooId: ids.aooId },
        first,
        documents: 5,
      });
      const withState = r.fascicoli.edges.filter((e) => e.node.conservation !== null).length;
      return { statements, withState, shown: r.fascicoli.edges.length };
    };
    const one = await measure(1);
    const four = await measure(4);
    assert.equal(four.shown, 4);
    assert.equal(four.withState, 4);
    assert.equal(four.statements, one.statements, 'statements grow with the fascicoli listed');
    // The packages with their documents and the documents' states: the same, whatever the page.
    const packages = async (first: number) => {
      statements = 0;
      const r = await archivista.data(ConservationPackagesItemsDocument, {
        aooId: ids.aooId,
        first,
        items: 5,
      });
      const items = r.conservationPackages.edges.flatMap((e) => e.node.items.edges);
      assert.ok(items.every((i) => i.node.document?.conservation !== null));
      return {
        statements,
        items: items.length,
        totals: r.conservationPackages.edges.map((e) => e.node.items.totalCount),
      };
    };
    const small = await packages(1);
    const large = await packages(5);
    assert.ok(large.items > small.items);
    assert.ok(large.totals.every((n) => n > 0));
    assert.equal(large.statements, small.statements, 'statements grow with the packages listed');
  });

  it('serves the SIP, the PIndex, each request and the rapporto to the desk, 404 to everyone else', async () => {
    const pkg = series[1] ?? '';
    const token = await env.tokenFor('archivista');
    const get = async (path: string, tok: string | null = token) =>
      fetch(`${env.baseUrl}${path}`, { headers: tok ? { authorization: `Bearer ${tok}` } : {} });
    assert.equal((await get(`/conservation/packages/${pkg}/sip.zip`)).status, 404, 'not built yet');
    await buildPackage(env, pkg);
    const p = (await archivista.data(ConservationPackageDocument, { id: pkg, first: 5 })).conservationPackage;
    assert.equal(p.sipUrl, `/conservation/packages/${pkg}/sip.zip`);
    const sip = await get(p.sipUrl ?? '');
    assert.equal(sip.status, 200);
    const bytes = Buffer.from(await sip.arrayBuffer());
    assert.equal(sip.headers.get('content-length'), String(p.sipSize));
    assert.equal(bytes.length, p.sipSize);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), p.sipSha256);
    assert.equal(sip.headers.get('etag'), `"${p.sipSha256}"`);
    assert.equal(sip.headers.get('content-type'), 'application/zip');
    const pindex = await get(p.pindexUrl ?? '');
    assert.equal(pindex.status, 200);
    assert.match(await pindex.text(), /<PIndex/);
    assert.equal(pindex.headers.get('x-content-sha256'), p.pindexSha256);
    const [item, other] = p.items.edges.map((e) => e.node) as [
      (typeof p.items.edges)[number]['node'],
      (typeof p.items.edges)[number]['node'],
    ];
    const descriptor = await get(item.descriptorUrl ?? '');
    assert.equal(descriptor.status, 200);
    const text = await descriptor.text();
    assert.equal(createHash('sha256').update(text).digest('hex'), item.descriptorSha256);
    assert.equal(descriptor.headers.get('content-length'), String(Buffer.byteLength(text)));
    // The rapporto exists once the document is green; a red one has none.
    assert.equal(item.rapportoUrl, null);
    assert.equal((await get(`/conservation/items/${item.id}/rapporto.xml`)).status, 404);
    await settle(env, pkg, item.documentId, 'GREEN');
    await settle(env, pkg, other.documentId, 'RED');
    const rapporto = await get(`/conservation/items/${item.id}/rapporto.xml`);
    assert.equal(rapporto.status, 200);
    assert.match(await rapporto.text(), /RapportoVersamento/);
    assert.equal((await get(`/conservation/items/${other.id}/rapporto.xml`)).status, 404);
    // Not the desk of the caller: exactly like a missing package.
    const paths = [
      `/conservation/packages/${pkg}/sip.zip`,
      `/conservation/packages/${pkg}/pindex.xml`,
      `/conservation/items/${item.id}/descriptor.xml`,
      `/conservation/items/${item.id}/rapporto.xml`,
    ];
    for (const user of ['lettore', 'protocollista', 'terzo.archivista']) {
      const t = await env.tokenFor(user);
      for (const path of paths) assert.equal((await get(path, t)).status, 404, `${user} ${path}`);
    }
    for (const path of paths) assert.equal((await get(path, null)).status, 401);
    assert.equal((await get('/conservation/packages/not-an-id/sip.zip')).status, 404);
    const audited = await sql<{ n: string }>(
      env,
      `select count(*) as n from audit_event where operation like 'conservation.download.%' and target_id = any($1::text[])`,
      [[pkg, item.id]],
    );
    assert.ok(Number(audited[0]?.n) >= 4, 'downloads are audited');
  });

  it('refuses what the core refuses, and another AOO as missing', async () => {
    const open = (
      await rgd.data(OpenFascicoloDocument, {
        input: {
          classificationId: nodes['2025']['VI/3/1'] ?? '',
          kind: 'AFFARE',
          oggetto: 'Aperto',
          uorId: ids.uor['TEC'] ?? '',
          rpaId: ids.user['rpa.tecnico'] ?? '',
        },
      })
    ).openFascicolo.id;
    assert.equal(
      errorCode(await archivista.request(ConserveFascicoloDocument, { fascicoloId: open })),
      'CONSERVATION_FASCICOLO_NOT_CLOSED',
    );
    const conserved = fascicolo.documentIds;
    assert.equal(
      errorCode(
        await archivista.request(ConserveSeriesDocument, {
          input: { aooId: ids.aooId, label: 'Di nuovo', documentIds: conserved },
        }),
      ),
      'CONSERVATION_ALREADY_CONSERVED',
    );
    assert.equal(
      errorCode(
        await archivista.request(ConserveSeriesDocument, {
          input: { aooId: otherAooId, label: 'Altrove', documentIds: conserved },
        }),
      ),
      'NOT_FOUND',
    );
    const register = await dailyRegister(env, ids.aooId, '2025-06-17');
    const p = (await archivista.data(ConserveDailyRegisterDocument, { dailyRegisterId: register }))
      .conserveDailyRegister;
    assert.equal(p.kind, 'DAILY_REGISTER');
    const read = await archivista.data(ConservationPackageDocument, { id: p.id, first: 1 });
    assert.equal(read.conservationPackage.dailyRegister?.id, register);
    assert.equal(read.conservationPackage.dailyRegister?.state, 'IN_CONSERVATION');
    assert.equal(
      errorCode(await archivista.request(ConserveDailyRegisterDocument, { dailyRegisterId: register })),
      'CONSERVATION_IN_PROGRESS',
    );
    const terzo = await env.asUser('terzo.archivista');
    assert.equal(
      errorCode(await terzo.request(ConserveDailyRegisterDocument, { dailyRegisterId: register })),
      'NOT_FOUND',
    );
    assert.equal(
      errorCode(await terzo.request(ResendConservationPackageDocument, { packageId: fascicoloPackage })),
      'NOT_FOUND',
    );
  });
});
