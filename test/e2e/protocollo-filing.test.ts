import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ClassifyDocumentDocument,
  CloseFascicoloDocument,
  DocumentClassificationDocument,
  DocumentsNonProtocollatiDocument,
  FascicoloDocumentIdsDocument,
  FileDocumentDocument,
  OpenFascicoloDocument,
  ProtocolFilingHistoryDocument,
  ProtocolRecordFilingDocument,
  RegisterProtocolDocument,
  UnfileDocumentDocument,
  UpdateProtocolFieldsDocument,
  type RegisterProtocolInput,
} from '../../clients/sdk/generated/graphql.js';
import { ProtocolFieldsChanged } from '../../schema/protocollo/index.js';
import type { DomainEvent } from '../../server/events/domain-event.js';
import { defineModule } from '../../server/modules/module.js';
import { classificationAgrees } from '../../schema/fascicoli/index.js';
import { Aoo } from '../../schema/organisation/index.js';
import { TitolarioVersion } from '../../schema/titolario/index.js';
import { createDraft } from '../../schema/titolario/titolario-editor.js';
import { inUnit, newDocument, titolarioInForce } from '../harness/fascicoli-fixtures.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Filing and classification through the protocol register (DOMAIN §2, §3, §5): a registration
 * files its document in a fascicolo in the same transaction, the classification agreeing with
 * the fascicolo's node; refusals consume no number; the fascicolo is a managed field whose
 * change moves the filing and is historised; documents non protocollati are classified with a
 * history of their own, a registered one only on its record.
 */
describe('protocollo filing and classification', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let nodes: Record<string, string>;
  let otherNodes: Record<string, string>;
  let other: { aooId: string; uorId: string };
  let protocollista: GraphqlClient;
  let tecnico: GraphqlClient;
  let otherProt: GraphqlClient;

  const tree: ReadonlyArray<[string, string]> = [
    ['VI', 'Pianificazione e gestione del territorio'],
    ['VI/3', 'Edilizia privata'],
    ['VI/3/1', 'Permessi di costruire'],
    ['VI/3/2', 'SCIA'],
    ['X', 'Oggetti diversi'],
    ['X/1', 'Varie'],
  ];

  /** ProtocolFieldsChanged events as published (after commit): record id and fields. */
  const changed: Array<{ recordId: string; fields: string[] }> = [];
  const probe = defineModule({
    name: 'probe',
    eventHandlers: [
      {
        event: ProtocolFieldsChanged,
        handle: (_ctx, e: DomainEvent<object>) => {
          changed.push(e.data as { recordId: string; fields: string[] });
          return Promise.resolve();
        },
      },
    ],
  });

  before(async () => {
    env = await startTestEnv({ modules: [probe] });
    ids = await demoIds(env);
    nodes = await titolarioInForce(env, ids.aooId, tree);
    const admin = await env.asUser('admin');
    other = await createSecondAoo(admin);
    await createMember(admin, other.aooId, other.uorId, 'altrove.protocollo', 'PROTOCOLLISTA');
    otherNodes = await titolarioInForce(env, other.aooId, tree);
    protocollista = await env.asUser('protocollista');
    tecnico = await env.asUser('rpa.tecnico');
    otherProt = await env.asUser('altrove.protocollo');
  });
  after(async () => {
    await env?.close();
  });

  const node = (code: string): string => nodes[code] ?? '';

  async function openFascicolo(
    code = 'VI/3/1',
    oggetto = 'Permesso di costruire - via Roma 1',
  ): Promise<string> {
    const r = await tecnico.data(OpenFascicoloDocument, {
      input: {
        classificationId: node(code),
        kind: 'PROCEDIMENTO_AMMINISTRATIVO',
        oggetto,
        uorId: ids.uor['TEC'] ?? '',
        rpaId: ids.user['rpa.tecnico'] ?? '',
      },
    });
    return r.openFascicolo.id;
  }

  const draft = (oggetto = 'Istanza di permesso di costruire'): Promise<string> =>
    newDocument(env, 'protocollista', ids.uor['PROT'] ?? '', oggetto);

  const input = (documentId: string, extra: Partial<RegisterProtocolInput> = {}): RegisterProtocolInput => ({
    kind: 'ARRIVO',
    documentId,
    oggetto: 'Istanza di permesso di costruire',
    correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Mario', cognome: 'Rossi' }],
    ...extra,
  });

  const lastNumber = async (aooId: string): Promise<number> => {
    const rows = await sql<{ n: number | null }>(
      env,
      `select max(number) as n from protocol_record where aoo_id = $1`,
      [aooId],
    );
    return rows[0]?.n ?? 0;
  };

  const filingsOf = async (documentId: string) =>
    (await protocollista.data(DocumentClassificationDocument, { id: documentId })).document.fascicoli.map(
      (f) => [f.fascicolo.id, f.primary],
    );

  // Read by the protocollista: the RPA of TEC owns the fascicoli but does not see PROT's documents.
  const documentsIn = async (fascicoloId: string): Promise<string[]> =>
    (
      await protocollista.data(FascicoloDocumentIdsDocument, { id: fascicoloId })
    ).fascicolo.documents.edges.map((e) => e.node.id);

  it('registration with fascicoloId files the document as its primary; the record takes the node; version 1 carries both', async () => {
    const f = await openFascicolo();
    const doc = await draft();
    const r = (await protocollista.data(RegisterProtocolDocument, { input: input(doc, { fascicoloId: f }) }))
      .registerProtocol;
    const read = (await protocollista.data(ProtocolRecordFilingDocument, { id: r.id })).protocolRecord;
    assert.equal(read.fascicoloId, f);
    assert.equal(read.fascicolo?.id, f);
    assert.equal(read.classification?.fullCode, 'VI/3/1', 'the fascicolo alone gives its node');
    assert.equal(read.document.classification?.fullCode, 'VI/3/1', "Document.classification is the record's");
    assert.deepEqual(
      read.document.fascicoli.map((x) => [x.fascicolo.id, x.primary]),
      [[f, true]],
    );
    assert.ok((await documentsIn(f)).includes(doc), 'the fascicolo lists the document');
    const history = (await protocollista.data(ProtocolFilingHistoryDocument, { id: r.id })).protocolHistory;
    assert.equal(history.length, 1);
    assert.equal(history[0]?.fascicoloId, f);
    assert.equal(history[0]?.classificationId, node('VI/3/1'));
    assert.deepEqual(
      history[0]?.changes.find((c) => c.field === 'fascicoloId'),
      { field: 'fascicoloId', previous: null, value: f },
    );
    // Filing audited in the registration's transaction, with the registration.
    const audit = await sql<{ operation: string }>(
      env,
      `select operation from audit_event where (target_id = $1 and operation = 'protocol.register')
          or (target_id = $2 and operation = 'fascicolo.file-document' and changes->>'documentId' = $3)`,
      [r.id, f, doc],
    );
    assert.deepEqual(audit.map((a) => a.operation).sort(), ['fascicolo.file-document', 'protocol.register']);

    // Both given and agreeing: accepted as given.
    const both = await draft();
    const r2 = (
      await protocollista.data(RegisterProtocolDocument, {
        input: input(both, { fascicoloId: f, classificationId: node('VI/3/1') }),
      })
    ).registerProtocol;
    assert.equal(r2.classification?.fullCode, 'VI/3/1');
    assert.ok((await documentsIn(f)).includes(both));
  });

  it('refusals consume no number: mismatch, closed, another AOO, missing, filed elsewhere, and a failure after the number', async () => {
    const f = await openFascicolo();
    const closed = await openFascicolo('VI/3/1', 'Pratica chiusa');
    await tecnico.data(CloseFascicoloDocument, { id: closed });
    const foreign = (
      await otherProt.data(OpenFascicoloDocument, {
        input: {
          classificationId: otherNodes['VI/3/1'] ?? '',
          kind: 'AFFARE',
          oggetto: 'Affare di Altrove',
          uorId: other.uorId,
          rpaId:
            (
              await sql<{ id: string }>(env, `select id from app_user where username = 'altrove.protocollo'`)
            )[0]?.id ?? '',
        },
      })
    ).openFascicolo.id;
    const doc = await draft();
    const before = await lastNumber(ids.aooId);
    const refused = async (
      extra: Partial<RegisterProtocolInput>,
      code: string,
      client = protocollista,
      d = doc,
    ) => {
      const r = await client.request(RegisterProtocolDocument, { input: input(d, extra) });
      assert.equal(errorCode(r), code, JSON.stringify(extra));
    };
    await refused({ fascicoloId: f, classificationId: node('X/1') }, 'CLASSIFICATION_FASCICOLO_MISMATCH');
    await refused({ fascicoloId: closed }, 'FASCICOLO_CLOSED');
    await refused({ fascicoloId: foreign }, 'NOT_FOUND');
    await refused({ fascicoloId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND');
    // The other AOO's protocollista sees its own fascicolo only: ours looks missing to it.
    const theirs = await newDocument(env, 'altrove.protocollo', other.uorId, 'Istanza');
    const otherBefore = await lastNumber(other.aooId);
    await refused({ fascicoloId: f }, 'NOT_FOUND', otherProt, theirs);
    assert.equal(await lastNumber(other.aooId), otherBefore);

    // A draft filed as primary elsewhere: another fascicolo is refused; none given keeps that one.
    const elsewhere = await draft();
    const g = await openFascicolo('VI/3/1', 'Altra pratica');
    await protocollista.data(FileDocumentDocument, { input: { fascicoloId: g, documentId: elsewhere } });
    await refused({ fascicoloId: f }, 'DOCUMENT_PRIMARY_FASCICOLO_EXISTS', protocollista, elsewhere);

    // Filed there as linked already: refused by the fascicoli module after the number was
    // taken, so the whole transaction rolls back and gives the number back.
    const linked = await draft();
    await protocollista.data(FileDocumentDocument, {
      input: { fascicoloId: f, documentId: linked, primary: false },
    });
    await refused({ fascicoloId: f }, 'DOCUMENT_ALREADY_FILED', protocollista, linked);

    assert.equal(await lastNumber(ids.aooId), before, 'no refusal consumed a number');
    assert.equal(
      (
        await sql(env, 'select 1 from protocol_record where document_id = any($1::uuid[])', [
          [doc, linked, elsewhere],
        ])
      ).length,
      0,
    );
    assert.deepEqual(await filingsOf(doc), [], 'nothing was filed');
    assert.deepEqual(await filingsOf(linked), [[f, false]]);

    const next = (
      await protocollista.data(RegisterProtocolDocument, { input: input(doc, { fascicoloId: f }) })
    ).registerProtocol;
    assert.equal(next.number, before + 1, 'the next registration gets the next number');
    const kept = (await protocollista.data(RegisterProtocolDocument, { input: input(elsewhere) }))
      .registerProtocol;
    assert.equal(kept.number, before + 2);
    const keptRead = (await protocollista.data(ProtocolRecordFilingDocument, { id: kept.id })).protocolRecord;
    assert.equal(keptRead.fascicoloId, g, 'a draft filed as primary keeps its fascicolo on the record');
    assert.equal(keptRead.classification?.fullCode, 'VI/3/1');
    // The database keeps a record's fascicolo in its AOO too.
    await assert.rejects(
      sql(env, 'update protocol_record set fascicolo_id = $2 where id = $1', [next.id, foreign]),
      /not of its AOO/,
    );
  });

  it('updateProtocolFields moves the filing, historised with old and new values; mismatches refused; null unfiles', async () => {
    const f = await openFascicolo();
    const scia = await openFascicolo('VI/3/2', 'SCIA - via Verdi 2');
    const doc = await draft();
    const r = (await protocollista.data(RegisterProtocolDocument, { input: input(doc, { fascicoloId: f }) }))
      .registerProtocol;
    const moved = await protocollista.data(UpdateProtocolFieldsDocument, {
      input: { id: r.id, fascicoloId: scia },
    });
    assert.equal(moved.updateProtocolFields.version, 2);
    const read = (await protocollista.data(ProtocolRecordFilingDocument, { id: r.id })).protocolRecord;
    assert.equal(read.fascicoloId, scia);
    assert.equal(
      read.classification?.fullCode,
      'VI/3/2',
      "the record's node did not agree: it takes the fascicolo's",
    );
    assert.deepEqual(
      read.document.fascicoli.map((x) => [x.fascicolo.id, x.primary]),
      [[scia, true]],
    );
    assert.ok(!(await documentsIn(f)).includes(doc), 'unfiled from the old fascicolo');
    assert.ok((await documentsIn(scia)).includes(doc));
    const history = (await protocollista.data(ProtocolFilingHistoryDocument, { id: r.id })).protocolHistory;
    const v2 = history.find((v) => v.version === 2);
    assert.equal(v2?.changedBy?.username, 'protocollista');
    assert.deepEqual(Object.fromEntries((v2?.changes ?? []).map((c) => [c.field, [c.previous, c.value]])), {
      fascicoloId: [f, scia],
      classificationId: [node('VI/3/1'), node('VI/3/2')],
    });
    const audit = await sql<{ changes: Record<string, unknown> }>(
      env,
      `select changes from audit_event where operation = 'protocol.updateFields' and target_id = $1`,
      [r.id],
    );
    assert.deepEqual(audit[0]?.changes['fascicoloId'], [f, scia]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(
      changed.filter((e) => e.recordId === r.id).map((e) => [...e.fields].sort()),
      [['classificationId', 'fascicoloId']],
      'ProtocolFieldsChanged names the fascicolo and the classification',
    );

    // A classification that disagrees with the fascicolo the record stays in; a fascicolo with one.
    const mismatch = await protocollista.request(UpdateProtocolFieldsDocument, {
      input: { id: r.id, classificationId: node('X/1') },
    });
    assert.equal(errorCode(mismatch), 'CLASSIFICATION_FASCICOLO_MISMATCH');
    const both = await protocollista.request(UpdateProtocolFieldsDocument, {
      input: { id: r.id, fascicoloId: f, classificationId: node('VI/3/2') },
    });
    assert.equal(errorCode(both), 'CLASSIFICATION_FASCICOLO_MISMATCH');
    const closed = await openFascicolo('VI/3/1', 'Pratica chiusa');
    await tecnico.data(CloseFascicoloDocument, { id: closed });
    assert.equal(
      errorCode(
        await protocollista.request(UpdateProtocolFieldsDocument, {
          input: { id: r.id, fascicoloId: closed },
        }),
      ),
      'FASCICOLO_CLOSED',
    );
    assert.deepEqual(await filingsOf(doc), [[scia, true]], 'refusals left the filing alone');

    const unfiled = await protocollista.data(UpdateProtocolFieldsDocument, {
      input: { id: r.id, fascicoloId: null },
    });
    assert.equal(unfiled.updateProtocolFields.version, 3);
    assert.deepEqual(await filingsOf(doc), []);
    const v3 = (await protocollista.data(ProtocolFilingHistoryDocument, { id: r.id })).protocolHistory.find(
      (v) => v.version === 3,
    );
    assert.equal(v3?.fascicoloId, null);
    assert.deepEqual(
      v3?.changes.map((c) => [c.field, c.previous, c.value]),
      [['fascicoloId', scia, null]],
    );
  });

  it("a registered document's primary fascicolo is the record's: fileDocument as primary and unfileDocument of it are refused, links stay free", async () => {
    const a = await openFascicolo('VI/3/1', 'Pratica A');
    const b = await openFascicolo('VI/3/1', 'Pratica B');
    const c = await openFascicolo('VI/3/2', 'Pratica C');
    const doc = await draft();
    const r = (await protocollista.data(RegisterProtocolDocument, { input: input(doc, { fascicoloId: a }) }))
      .registerProtocol;
    const filingRows = async (documentId: string): Promise<number> =>
      (await sql(env, 'select 1 from fascicolo_filing where document_id = $1', [documentId])).length;
    const rowsBefore = await filingRows(doc);
    const guarded = async (code: string, run: () => Promise<GraphqlResponse<unknown>>) =>
      assert.equal(errorCode(await run()), code);

    await guarded('DOCUMENT_PRIMARY_FILING_BY_PROTOCOL', () =>
      protocollista.request(FileDocumentDocument, {
        input: { fascicoloId: b, documentId: doc, primary: true },
      }),
    );
    await guarded('DOCUMENT_PRIMARY_FILING_BY_PROTOCOL', () =>
      protocollista.request(UnfileDocumentDocument, { fascicoloId: a, documentId: doc }),
    );
    // Nothing changed: the record, the filings, the history.
    const read = (await protocollista.data(ProtocolRecordFilingDocument, { id: r.id })).protocolRecord;
    assert.deepEqual([read.fascicoloId, read.version], [a, 1]);
    assert.deepEqual(await filingsOf(doc), [[a, true]]);
    assert.equal(await filingRows(doc), rowsBefore, 'no filing row was written');
    assert.equal(
      (await protocollista.data(ProtocolFilingHistoryDocument, { id: r.id })).protocolHistory.length,
      1,
    );

    // A linked filing is free: filed (explicitly and by default beside the primary) and unfiled.
    const link = await protocollista.data(FileDocumentDocument, {
      input: { fascicoloId: b, documentId: doc, primary: false },
    });
    assert.equal(link.fileDocument.primary, false);
    await protocollista.data(UnfileDocumentDocument, { fascicoloId: b, documentId: doc });
    const byDefault = await protocollista.data(FileDocumentDocument, {
      input: { fascicoloId: b, documentId: doc },
    });
    assert.equal(byDefault.fileDocument.primary, false, 'beside a primary, a filing is linked');
    assert.deepEqual(await filingsOf(doc), [
      [a, true],
      [b, false],
    ]);

    // updateProtocolFields still moves the primary (the link stays), with its history.
    const moved = await protocollista.data(UpdateProtocolFieldsDocument, {
      input: { id: r.id, fascicoloId: c },
    });
    assert.equal(moved.updateProtocolFields.version, 2);
    assert.equal(
      (await protocollista.data(ProtocolRecordFilingDocument, { id: r.id })).protocolRecord.fascicoloId,
      c,
    );
    assert.deepEqual(
      (await filingsOf(doc)).sort(),
      [
        [b, false],
        [c, true],
      ].sort(),
    );
    const v2 = (await protocollista.data(ProtocolFilingHistoryDocument, { id: r.id })).protocolHistory.find(
      (v) => v.version === 2,
    );
    assert.deepEqual(
      v2?.changes.find((x) => x.field === 'fascicoloId'),
      { field: 'fascicoloId', previous: a, value: c },
    );
    // ...and unfiles it; then the primary stays the record's even with none.
    await protocollista.data(UpdateProtocolFieldsDocument, { input: { id: r.id, fascicoloId: null } });
    assert.deepEqual(await filingsOf(doc), [[b, false]]);
    await guarded('DOCUMENT_PRIMARY_FILING_BY_PROTOCOL', () =>
      protocollista.request(FileDocumentDocument, { input: { fascicoloId: a, documentId: doc } }),
    );
    await guarded('DOCUMENT_PRIMARY_FILING_BY_PROTOCOL', () =>
      protocollista.request(FileDocumentDocument, {
        input: { fascicoloId: a, documentId: doc, primary: true },
      }),
    );
    assert.deepEqual(await filingsOf(doc), [[b, false]]);

    // Registered in a repertorio only (registered_at, kind REPERTORIATO): its primary filing is free.
    const inRepertorio = await draft('Determina');
    await sql(env, `update document set kind = 'REPERTORIATO', registered_at = now() where id = $1`, [
      inRepertorio,
    ]);
    await protocollista.data(FileDocumentDocument, {
      input: { fascicoloId: a, documentId: inRepertorio, primary: true },
    });
    await protocollista.data(UnfileDocumentDocument, { fascicoloId: a, documentId: inRepertorio });
    assert.deepEqual(await filingsOf(inRepertorio), []);
  });

  it("the database keeps a record's fascicolo its document's primary filing, checked at commit", async () => {
    const a = await openFascicolo('VI/3/1', 'Pratica A (database)');
    const b = await openFascicolo('VI/3/1', 'Pratica B (database)');
    const doc = await draft();
    const r = (await protocollista.data(RegisterProtocolDocument, { input: input(doc, { fascicoloId: a }) }))
      .registerProtocol;
    const bare = (await protocollista.data(RegisterProtocolDocument, { input: input(await draft()) }))
      .registerProtocol;
    const bareDoc =
      (
        await sql<{ document_id: string }>(env, 'select document_id from protocol_record where id = $1', [
          bare.id,
        ])
      )[0]?.document_id ?? '';
    const filing = (fascicolo: string, document: string, action: string, primary: boolean) =>
      `insert into fascicolo_filing (fascicolo_id, document_id, action, is_primary, at)
         values ('${fascicolo}', '${document}', '${action}', ${primary}, now())`;
    const refused = /is filed as primary in/;
    // Unfiling the primary, moving the record alone, or the record to none: refused at commit.
    await assert.rejects(sql(env, filing(a, doc, 'UNFILE', false)), refused);
    await assert.rejects(
      sql(env, 'update protocol_record set fascicolo_id = $2 where id = $1', [r.id, b]),
      refused,
    );
    await assert.rejects(
      sql(env, 'update protocol_record set fascicolo_id = null where id = $1', [r.id]),
      refused,
    );
    // A record without a fascicolo: its document takes no primary behind the record's back.
    await assert.rejects(sql(env, filing(a, bareDoc, 'FILE', true)), refused);
    // Linked filings are not the record's business.
    await sql(env, filing(b, doc, 'FILE', false));
    await sql(env, filing(a, bareDoc, 'FILE', false));
    await sql(env, filing(a, bareDoc, 'UNFILE', false));
    // A move made in steps within one transaction commits: only the end state is checked.
    await sql(
      env,
      `do $$ begin
         ${filing(b, doc, 'UNFILE', false)};
         ${filing(a, doc, 'UNFILE', false)};
         ${filing(b, doc, 'FILE', true)};
         update protocol_record set fascicolo_id = '${b}' where id = '${r.id}';
       end $$`,
    );
    assert.deepEqual(await filingsOf(doc), [[b, true]]);
    assert.equal(
      (await protocollista.data(ProtocolRecordFilingDocument, { id: r.id })).protocolRecord.fascicoloId,
      b,
    );
  });

  it('classifyDocument: a document non protocollato gets versions; leaf only; a registered one is refused', async () => {
    const doc = await draft('Nota interna non protocollata');
    const first = await protocollista.data(ClassifyDocumentDocument, {
      input: { documentId: doc, classificationId: node('VI/3/1') },
    });
    assert.equal(first.classifyDocument.classification?.fullCode, 'VI/3/1');
    await protocollista.data(ClassifyDocumentDocument, {
      input: { documentId: doc, classificationId: node('X/1') },
    });
    // The same node again makes no version.
    await protocollista.data(ClassifyDocumentDocument, {
      input: { documentId: doc, classificationId: node('X/1') },
    });
    const read = (await protocollista.data(DocumentClassificationDocument, { id: doc })).document;
    assert.equal(read.kind, 'NON_PROTOCOLLATO');
    assert.equal(read.classification?.fullCode, 'X/1');
    assert.deepEqual(
      read.classificationHistory.map((v) => [
        v.version,
        v.previousClassification?.fullCode ?? null,
        v.classification?.fullCode,
        v.classifiedBy?.username,
      ]),
      [
        [1, null, 'VI/3/1', 'protocollista'],
        [2, 'VI/3/1', 'X/1', 'protocollista'],
      ],
    );
    const audited = await sql<{ changes: Record<string, unknown> }>(
      env,
      `select changes from audit_event where operation = 'document.classify' and target_id = $1 order by id`,
      [doc],
    );
    assert.deepEqual(
      audited.map((a) => a.changes['classificationId']),
      [
        [null, node('VI/3/1')],
        [node('VI/3/1'), node('X/1')],
      ],
    );

    const notLeaf = await protocollista.request(ClassifyDocumentDocument, {
      input: { documentId: doc, classificationId: node('VI/3') },
    });
    assert.equal(errorCode(notLeaf), 'DOCUMENT_CLASSIFICATION_NOT_LEAF');
    const foreignNode = await protocollista.request(ClassifyDocumentDocument, {
      input: { documentId: doc, classificationId: otherNodes['X/1'] ?? '' },
    });
    assert.equal(errorCode(foreignNode), 'CLASSIFICATION_NOT_FOUND');
    // Filed in a fascicolo: the classification must agree with it.
    const f = await openFascicolo();
    const filed = await draft('Nota da fascicolare');
    await protocollista.data(FileDocumentDocument, { input: { fascicoloId: f, documentId: filed } });
    const disagree = await protocollista.request(ClassifyDocumentDocument, {
      input: { documentId: filed, classificationId: node('X/1') },
    });
    assert.equal(errorCode(disagree), 'CLASSIFICATION_FASCICOLO_MISMATCH');

    // Classified before registration, registered with no classification: the record keeps it.
    const classified = await draft('Nota classificata prima della registrazione');
    await protocollista.data(ClassifyDocumentDocument, {
      input: { documentId: classified, classificationId: node('X/1') },
    });
    const kept = (await protocollista.data(RegisterProtocolDocument, { input: input(classified) }))
      .registerProtocol;
    assert.equal(kept.classification?.fullCode, 'X/1');

    // Listed by classification (a subtree), classified or not, while not registered.
    const unclassified = await draft('Nota da classificare');
    const listPage = async (
      filter: { classificationId?: string; classified?: boolean },
      after: string | null,
    ) =>
      (
        await protocollista.data(DocumentsNonProtocollatiDocument, {
          aooId: ids.aooId,
          filter,
          first: 2,
          after,
        })
      ).documentsNonProtocollati;
    const listed = async (filter: { classificationId?: string; classified?: boolean }) => {
      const found: string[] = [];
      let after: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof listPage>> = await listPage(filter, after);
        found.push(...page.edges.map((e) => e.node.id));
        after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null;
      } while (after !== null);
      return found;
    };
    assert.ok((await listed({ classificationId: node('X') })).includes(doc), 'under X (X/1)');
    assert.ok(!(await listed({ classificationId: node('VI') })).includes(doc), 'no longer under VI');
    assert.ok((await listed({ classified: false })).includes(unclassified));
    assert.ok(!(await listed({ classified: true })).includes(unclassified));
    assert.ok((await listed({ classified: true })).includes(doc));
    const lettore = await env.asUser('lettore');
    const hidden = await lettore.data(DocumentsNonProtocollatiDocument, { aooId: ids.aooId, first: 100 });
    assert.ok(
      !hidden.documentsNonProtocollati.edges.some((e) => e.node.id === doc),
      'READ_ONLY of RAG does not see PROT documents',
    );

    // Registered: the record's classification answers, and classifyDocument points to the record.
    const r = (
      await protocollista.data(RegisterProtocolDocument, {
        input: input(doc, { classificationId: node('VI/3/2') }),
      })
    ).registerProtocol;
    assert.equal(r.classification?.fullCode, 'VI/3/2');
    const after = (await protocollista.data(DocumentClassificationDocument, { id: doc })).document;
    assert.equal(after.classification?.fullCode, 'VI/3/2', "a registered document answers its record's");
    assert.equal(after.classificationHistory.length, 2, 'its history as a document non protocollato stays');
    assert.ok(!(await listed({ classified: true })).includes(doc), 'registered: not listed any more');
    const refused = await protocollista.request(ClassifyDocumentDocument, {
      input: { documentId: doc, classificationId: node('X/1') },
    });
    assert.equal(errorCode(refused), 'DOCUMENT_CLASSIFIED_IN_PROTOCOL');
    // The database refuses it too, and never lets a version change.
    await assert.rejects(
      sql(
        env,
        `insert into document_classification (document_id, version, classification_id, previous_classification_id, at)
         values ($1, 3, $2, $3, now())`,
        [doc, node('VI/3/1'), node('X/1')],
      ),
      /registered in the protocol/,
    );
    await assert.rejects(
      sql(env, 'update document_classification set classification_id = $2 where document_id = $1', [
        doc,
        node('VI/3/2'),
      ]),
      /append-only/,
    );
  });

  it('classifyDocument is permission-gated: READ_ONLY is refused, an RPA outside the office sees nothing', async () => {
    const doc = await draft('Istanza da classificare');
    const lettore = await env.asUser('lettore');
    const r1 = await lettore.request(ClassifyDocumentDocument, {
      input: { documentId: doc, classificationId: node('X/1') },
    });
    assert.equal(errorCode(r1), 'FORBIDDEN');
    const ragioneria = await env.asUser('rpa.ragioneria');
    const r2 = await ragioneria.request(ClassifyDocumentDocument, {
      input: { documentId: doc, classificationId: node('X/1') },
    });
    assert.equal(errorCode(r2), 'NOT_FOUND');
    const rows = await sql(env, 'select 1 from document_classification where document_id = $1', [doc]);
    assert.equal(rows.length, 0, 'nothing persisted');
  });

  it('a classification agrees with a fascicolo node of the same code in another titolario version, never across AOOs', async () => {
    // A revision (next year's draft, a copy): a fascicolo opened before it keeps the old node.
    const [current] = await sql<{ version_id: string }>(
      env,
      'select version_id from titolario_node where id = $1',
      [node('VI/3/1')],
    );
    const year = new Date().getUTCFullYear();
    const revised = await inUnit(env, async (tx) => {
      const aoo = await tx.em.findOneOrFail(Aoo, { id: ids.aooId });
      const copyOf = await tx.em.findOneOrFail(TitolarioVersion, { id: current?.version_id ?? '' });
      const v = await createDraft(tx, aoo, { label: 'Revisione', validFrom: `${year + 2}-01-01`, copyOf });
      const rows = await tx.em.execute<Array<{ id: string; full_code: string }>>(
        'select id, full_code from titolario_node where version_id = ?',
        [v.id],
      );
      return Object.fromEntries(rows.map((r) => [r.full_code, r.id]));
    });
    const agrees = (a: string, b: string) => inUnit(env, (tx) => classificationAgrees(tx, a, b));
    assert.equal(await agrees(revised['VI/3/1'] ?? '', node('VI/3/1')), true, 'same code, another version');
    assert.equal(await agrees(revised['VI/3/2'] ?? '', node('VI/3/1')), false, 'another code');
    assert.equal(await agrees(otherNodes['VI/3/1'] ?? '', node('VI/3/1')), false, 'same code, another AOO');
  });
});
