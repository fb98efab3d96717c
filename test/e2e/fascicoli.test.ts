import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CloseFascicoloDocument,
  DocumentFascicoliDocument,
  FascicoloChildrenDocument,
  FascicoloDocument,
  FascicoloMetadataDocument,
  FascicoloTreeDocument,
  FascicoliDocument,
  FileDocumentDocument,
  OpenFascicoloDocument,
  OpenSottofascicoloDocument,
  ReopenFascicoloDocument,
  RepertorioFascicoliDocument,
  TransferFascicoloDocument,
  UnfileDocumentDocument,
  type OpenFascicoloInput,
} from '../../clients/sdk/generated/graphql.js';
import { openAnnualFascicoli } from '../../schema/fascicoli/index.js';
import { systemContext } from '../../server/context.js';
import { SettableClock } from '../harness/clock.js';
import {
  makeTitolario,
  newDocument,
  registerAt,
  type TitolarioFixture,
} from '../harness/fascicoli-fixtures.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Fascicoli (DOMAIN §3) through GraphQL: numbering and identifiers, sottofascicoli and inserti,
 * filing history, closing, reopening, transfers, the titolario versions, the year rollover at
 * Europe/Rome midnight, the annual job, the repertorio and the AgID metadata.
 */
describe('fascicoli', () => {
  const clock = new SettableClock('2025-06-15T10:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  let nodes: TitolarioFixture;
  // Tokens follow the injected clock: a fresh client per call stays valid when the clock moves.
  const as = (username: string): Promise<GraphqlClient> => env.asUser(username);

  const openInput = (over: Partial<OpenFascicoloInput> = {}): OpenFascicoloInput => ({
    classificationId: nodes['2025']['VI/3/1'] ?? '',
    kind: 'PROCEDIMENTO_AMMINISTRATIVO',
    oggetto: 'Permesso di costruire - via Roma 1',
    uorId: ids.uor['TEC'] ?? '',
    rpaId: ids.user['rpa.tecnico'] ?? '',
    ...over,
  });

  async function open(over: Partial<OpenFascicoloInput> = {}, username = 'rpa.tecnico') {
    return (await (await as(username)).data(OpenFascicoloDocument, { input: openInput(over) })).openFascicolo;
  }

  before(async () => {
    env = await startTestEnv({ clock });
    ids = await demoIds(env);
    nodes = await makeTitolario(env, clock, ids.aooId);
  });
  after(async () => {
    await env?.close();
  });

  it('opens fascicoli on a leaf, numbered per node and year, with the formatted identifier', async () => {
    const a = await open({ oggetto: 'Costruzione della nuova sede degli uffici' });
    const b = await open();
    const other = await open({ classificationId: nodes['2025']['VI/3/2'] ?? '' });
    assert.equal(a.identifier, '2025 - VI/3/1.1 «Costruzione della nuova sede degli uffici»');
    assert.deepEqual([a.year, a.number, a.level, a.state, a.openingDate], [2025, 1, 1, 'OPEN', '2025-06-15']);
    assert.equal(b.number, 2);
    assert.equal(other.number, 1, 'another node has its own series');
    const read = await (await as('rpa.tecnico')).data(FascicoloDocument, { id: a.id });
    assert.equal(read.fascicolo.classification?.fullCode, 'VI/3/1');
    assert.equal(read.fascicolo.uor?.code, 'TEC');
    assert.equal(read.fascicolo.rpa?.username, 'rpa.tecnico');
    assert.deepEqual(
      read.fascicolo.history.map((h) => [h.action, h.actor?.username, h.toUor?.code, h.toRpa?.username]),
      [['OPENED', 'rpa.tecnico', 'TEC', 'rpa.tecnico']],
    );
  });

  it('refuses a node with subdivisions, a node of another version, and an RPA outside the UOR', async () => {
    const c = await as('rpa.tecnico');
    const nonLeaf = await c.request(OpenFascicoloDocument, {
      input: openInput({ classificationId: nodes['2025']['VI/3'] ?? '' }),
    });
    assert.equal(errorCode(nonLeaf), 'FASCICOLO_NODE_NOT_LEAF');
    const titolo = await c.request(OpenFascicoloDocument, {
      input: openInput({ classificationId: nodes['2025']['VI'] ?? '' }),
    });
    assert.equal(errorCode(titolo), 'FASCICOLO_NODE_NOT_LEAF', 'only persona fascicoli sit on a titolo');
    const future = await c.request(OpenFascicoloDocument, {
      input: openInput({ classificationId: nodes['2026']['VI/3/1'] ?? '' }),
    });
    assert.equal(errorCode(future), 'CLASSIFICATION_NOT_IN_FORCE');
    const stranger = await c.request(OpenFascicoloDocument, {
      input: openInput({ rpaId: ids.user['rpa.ragioneria'] ?? '' }),
    });
    assert.equal(errorCode(stranger), 'FASCICOLO_RPA_NOT_IN_UOR');
    assert.equal(
      (await sql(env, `select 1 from fascicolo where classification_id = $1`, [nodes['2025']['VI/3'] ?? '']))
        .length,
      0,
    );
  });

  it('numbers persona fascicoli at the titolo level, on the titolo or on a leaf below it', async () => {
    const onTitolo = await open({
      kind: 'PERSONA_FISICA',
      classificationId: nodes['2025']['III'] ?? '',
      oggetto: 'Mario Rossi',
    });
    const onLeaf = await open({
      kind: 'PERSONA_FISICA',
      classificationId: nodes['2025']['III/1'] ?? '',
      oggetto: 'Anna Bianchi',
    });
    assert.equal(onTitolo.identifier, '2025 - III.1 «Mario Rossi»');
    assert.equal(onLeaf.identifier, '2025 - III.2 «Anna Bianchi»');
    assert.equal(onLeaf.classificationCode, 'III');
    const affare = await open({ kind: 'AFFARE', classificationId: nodes['2025']['III/1'] ?? '' });
    assert.equal(
      affare.identifier.startsWith('2025 - III/1.1 '),
      true,
      'other kinds count on their own node',
    );
  });

  it('chains sottofascicoli and inserti under their parent, three levels at most', async () => {
    const c = await as('rpa.tecnico');
    const parent = await open({ oggetto: 'Lavori di ristrutturazione' });
    const sub = async (parentId: string, oggetto: string) =>
      (await c.data(OpenSottofascicoloDocument, { input: { parentId, oggetto } })).openSottofascicolo;
    const s1 = await sub(parent.id, 'Progetto');
    const s2 = await sub(parent.id, 'Collaudo');
    const i1 = await sub(s1.id, 'Varianti');
    assert.equal(s1.identifier, `2025 - VI/3/1.${parent.number}.1 «Progetto»`);
    assert.equal(s2.numberPath, `${parent.number}.2`);
    assert.equal(i1.numberPath, `${parent.number}.1.1`);
    assert.deepEqual([s1.level, i1.level, i1.year], [2, 3, 2025]);
    const tooDeep = await c.request(OpenSottofascicoloDocument, { input: { parentId: i1.id, oggetto: 'x' } });
    assert.equal(errorCode(tooDeep), 'FASCICOLO_TOO_DEEP');
    const tree = await c.data(FascicoloTreeDocument, { id: parent.id, first: 10 });
    assert.deepEqual(
      tree.fascicolo.children.edges.map((e) => [e.node.numberPath, e.node.children.totalCount]),
      [
        [`${parent.number}.1`, 1],
        [`${parent.number}.2`, 0],
      ],
    );
    // A parent cannot close while a child is open; children may close first.
    assert.equal(
      errorCode(await c.request(CloseFascicoloDocument, { id: parent.id })),
      'FASCICOLO_HAS_OPEN_CHILDREN',
    );
    assert.equal(
      errorCode(await c.request(CloseFascicoloDocument, { id: s1.id })),
      'FASCICOLO_HAS_OPEN_CHILDREN',
    );
    await c.data(CloseFascicoloDocument, { id: i1.id });
    await c.data(CloseFascicoloDocument, { id: s1.id });
    await c.data(CloseFascicoloDocument, { id: s2.id });
    const closed = await c.data(CloseFascicoloDocument, { id: parent.id });
    assert.equal(closed.closeFascicolo.state, 'CLOSED');
    const newChild = await c.request(OpenSottofascicoloDocument, {
      input: { parentId: parent.id, oggetto: 'Tardi' },
    });
    assert.equal(errorCode(newChild), 'FASCICOLO_CLOSED');
    // Reopening a child of a closed parent is refused; the parent first.
    const rgd = await as('rgd');
    const childFirst = await rgd.request(ReopenFascicoloDocument, { id: s1.id, reason: 'Integrazione' });
    assert.equal(errorCode(childFirst), 'FASCICOLO_PARENT_CLOSED');
    await rgd.data(ReopenFascicoloDocument, { id: parent.id, reason: 'Integrazione' });
    await rgd.data(ReopenFascicoloDocument, { id: s1.id, reason: 'Integrazione' });
  });

  it('pages sottofascicoli and their documents at every level, first pages and after a cursor', async () => {
    const c = await as('rpa.tecnico');
    const tec = ids.uor['TEC'] ?? '';
    const parent = await open({ oggetto: 'Pratica a lotti' });
    const want: Record<string, { docs: number; inserto: string; insertoDocs: number }> = {};
    for (let i = 0; i < 3; i++) {
      const child = (
        await c.data(OpenSottofascicoloDocument, {
          input: { parentId: parent.id, oggetto: `Lotto ${i + 1}` },
        })
      ).openSottofascicolo;
      const inserto = (
        await c.data(OpenSottofascicoloDocument, {
          input: { parentId: child.id, oggetto: 'Stato avanzamento' },
        })
      ).openSottofascicolo;
      for (let d = 0; d <= i; d++) {
        const documentId = await newDocument(env, 'rpa.tecnico', tec, `Lotto ${i + 1} atto ${d}`);
        await c.data(FileDocumentDocument, { input: { fascicoloId: child.id, documentId } });
      }
      for (let d = 0; d < 2; d++) {
        const documentId = await newDocument(env, 'rpa.tecnico', tec, `SAL ${i + 1} atto ${d}`);
        await c.data(FileDocumentDocument, { input: { fascicoloId: inserto.id, documentId } });
      }
      want[child.id] = { docs: i + 1, inserto: inserto.id, insertoDocs: 2 };
    }
    const page1 = (await c.data(FascicoloChildrenDocument, { id: parent.id, first: 2, documents: 1 }))
      .fascicolo.children;
    assert.deepEqual([page1.totalCount, page1.edges.length, page1.pageInfo.hasNextPage], [3, 2, true]);
    const page2 = (
      await c.data(FascicoloChildrenDocument, {
        id: parent.id,
        first: 2,
        after: page1.pageInfo.endCursor,
        documents: 1,
      })
    ).fascicolo.children;
    assert.deepEqual([page2.totalCount, page2.edges.length, page2.pageInfo.hasNextPage], [3, 1, false]);
    const nodes = [...page1.edges, ...page2.edges].map((e) => e.node);
    assert.deepEqual(
      nodes.map((n) => n.numberPath),
      [1, 2, 3].map((i) => `${parent.number}.${i}`),
    );
    for (const n of nodes) {
      const w = want[n.id];
      assert.ok(w);
      assert.deepEqual(
        [n.documents.totalCount, n.documents.edges.length, n.documents.pageInfo.hasNextPage],
        [w.docs, 1, w.docs > 1],
      );
      assert.deepEqual(
        n.children.edges.map((e) => [e.node.id, e.node.documents.totalCount, e.node.documents.edges.length]),
        [[w.inserto, w.insertoDocs, 1]],
      );
    }
  });

  it('files documents as history: one primary fascicolo, links elsewhere, registration order, unfiling kept', async () => {
    const c = await as('rpa.tecnico');
    const main = await open({ oggetto: 'Pratica edilizia 10/2025' });
    const linked = await open({ oggetto: 'Pratica collegata' });
    const tec = ids.uor['TEC'] ?? '';
    const late = await newDocument(env, 'rpa.tecnico', tec, 'Integrazione documentale');
    const draft = await newDocument(env, 'rpa.tecnico', tec, 'Bozza di parere');
    const early = await newDocument(env, 'rpa.tecnico', tec, 'Istanza di permesso');
    await registerAt(env, early, '2025-06-10T08:00:00Z');
    await registerAt(env, late, '2025-06-12T08:00:00Z');
    for (const documentId of [draft, late, early]) {
      const r = await c.data(FileDocumentDocument, { input: { fascicoloId: main.id, documentId } });
      assert.equal(r.fileDocument.primary, true, 'the first filing of a document is its primary');
    }
    const again = await c.request(FileDocumentDocument, {
      input: { fascicoloId: main.id, documentId: early },
    });
    assert.equal(errorCode(again), 'DOCUMENT_ALREADY_FILED');
    const second = await c.request(FileDocumentDocument, {
      input: { fascicoloId: linked.id, documentId: early, primary: true },
    });
    assert.equal(errorCode(second), 'DOCUMENT_PRIMARY_FASCICOLO_EXISTS');
    const link = await c.data(FileDocumentDocument, { input: { fascicoloId: linked.id, documentId: early } });
    assert.equal(link.fileDocument.primary, false);
    const tree = await c.data(FascicoloTreeDocument, { id: main.id, first: 10 });
    assert.deepEqual(
      tree.fascicolo.documents.edges.map((e) => e.node.id),
      [early, late, draft],
      'registered documents by registration time, drafts last',
    );
    const filings = await c.data(DocumentFascicoliDocument, { id: early });
    assert.deepEqual(
      filings.document.fascicoli.map((f) => [f.fascicolo.id, f.primary]),
      [
        [main.id, true],
        [linked.id, false],
      ],
    );
    // Paging: two, then the rest after the cursor.
    const page1 = await c.data(FascicoloTreeDocument, { id: main.id, first: 2 });
    assert.equal(page1.fascicolo.documents.pageInfo.hasNextPage, true);
    const page2 = await c.data(FascicoloTreeDocument, {
      id: main.id,
      first: 2,
      after: page1.fascicolo.documents.pageInfo.endCursor,
    });
    assert.deepEqual(
      page2.fascicolo.documents.edges.map((e) => e.node.id),
      [draft],
    );
    assert.equal(page2.fascicolo.documents.totalCount, 3);
    // Unfiling the primary leaves the document free for a new primary; the history keeps both steps.
    await c.data(UnfileDocumentDocument, { fascicoloId: main.id, documentId: early });
    const notThere = await c.request(UnfileDocumentDocument, { fascicoloId: main.id, documentId: early });
    assert.equal(errorCode(notThere), 'DOCUMENT_NOT_FILED');
    const rows = await sql<{ action: string; is_primary: boolean }>(
      env,
      'select action, is_primary from fascicolo_filing where fascicolo_id = $1 and document_id = $2 order by seq',
      [main.id, early],
    );
    assert.deepEqual(
      rows.map((r) => [r.action, r.is_primary]),
      [
        ['FILE', true],
        ['UNFILE', false],
      ],
    );
    const after = await c.data(DocumentFascicoliDocument, { id: early });
    assert.deepEqual(
      after.document.fascicoli.map((f) => [f.fascicolo.id, f.primary]),
      [[linked.id, false]],
    );
  });

  it('closes on the date of the last document, refuses filing while closed, and reopens only by the RGD with a reason', async () => {
    const c = await as('rpa.tecnico');
    const f = await open({ oggetto: 'Pratica da chiudere' });
    const doc = await newDocument(env, 'rpa.tecnico', ids.uor['TEC'] ?? '', 'Ultimo atto');
    await registerAt(env, doc, '2025-06-14T22:30:00Z'); // 15 June in Rome
    await c.data(FileDocumentDocument, { input: { fascicoloId: f.id, documentId: doc } });
    clock.set('2025-07-20T10:00:00Z');
    const closed = (await (await as('rpa.tecnico')).data(CloseFascicoloDocument, { id: f.id }))
      .closeFascicolo;
    assert.deepEqual([closed.state, closed.closingDate], ['CLOSED', '2025-06-15']);
    const c2 = await as('rpa.tecnico');
    const other = await newDocument(env, 'rpa.tecnico', ids.uor['TEC'] ?? '', 'Fuori tempo');
    assert.equal(
      errorCode(await c2.request(FileDocumentDocument, { input: { fascicoloId: f.id, documentId: other } })),
      'FASCICOLO_CLOSED',
    );
    assert.equal(
      errorCode(await c2.request(UnfileDocumentDocument, { fascicoloId: f.id, documentId: doc })),
      'FASCICOLO_CLOSED',
    );
    assert.equal(errorCode(await c2.request(CloseFascicoloDocument, { id: f.id })), 'FASCICOLO_CLOSED');
    assert.equal(
      errorCode(await c2.request(ReopenFascicoloDocument, { id: f.id, reason: 'Serve' })),
      'FORBIDDEN',
    );
    const protocollista = await as('protocollista');
    assert.equal(
      errorCode(await protocollista.request(ReopenFascicoloDocument, { id: f.id, reason: 'Serve' })),
      'FORBIDDEN',
    );
    const rgd = await as('rgd');
    assert.equal(
      errorCode(await rgd.request(ReopenFascicoloDocument, { id: f.id, reason: '  ' })),
      'BAD_USER_INPUT',
    );
    const reopened = await rgd.data(ReopenFascicoloDocument, { id: f.id, reason: 'Ricorso al TAR' });
    assert.deepEqual([reopened.reopenFascicolo.state, reopened.reopenFascicolo.closingDate], ['OPEN', null]);
    assert.equal(
      errorCode(await rgd.request(ReopenFascicoloDocument, { id: f.id, reason: 'Ancora' })),
      'FASCICOLO_NOT_CLOSED',
    );
    // An empty fascicolo closes on the day it is closed.
    const empty = await open({ oggetto: 'Vuoto' });
    const emptyClosed = await (await as('rpa.tecnico')).data(CloseFascicoloDocument, { id: empty.id });
    assert.equal(emptyClosed.closeFascicolo.closingDate, '2025-07-20');
    const history = (await rgd.data(FascicoloDocument, { id: f.id })).fascicolo.history;
    assert.deepEqual(
      history.map((h) => [h.action, h.actor?.username, h.reason]),
      [
        ['OPENED', 'rpa.tecnico', null],
        ['CLOSED', 'rpa.tecnico', null],
        ['REOPENED', 'rgd', 'Ricorso al TAR'],
      ],
    );
    clock.set('2025-06-15T10:00:00Z');
  });

  it('transfers to another RPA and UOR, tracked with operator and time; the new RPA must belong to the new UOR', async () => {
    const f = await open({ oggetto: 'Da trasferire' });
    const c = await as('rpa.tecnico');
    const wrong = await c.request(TransferFascicoloDocument, {
      input: { fascicoloId: f.id, uorId: ids.uor['FIN'] ?? '', rpaId: ids.user['rpa.tecnico'] ?? '' },
    });
    assert.equal(errorCode(wrong), 'FASCICOLO_RPA_NOT_IN_UOR');
    const moved = await c.data(TransferFascicoloDocument, {
      input: {
        fascicoloId: f.id,
        uorId: ids.uor['FIN'] ?? '',
        rpaId: ids.user['rpa.ragioneria'] ?? '',
        reason: 'Competenza',
      },
    });
    assert.deepEqual(
      [moved.transferFascicolo.uor?.code, moved.transferFascicolo.rpa?.username],
      ['FIN', 'rpa.ragioneria'],
    );
    const h = (await (await as('rgd')).data(FascicoloDocument, { id: f.id })).fascicolo.history.at(-1);
    assert.deepEqual(
      [
        h?.action,
        h?.actor?.username,
        h?.fromUor?.code,
        h?.toUor?.code,
        h?.fromRpa?.username,
        h?.toRpa?.username,
        h?.reason,
      ],
      ['TRANSFERRED', 'rpa.tecnico', 'TEC', 'FIN', 'rpa.tecnico', 'rpa.ragioneria', 'Competenza'],
    );
    assert.ok(h && new Date(h.at).getTime() === clock.now().getTime());
    // The RPA of TEC no longer manages it (FIN is outside the TEC subtree): it looks missing.
    const again = await c.request(TransferFascicoloDocument, {
      input: { fascicoloId: f.id, uorId: ids.uor['TEC'] ?? '', rpaId: ids.user['rpa.tecnico'] ?? '' },
    });
    assert.equal(errorCode(again), 'NOT_FOUND');
  });

  it('keeps the 2025 classification after version 2026 takes effect, and restarts numbers at Rome midnight', async () => {
    const f2025 = await open({ oggetto: 'Aperto nel 2025', annualRepeat: true });
    const before2026 = await open({
      classificationId: nodes['2025']['X/1'] ?? '',
      oggetto: 'Ultimo del 2025',
    });
    clock.set('2025-12-31T22:59:59Z'); // 23:59:59 in Rome
    const lastOf2025 = await open({ classificationId: nodes['2025']['X/1'] ?? '', oggetto: 'Alle 23:59:59' });
    assert.deepEqual([lastOf2025.year, lastOf2025.number], [2025, before2026.number + 1]);
    clock.set('2025-12-31T23:00:00Z'); // midnight in Rome: version 2026 in force, year 2026
    const c = await as('rpa.tecnico');
    const stale = await c.request(OpenFascicoloDocument, {
      input: openInput({ classificationId: nodes['2025']['X/1'] ?? '' }),
    });
    assert.equal(errorCode(stale), 'CLASSIFICATION_NOT_IN_FORCE');
    const first2026 = await open({ classificationId: nodes['2026']['X/1'] ?? '', oggetto: 'Primo del 2026' });
    assert.equal(first2026.identifier, '2026 - X/1.1 «Primo del 2026»');
    const kept = await c.data(FascicoloDocument, { id: f2025.id });
    assert.equal(kept.fascicolo.classification?.id, nodes['2025']['VI/3/1']);
    assert.equal(kept.fascicolo.identifier.startsWith('2025 - VI/3/1.'), true);
    // Same node across a Rome midnight within one version: 2026 → 2027 on the 2026 node.
    clock.set('2026-12-31T22:59:59Z');
    const a = await open({ classificationId: nodes['2026']['X/1'] ?? '', oggetto: 'Fine 2026' });
    clock.set('2026-12-31T23:00:00Z');
    const b = await open({ classificationId: nodes['2026']['X/1'] ?? '', oggetto: 'Inizio 2027' });
    assert.deepEqual([a.year, a.number, b.year, b.number], [2026, 2, 2027, 1]);
    clock.set('2025-06-15T10:00:00Z');
  });

  it('opens repetitive annual fascicoli for the new year on the same code in the version in force, once', async () => {
    const repeated = await open({
      oggetto: 'Contributi annuali',
      classificationId: nodes['2025']['VI/5'] ?? '',
      annualRepeat: true,
    });
    clock.set('2025-12-31T23:10:00Z'); // 00:10 on 1 January 2026 in Rome: the job's schedule
    const ctx = await systemContext(env.platform, {
      actorId: null,
      requestId: 'annual-test',
      agent: 'fascicoli.annual-repeat',
    });
    const opened = await openAnnualFascicoli(ctx);
    const copies = await sql<{
      id: string;
      year: number;
      number: number;
      classification_id: string;
      annual_repeat: boolean;
      oggetto: string;
    }>(
      env,
      'select id, year, number, classification_id, annual_repeat, oggetto from fascicolo where repeated_from_id = $1',
      [repeated.id],
    );
    assert.equal(copies.length, 1);
    assert.ok(opened.includes(copies[0]?.id ?? ''));
    assert.deepEqual(
      [
        copies[0]?.year,
        copies[0]?.number,
        copies[0]?.classification_id,
        copies[0]?.annual_repeat,
        copies[0]?.oggetto,
      ],
      [2026, 1, nodes['2026']['VI/5'], true, 'Contributi annuali'],
    );
    const again = await openAnnualFascicoli(ctx);
    assert.equal(again.length, 0, 'a second run opens nothing');
    assert.equal(
      (await sql(env, 'select 1 from fascicolo where repeated_from_id = $1', [repeated.id])).length,
      1,
    );
    const audit = await sql<{ actor_id: string | null }>(
      env,
      `select actor_id from audit_event where operation = 'fascicolo.open' and target_id = $1`,
      [copies[0]?.id ?? ''],
    );
    assert.deepEqual(
      audit.map((r) => r.actor_id),
      [null],
      'the job’s opening is audited, as the system',
    );
    clock.set('2025-06-15T10:00:00Z');
  });

  it('lists and searches fascicoli by every filter, and gives the repertorio per year and titolo', async () => {
    const c = await as('rgd');
    const tagged = await open({
      oggetto: 'Realizzazione della rotatoria in località Sàn Pietro',
      participatingAdministrations: ['Provincia di Esempio', 'p_esempio'],
      classificationId: nodes['2025']['VI/3/2'] ?? '',
      kind: 'AFFARE',
    });
    const list = async (filter: Record<string, unknown>) =>
      (await c.data(FascicoliDocument, { filter, first: 100 })).fascicoli;
    const idsOf = async (filter: Record<string, unknown>) => (await list(filter)).edges.map((e) => e.node.id);
    assert.deepEqual(await idsOf({ text: 'rotatoria SAN pietro' }), [tagged.id], 'accents and case ignored');
    assert.deepEqual(await idsOf({ text: 'realizzazioni rotatorie' }), [tagged.id], 'Italian stemming');
    assert.deepEqual(await idsOf({ text: 'rotonda' }), []);
    assert.deepEqual(await idsOf({ participatingAdministration: 'p_esempio' }), [tagged.id]);
    assert.ok(
      (await idsOf({ classificationId: nodes['2025']['VI/3'] ?? '' })).includes(tagged.id),
      'subtree',
    );
    assert.ok(
      (await idsOf({ classificationId: nodes['2026']['VI'] ?? '' })).includes(tagged.id),
      'subtree across versions by code',
    );
    assert.ok(!(await idsOf({ classificationId: nodes['2025']['III'] ?? '' })).includes(tagged.id));
    assert.ok((await idsOf({ kinds: ['AFFARE'], year: 2025 })).includes(tagged.id));
    assert.ok(!(await idsOf({ kinds: ['ATTIVITA'] })).includes(tagged.id));
    assert.ok(
      (
        await idsOf({ uorIds: [ids.uor['TEC'] ?? ''], rpaId: ids.user['rpa.tecnico'] ?? '', state: 'OPEN' })
      ).includes(tagged.id),
    );
    assert.ok(!(await idsOf({ state: 'CLOSED' })).includes(tagged.id));
    assert.ok((await idsOf({ openedFrom: '2025-06-15', openedTo: '2025-06-15' })).includes(tagged.id));
    assert.ok(!(await idsOf({ openedFrom: '2025-06-16' })).includes(tagged.id));
    assert.ok(!(await idsOf({ closedFrom: '2025-01-01' })).includes(tagged.id));
    const all = await list({});
    const withSubs = await list({ includeSottofascicoli: true });
    assert.ok(withSubs.totalCount > all.totalCount, 'sottofascicoli only when asked');
    assert.equal(all.totalCount, all.edges.length);
    // Keyset paging walks the whole list once.
    const seen: string[] = [];
    let after: string | null | undefined = null;
    do {
      const page: Awaited<ReturnType<typeof list>> = (await c.data(FascicoliDocument, { first: 3, after }))
        .fascicoli;
      seen.push(...page.edges.map((e) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    assert.deepEqual([...seen].sort(), all.edges.map((e) => e.node.id).sort());
    const rep = await c.data(RepertorioFascicoliDocument, {
      aooId: ids.aooId,
      year: 2025,
      titoloId: nodes['2025']['VI'] ?? '',
      first: 100,
    });
    const codes = rep.repertorioFascicoli.edges.map((e) => `${e.node.classificationCode}.${e.node.number}`);
    assert.ok(codes.length > 3);
    assert.ok(codes.every((x) => x.startsWith('VI/')));
    const sorted = [...rep.repertorioFascicoli.edges].sort(
      (x, y) =>
        x.node.classificationCode.localeCompare(y.node.classificationCode) || x.node.number - y.node.number,
    );
    assert.deepEqual(rep.repertorioFascicoli.edges, sorted, 'titolario order, then number');
  });

  it('gives the AgID minimum metadata of the aggregation, documents paginated', async () => {
    const f = await open({ oggetto: 'Metadati', participatingAdministrations: ['Regione Esempio'] });
    const c = await as('rpa.tecnico');
    const docs = [];
    for (let i = 0; i < 3; i++) {
      const d = await newDocument(env, 'rpa.tecnico', ids.uor['TEC'] ?? '', `Atto ${i}`);
      await c.data(FileDocumentDocument, { input: { fascicoloId: f.id, documentId: d } });
      docs.push(d);
    }
    // A sottofascicolo's document is fetched ahead with the page, but not shown: not audited as seen.
    const sub = (await c.data(OpenSottofascicoloDocument, { input: { parentId: f.id, oggetto: 'Allegati' } }))
      .openSottofascicolo;
    const below = await newDocument(env, 'rpa.tecnico', ids.uor['TEC'] ?? '', 'Allegato tecnico');
    await c.data(FileDocumentDocument, { input: { fascicoloId: sub.id, documentId: below } });
    const m = (await c.data(FascicoloMetadataDocument, { id: f.id, first: 2 })).fascicolo.agidMetadata;
    const [viewed] = await sql<{ changes: { ids: string[] } }>(
      env,
      `select changes from audit_event where operation = 'fascicolo.documents' and actor_username = 'rpa.tecnico'
        order by id desc limit 1`,
    );
    assert.deepEqual(
      [...(viewed?.changes.ids ?? [])].sort(),
      m.documents.edges.map((e) => e.node.id).sort(),
      'exactly the documents served are audited as seen',
    );
    assert.equal(m.persistentId, `urn:uuid:${f.id}`);
    assert.equal(m.identifier, f.identifier);
    assert.deepEqual(
      [
        m.aooCode,
        m.uorCode,
        m.rpaName,
        m.participatingAdministrations,
        m.oggetto,
        m.openingDate,
        m.closingDate,
      ],
      ['ADEMO01', 'TEC', 'Tommaso Tecnico', ['Regione Esempio'], 'Metadati', '2025-06-15', null],
    );
    assert.equal(m.documents.totalCount, 3);
    const rest = (
      await c.data(FascicoloMetadataDocument, { id: f.id, first: 2, after: m.documents.pageInfo.endCursor })
    ).fascicolo.agidMetadata.documents;
    assert.deepEqual([...m.documents.edges, ...rest.edges].map((e) => e.node.id).sort(), [...docs].sort());
  });
});
