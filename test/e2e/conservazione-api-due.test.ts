import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateRepertorioDocument,
  GenerateDevelopmentSegnaturaSealDocument,
  RegisterRepertorioEntryDocument,
} from '../../clients/sdk/generated/graphql.js';
import {
  ConservationDueDocument,
  ConservationPackageChangedDocument,
  ConservationSeriesDocumentsDocument,
  ConservationSeriesTypesDocument,
  ConserveDailyRegisterDocument,
  ConserveDueFascicoliDocument,
  ConserveFascicoloDocument,
  ConserveSeriesDocument,
} from '../../clients/sdk/generated/plugins.js';
import { SettableClock } from '../harness/clock.js';
import {
  closedFascicolo,
  dailyRegister,
  registerRecord,
  registeredDocuments,
  settle,
  settleAll,
  startConservationEnv,
} from '../harness/conservazione-api-fixtures.js';
import { makeTitolario, type TitolarioFixture } from '../harness/fascicoli-fixtures.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { draftDocuments } from '../harness/protocol-fixtures.js';
import type { TestEnv } from '../harness/test-env.js';
import { TypedSubscriber } from '../harness/typed-subscriber.js';

/**
 * The archivist's desk on the real stack: what is due as the request clock moves (daily
 * registers not conserved, fascicoli closed over a year ago, Europe/Rome days), sending the due
 * fascicoli in one call (and resending the rejected ones), the series of registered documents
 * with their counts, and the package changes delivered live to the desk's readers only.
 */
describe('conservation API: what is due, series, live changes', () => {
  const clock = new SettableClock('2025-06-01T10:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  let nodes: TitolarioFixture;
  let rgd: GraphqlClient;
  let archivista: GraphqlClient;
  let otherAooId: string;

  before(async () => {
    env = await startConservationEnv(clock);
    ids = await demoIds(env);
    nodes = await makeTitolario(env, clock, ids.aooId);
    rgd = await env.asUser('rgd');
    archivista = await env.asUser('archivista');
    const admin = await env.asUser('admin');
    await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
    const other = await createSecondAoo(admin);
    otherAooId = other.aooId;
    await createMember(admin, other.aooId, other.uorId, 'altrove.archivista', 'ARCHIVISTA');
  });
  after(async () => {
    await env?.close();
  });

  const due = async (registersAfter?: string | null, fascicoliAfter?: string | null, first = 10) =>
    (
      await archivista.data(ConservationDueDocument, {
        aooId: ids.aooId,
        registersFirst: first,
        registersAfter,
        fascicoliFirst: first,
        fascicoliAfter,
      })
    ).conservationDue;

  it('lists what is due as the request clock moves, and sends the due fascicoli', async () => {
    // Daily registers: one conserved, one in conservation, one ready.
    const [r12, r13, r14] = [
      await dailyRegister(env, ids.aooId, '2025-06-12'),
      await dailyRegister(env, ids.aooId, '2025-06-13'),
      await dailyRegister(env, ids.aooId, '2025-06-14'),
    ];
    const p12 = (await archivista.data(ConserveDailyRegisterDocument, { dailyRegisterId: r12 }))
      .conserveDailyRegister.id;
    await settleAll(env, p12, 'GREEN');
    await archivista.data(ConserveDailyRegisterDocument, { dailyRegisterId: r13 });
    // Fascicoli closed on 2025-06-15 (one of them conserved) and on 2026-03-01.
    const a = await closedFascicolo(env, rgd, ids, nodes['2025']['VI/3/1'] ?? '', clock, 2, 'Alfa');
    const green = await closedFascicolo(env, rgd, ids, nodes['2025']['VI/3/1'] ?? '', clock, 1, 'Verde');
    const gp = (await archivista.data(ConserveFascicoloDocument, { fascicoloId: green.id })).conserveFascicolo
      .id;
    await settleAll(env, gp, 'GREEN');
    clock.set('2026-03-01T10:00:00Z');
    const b = await closedFascicolo(env, rgd, ids, nodes['2026']['VI/3/1'] ?? '', clock, 1, 'Beta');

    clock.set('2026-12-01T10:00:00Z');
    let d = await due(null, null, 1);
    assert.equal(d.today, '2026-12-01');
    assert.equal(d.closedBefore, '2025-12-01');
    assert.deepEqual(d.dailyRegisterCounts, {
      total: 2,
      readyForConservation: 1,
      inConservation: 1,
      conservationFailed: 0,
    });
    assert.deepEqual(
      d.dailyRegisters.edges.map((e) => [e.node.id, e.node.state]),
      [[r13, 'IN_CONSERVATION']],
    );
    assert.equal(d.dailyRegisters.totalCount, 2);
    assert.equal(d.dailyRegisters.pageInfo.hasNextPage, true);
    const next = await due(d.dailyRegisters.pageInfo.endCursor, null, 1);
    assert.deepEqual(
      next.dailyRegisters.edges.map((e) => e.node.id),
      [r14],
    );
    assert.equal(next.dailyRegisters.pageInfo.hasNextPage, false);
    assert.deepEqual(d.fascicoloCounts, { total: 1, neverSent: 1, waiting: 0, rejected: 0 });
    assert.deepEqual(
      d.fascicoli.edges.map((e) => [e.node.id, e.node.closingDate, e.node.conservation]),
      [[a.id, '2025-06-15', null]],
    );

    // A year after B's closing day, in Rome: 2027-03-01 23:30 UTC is already 2 March there.
    clock.set('2027-03-01T23:30:00Z');
    d = await due(null, null, 1);
    assert.equal(d.today, '2027-03-02');
    assert.equal(d.fascicoloCounts.total, 2);
    assert.deepEqual(
      d.fascicoli.edges.map((e) => e.node.id),
      [a.id],
    );
    const page2 = await due(null, d.fascicoli.pageInfo.endCursor, 1);
    assert.deepEqual(
      page2.fascicoli.edges.map((e) => e.node.id),
      [b.id],
    );
    clock.set('2027-03-01T22:30:00Z');
    assert.equal((await due()).fascicoloCounts.total, 1, 'still 1 March in Rome');
    clock.set('2027-03-02T10:00:00Z');

    // Every due fascicolo in one call, one package each; again: all waiting.
    const sent = (await archivista.data(ConserveDueFascicoliDocument, { aooId: ids.aooId }))
      .conserveDueFascicoli;
    assert.deepEqual(
      sent.packages.map((p) => p.fascicoloId),
      [a.id, b.id],
    );
    assert.deepEqual(sent.skipped, []);
    assert.equal(sent.remaining, 0);
    assert.deepEqual((await due()).fascicoloCounts, { total: 2, neverSent: 0, waiting: 2, rejected: 0 });
    const again = (await archivista.data(ConserveDueFascicoliDocument, { aooId: ids.aooId }))
      .conserveDueFascicoli;
    assert.deepEqual(again.packages, []);
    assert.deepEqual(
      again.skipped.map((s) => [s.fascicoloId, s.code]),
      [
        [a.id, 'CONSERVATION_IN_PROGRESS'],
        [b.id, 'CONSERVATION_IN_PROGRESS'],
      ],
    );
    // A rejected, B conserved: A is due again, and the next call resends its package.
    const [pa, pb] = sent.packages.map((p) => p.id) as [string, string];
    await settle(env, pa, a.documentIds[0] ?? '', 'GREEN');
    await settle(env, pa, a.documentIds[1] ?? '', 'RED');
    await settleAll(env, pb, 'GREEN');
    d = await due();
    assert.deepEqual(d.fascicoloCounts, { total: 1, neverSent: 0, waiting: 0, rejected: 1 });
    assert.deepEqual(
      d.fascicoli.edges.map((e) => [e.node.id, e.node.conservation?.colour]),
      [[a.id, 'RED']],
    );
    const resent = (await archivista.data(ConserveDueFascicoliDocument, { aooId: ids.aooId }))
      .conserveDueFascicoli;
    assert.equal(resent.packages.length, 1);
    assert.equal(resent.packages[0]?.resentFromId, pa);
    d = await due();
    assert.equal(d.fascicoli.edges[0]?.node.conservation?.packageId, resent.packages[0]?.id);
    assert.equal(d.fascicoli.edges[0]?.node.conservation?.colour, 'ORANGE');
    await settleAll(env, resent.packages[0]?.id ?? '', 'GREEN');
    assert.equal((await due()).fascicoloCounts.total, 0, 'conserved after the resend');

    // Another AOO's desk: as if it did not exist.
    assert.equal(
      errorCode(
        await archivista.request(ConservationDueDocument, {
          aooId: otherAooId,
          registersFirst: 1,
          fascicoliFirst: 1,
        }),
      ),
      'NOT_FOUND',
    );
  });

  it('groups the registered documents in series with their counts, and lists each series', async () => {
    const rag = ids.uor['RAG'] ?? '';
    const repertorio = (
      await rgd.data(CreateRepertorioDocument, {
        input: { aooId: ids.aooId, code: 'CONTRATTI', name: 'Contratti' },
      })
    ).createRepertorio.id;
    const contracts: string[] = [];
    for (const documentId of await draftDocuments(env, rag, 3, 'rgd')) {
      await rgd.data(RegisterRepertorioEntryDocument, { input: { repertorioId: repertorio, documentId } });
      contracts.push(documentId);
    }
    const fatture = [
      await registerRecord(env, rgd, rag, { documentType: 'Fattura' }),
      await registerRecord(env, rgd, rag, { documentType: 'Fattura' }),
      await registerRecord(env, rgd, rag, { documentType: 'Fattura', meansOfTransmission: 'PEC' }),
    ];
    const pec = [fatture[2], await registerRecord(env, rgd, rag, { meansOfTransmission: 'PEC' })];
    // A draft in a repertorio-less office counts nowhere; documents registered elsewhere neither.
    await registeredDocuments(env, rag, 1, '2027-03-01T10:00:00Z');

    const types = async () =>
      new Map(
        (
          await archivista.data(ConservationSeriesTypesDocument, { aooId: ids.aooId })
        ).conservationSeriesTypes.map((t) => [t.typeKey, t]),
      );
    let t = await types();
    assert.deepEqual(t.get('repertorio:CONTRATTI'), {
      typeKey: 'repertorio:CONTRATTI',
      kind: 'REPERTORIO',
      label: 'Contratti',
      total: 3,
      conserved: 0,
      waiting: 0,
      notConserved: 3,
    });
    assert.equal(t.get('tipo:Fattura')?.total, 3);
    assert.equal(t.get('tipo:Fattura')?.kind, 'DOCUMENT_TYPE');
    assert.equal(t.get('pec')?.total, 2);
    assert.equal(t.get('pec')?.kind, 'REGISTERED_MAIL');
    assert.equal(t.has('repertorio:REGISTRO_GIORNALIERO'), false, 'daily registers travel on their own');

    const list = async (typeKey: string, onlyNotConserved: boolean, first: number, after?: string | null) =>
      (
        await archivista.data(ConservationSeriesDocumentsDocument, {
          aooId: ids.aooId,
          typeKey,
          onlyNotConserved,
          first,
          after,
        })
      ).conservationSeriesDocuments;
    const p1 = await list('repertorio:CONTRATTI', false, 2);
    assert.equal(p1.totalCount, 3);
    assert.equal(p1.pageInfo.hasNextPage, true);
    const p2 = await list('repertorio:CONTRATTI', false, 2, p1.pageInfo.endCursor);
    assert.deepEqual(new Set([...p1.edges, ...p2.edges].map((e) => e.node.id)), new Set(contracts));
    assert.equal(p2.pageInfo.hasNextPage, false);
    assert.deepEqual(new Set((await list('pec', false, 10)).edges.map((e) => e.node.id)), new Set(pec));

    // The archivist sends two contracts; one is conserved.
    const pkg = (
      await archivista.data(ConserveSeriesDocument, {
        input: { aooId: ids.aooId, label: 'Contratti 2025', documentIds: contracts.slice(0, 2) },
      })
    ).conserveSeries.id;
    t = await types();
    assert.equal(t.get('repertorio:CONTRATTI')?.waiting, 2);
    await settle(env, pkg, contracts[0] ?? '', 'GREEN');
    t = await types();
    assert.deepEqual(
      [
        t.get('repertorio:CONTRATTI')?.conserved,
        t.get('repertorio:CONTRATTI')?.waiting,
        t.get('repertorio:CONTRATTI')?.notConserved,
      ],
      [1, 1, 2],
    );
    const open = await list('repertorio:CONTRATTI', true, 10);
    assert.deepEqual(new Set(open.edges.map((e) => e.node.id)), new Set(contracts.slice(1)));
    assert.equal(open.totalCount, 2);
    const colours = new Map(
      (await list('repertorio:CONTRATTI', false, 10)).edges.map((e) => [
        e.node.id,
        e.node.conservation?.colour ?? null,
      ]),
    );
    assert.deepEqual(
      contracts.map((id) => colours.get(id)),
      ['GREEN', 'ORANGE', null],
    );
    // Row visibility: a contract reserved to those involved leaves the archivist's counts and list
    // (the RGD who made it still sees it).
    await sql(env, `update document set reserved_until = '2099-01-01' where id = $1`, [contracts[2]]);
    assert.equal((await types()).get('repertorio:CONTRATTI')?.total, 2);
    assert.deepEqual(
      (await list('repertorio:CONTRATTI', true, 10)).edges.map((e) => e.node.id),
      [contracts[1]],
    );
    const byRgd = await rgd.data(ConservationSeriesTypesDocument, { aooId: ids.aooId });
    assert.equal(byRgd.conservationSeriesTypes.find((x) => x.typeKey === 'repertorio:CONTRATTI')?.total, 3);
    for (const bad of ['contratti', 'repertorio:', 'tipo:', 'x:y']) {
      const r = await archivista.request(ConservationSeriesDocumentsDocument, {
        aooId: ids.aooId,
        typeKey: bad,
        first: 1,
      });
      assert.equal(errorCode(r), 'BAD_USER_INPUT', bad);
    }
  });

  it('delivers package changes to the readers of the AOO’s desk only', async () => {
    const open = async (username: string, aooId: string) =>
      TypedSubscriber.open(
        env.wsUrl,
        await env.tokenFor(username),
        ConservationPackageChangedDocument,
        { aooId },
        (d) => d.conservationPackageChanged,
      );
    const fresh = async () => {
      const [doc] = await registeredDocuments(env, ids.uor['RAG'] ?? '', 1, '2027-03-01T10:00:00Z');
      return (
        await archivista.data(ConserveSeriesDocument, {
          input: { aooId: ids.aooId, label: 'Serie', documentIds: [doc ?? ''] },
        })
      ).conserveSeries;
    };
    const desk = await open('archivista', ids.aooId);
    const gestore = await open('rgd', ids.aooId);
    const elsewhere = await open('altrove.archivista', otherAooId);
    const foreign = await open('altrove.archivista', ids.aooId);
    const reader = await open('segretario', ids.aooId);
    try {
      await desk.ready(async () => {
        await fresh();
      });
      await gestore.ready(async () => {
        await fresh();
      });
      const pkg = await fresh();
      await settleAll(env, pkg.id, 'GREEN');
      // Both readers get the creation (orange) and the outcome (green), in order.
      for (const s of [desk, gestore]) {
        await s.ws.next(() => s.items().filter((c) => c.packageId === pkg.id).length >= 2, 5000);
        const mine = s.items().filter((c) => c.packageId === pkg.id);
        assert.deepEqual(
          mine.map((c) => [c.colour, c.kind, c.aooId]),
          [
            ['ORANGE', 'SERIES', ids.aooId],
            ['GREEN', 'SERIES', ids.aooId],
          ],
        );
      }
      await elsewhere.nothingWithin(300);
      assert.deepEqual(elsewhere.items(), []);
      // Without CONSERVATION_READ in the AOO: refused when subscribing (as a missing AOO).
      for (const s of [foreign, reader]) {
        await s.ws.next(() => s.errors().length > 0, 5000);
        assert.deepEqual(s.items(), []);
      }
      assert.match(JSON.stringify(reader.errors()), /FORBIDDEN|NOT_FOUND/);
    } finally {
      for (const s of [desk, gestore, elsewhere, foreign, reader]) s.close();
    }
  });
});
