import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateDocumentDocument,
  DocumentsDocument,
  DocumentWithHistoryDocument,
  FileDocument,
  ReplaceDocumentFileDocument,
  type CreateDocumentInput,
  type ReplaceDocumentFileInput,
} from '../../clients/sdk/generated/graphql.js';
import {
  count,
  createDocument,
  demoIds,
  errorCode,
  gql,
  sql,
  uniqueBytes,
  upload,
  type CreatedDocument,
  type DemoIds,
  type UploadedFile,
} from '../harness/files-helpers.js';
import { withFailingStatement } from '../harness/faults.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Documents over GraphQL: a primary file plus ordered attachments, validation without side
 * effects, versioned replacement of a draft's files, immutability once registered, and row
 * visibility through root queries, lists, counts and nested paths.
 */
describe('documents', () => {
  let env: TestEnv;
  let ids: DemoIds;
  const rowCounts = async (): Promise<[number, number]> => [
    await count(env, 'select 1 from document'),
    await count(env, 'select 1 from document_file'),
  ];
  const view = async (user: string, id: string) => {
    const r = await gql(env, user, DocumentWithHistoryDocument, { id });
    assert.equal(r.errors, undefined);
    assert.ok(r.data);
    return r.data.document;
  };
  const replace = (user: string, input: ReplaceDocumentFileInput) =>
    gql(env, user, ReplaceDocumentFileDocument, { input });

  before(async () => {
    env = await startTestEnv({ blobDriver: 'fs' });
    ids = await demoIds(env);
  });
  after(async () => {
    await env.close();
  });

  describe('a draft with a primary file and attachments', () => {
    interface Draft {
      doc: CreatedDocument;
      primary: UploadedFile;
      first: UploadedFile;
      second: UploadedFile;
    }
    /** A draft of RAG by rpa.ragioneria: a primary file and two described attachments. */
    const draft = async (oggetto = 'Delibera di variazione di bilancio'): Promise<Draft> => {
      const primary = await upload(env, 'rpa.ragioneria', uniqueBytes('primary'), 'delibera.pdf');
      const first = await upload(env, 'rpa.ragioneria', uniqueBytes('allegato 1'), 'allegato-1.pdf');
      const second = await upload(env, 'rpa.ragioneria', uniqueBytes('allegato 2'), 'allegato-2.pdf');
      const doc = await createDocument(env, 'rpa.ragioneria', {
        uorId: ids.uor['RAG'] ?? '',
        oggetto,
        primaryFileId: primary.id,
        attachments: [
          { fileId: first.id, description: 'Prospetto delle variazioni' },
          { fileId: second.id, description: 'Parere del revisore' },
        ],
      });
      return { doc, primary, first, second };
    };

    it('createDocument stores the primary file and the attachments in order, with descriptions', async () => {
      const { doc, primary, first, second } = await draft('  Delibera di variazione di bilancio  ');
      const d = await view('rpa.ragioneria', doc.id);
      assert.equal(d.oggetto, 'Delibera di variazione di bilancio');
      assert.equal(d.kind, 'NON_PROTOCOLLATO');
      assert.equal(d.registeredAt, null);
      assert.deepEqual(d.primary, {
        position: 0,
        version: 1,
        file: { id: primary.id, sha256: primary.sha256 },
      });
      assert.deepEqual(d.attachments, [
        { position: 1, version: 1, description: 'Prospetto delle variazioni', file: { id: first.id } },
        { position: 2, version: 1, description: 'Parere del revisore', file: { id: second.id } },
      ]);
      const audit = await sql(
        env,
        `select operation, actor_id from audit_event where target_id = $1 order by id`,
        [doc.id],
      );
      // The creation, then the viewing just above (every document read is audited).
      assert.deepEqual(audit, [
        { operation: 'document.create', actor_id: ids.user['rpa.ragioneria'] },
        { operation: 'document.read', actor_id: ids.user['rpa.ragioneria'] },
      ]);
    });

    it('creates drafts only: a client cannot make a document look registered', async () => {
      const primary = await upload(env, 'rpa.ragioneria', uniqueBytes('primary'), 'delibera.pdf');
      const counts = await rowCounts();
      for (const kind of ['PROTOCOLLATO', 'REPERTORIATO']) {
        // Raw on purpose: `kind` is no input field, so no typed operation can even send it.
        const r = await gql(
          env,
          'rpa.ragioneria',
          `mutation($u: ID!, $f: ID!) { createDocument(input: { uorId: $u, primaryFileId: $f, oggetto: "x", kind: ${kind} }) { id } }`,
          { u: ids.uor['RAG'], f: primary.id },
        );
        assert.equal(errorCode(r), 'GRAPHQL_VALIDATION_FAILED', kind);
      }
      assert.deepEqual(await rowCounts(), counts);
    });

    it('refuses invalid input, unknown or hidden files and foreign UORs without writing anything', async () => {
      const primary = await upload(env, 'rpa.ragioneria', uniqueBytes('primary'), 'delibera.pdf');
      const counts = await rowCounts();
      const mine = await upload(env, 'rpa.tecnico', uniqueBytes('tecnico'));
      const hidden = await upload(env, 'protocollista', uniqueBytes('not attached anywhere'));
      const base: CreateDocumentInput = {
        uorId: ids.uor['RAG'] ?? '',
        oggetto: 'Oggetto',
        primaryFileId: primary.id,
        attachments: [],
      };
      const attempt = async (user: string, input: Partial<CreateDocumentInput>) => {
        const r = await gql(env, user, CreateDocumentDocument, { input: { ...base, ...input } });
        assert.equal(r.data, null);
        return {
          code: errorCode(r),
          field: r.errors?.[0]?.extensions?.['field'],
          message: r.errors?.[0]?.message ?? '',
        };
      };
      assert.deepEqual(
        (({ code, field }) => ({ code, field }))(await attempt('rpa.ragioneria', { oggetto: '   ' })),
        {
          code: 'BAD_USER_INPUT',
          field: 'oggetto',
        },
      );
      const unknown = await attempt('rpa.ragioneria', { primaryFileId: randomUUID() });
      const notVisible = await attempt('rpa.ragioneria', { primaryFileId: hidden.id });
      assert.deepEqual([unknown.code, unknown.field], ['BAD_USER_INPUT', 'primaryFileId']);
      assert.deepEqual([notVisible.code, notVisible.field], ['BAD_USER_INPUT', 'primaryFileId']);
      assert.equal(notVisible.message.replace(hidden.id, 'X'), `primaryFileId: file X not found`);
      const hiddenAttachment = await attempt('rpa.ragioneria', { attachments: [{ fileId: hidden.id }] });
      assert.deepEqual(
        [hiddenAttachment.code, hiddenAttachment.field],
        ['BAD_USER_INPUT', 'attachments[0].fileId'],
      );
      assert.equal((await attempt('rpa.tecnico', { primaryFileId: mine.id })).code, 'FORBIDDEN');
      assert.equal((await attempt('lettore', { primaryFileId: mine.id })).code, 'FORBIDDEN');
      assert.deepEqual(await rowCounts(), counts);
      // The same input, valid, is accepted (the refusals above were about what they changed).
      await createDocument(env, 'rpa.tecnico', { uorId: ids.uor['LLPP'] ?? '', primaryFileId: mine.id });
      assert.deepEqual(await rowCounts(), [counts[0] + 1, counts[1] + 1]);
    });

    it('replaceDocumentFile adds version 2 and keeps version 1 superseded', async () => {
      const { doc, primary } = await draft();
      const next = await upload(env, 'rpa.ragioneria', uniqueBytes('primary v2'), 'delibera-v2.pdf');
      const r = await replace('rpa.ragioneria', { documentId: doc.id, position: 0, fileId: next.id });
      assert.equal(r.errors, undefined);
      assert.deepEqual(r.data?.replaceDocumentFile, {
        position: 0,
        version: 2,
        description: null,
        supersededAt: null,
        file: { id: next.id },
      });
      const d = await view('rpa.ragioneria', doc.id);
      assert.deepEqual(d.primary, { position: 0, version: 2, file: { id: next.id, sha256: next.sha256 } });
      const slot0 = d.fileHistory.filter((f) => f.position === 0);
      assert.deepEqual(
        slot0.map((f) => [f.version, f.file.id, f.supersededAt === null]),
        [
          [1, primary.id, false],
          [2, next.id, true],
        ],
      );
      assert.equal(d.attachments.length, 2, 'the attachments are untouched');
      // The replaced file stays readable through the document's history.
      const old = await gql(env, 'lettore', FileDocument, { id: primary.id });
      assert.equal(old.data?.file.id, primary.id);
    });

    it('appends an attachment at position = current count and refuses any other new position', async () => {
      const { doc } = await draft();
      const extra = await upload(env, 'rpa.ragioneria', uniqueBytes('allegato 3'));
      const counts = await rowCounts();
      for (const position of [4, 17, -1]) {
        const bad = await replace('rpa.ragioneria', { documentId: doc.id, position, fileId: extra.id });
        assert.equal(errorCode(bad), 'BAD_USER_INPUT', `position ${position}`);
        assert.equal(bad.errors?.[0]?.extensions?.['field'], 'position');
      }
      assert.deepEqual(await rowCounts(), counts);
      const r = await replace('rpa.ragioneria', {
        documentId: doc.id,
        position: 3,
        fileId: extra.id,
        description: 'Relazione tecnica',
      });
      assert.equal(r.errors, undefined);
      assert.deepEqual(r.data?.replaceDocumentFile, {
        position: 3,
        version: 1,
        description: 'Relazione tecnica',
        supersededAt: null,
        file: { id: extra.id },
      });
      const d = await view('rpa.ragioneria', doc.id);
      assert.deepEqual(
        d.attachments.map((a) => [a.position, a.description]),
        [
          [1, 'Prospetto delle variazioni'],
          [2, 'Parere del revisore'],
          [3, 'Relazione tecnica'],
        ],
      );
    });

    it('a registered document refuses replaceDocumentFile with DOCUMENT_REGISTERED and stays as it was', async () => {
      const { doc } = await draft();
      const other = await upload(env, 'rpa.ragioneria', uniqueBytes('too late'));
      await sql(env, 'update document set registered_at = now() where id = $1', [doc.id]);
      const before = await view('rpa.ragioneria', doc.id);
      assert.notEqual(before.registeredAt, null);
      const counts = await rowCounts();
      // The primary, an attachment, and a new attachment (position 3 follows the two there).
      for (const position of [0, 1, 3]) {
        const r = await replace('protocollista', {
          documentId: doc.id,
          position,
          fileId: other.id,
          description: 'x',
        });
        assert.equal(errorCode(r), 'DOCUMENT_REGISTERED', `position ${position}`);
        assert.equal(r.data, null);
      }
      assert.deepEqual(await rowCounts(), counts);
      assert.deepEqual(await view('rpa.ragioneria', doc.id), before);
    });
  });
});

/** In a database of its own: the documents below are all there are, so counts are exact. */
describe('document visibility through lists, counts and nested paths', () => {
  let env: TestEnv;
  let ids: DemoIds;
  const list = async (user: string, aooId: string) => {
    const r = await gql(env, user, DocumentsDocument, { aooId, first: 100 });
    assert.equal(r.errors, undefined, user);
    return {
      totalCount: r.data?.documents.totalCount,
      documents: r.data?.documents.edges.map((e) => e.node) ?? [],
    };
  };
  const UOR_FOR: Record<string, string[]> = {
    'rpa.ragioneria': ['FIN', 'RAG', 'TRIB'],
    'rpa.tecnico': ['TEC', 'LLPP'],
    lettore: ['RAG'],
  };
  const made: Array<{ uor: string; id: string; fileId: string }> = [];
  const madeIn = (uor: string) => made.filter((d) => d.uor === uor);
  before(async () => {
    env = await startTestEnv({ blobDriver: 'fs' });
    ids = await demoIds(env);
    for (const [user, uor] of [
      ['rpa.ragioneria', 'RAG'],
      ['rpa.ragioneria', 'TRIB'],
      ['rpa.tecnico', 'TEC'],
      ['protocollista', 'PROT'],
      ['protocollista', 'RAG'],
    ] as const) {
      const f = await upload(env, user, uniqueBytes(`${user} ${uor}`));
      const d = await createDocument(env, user, {
        uorId: ids.uor[uor] ?? '',
        primaryFileId: f.id,
        oggetto: `Pratica ${uor}`,
      });
      made.push({ uor, id: d.id, fileId: f.id });
    }
  });
  after(async () => {
    await env.close();
  });

  it('documents and their totalCount show each user exactly the documents of the UORs they read', async () => {
    const all = await sql<{ id: string; code: string; created_by: string }>(
      env,
      'select d.id, u.code, d.created_by from document d join uor u on u.id = d.uor_id where d.aoo_id = $1',
      [ids.aooId],
    );
    assert.deepEqual(all.map((d) => d.id).sort(), made.map((d) => d.id).sort());
    for (const user of ['rpa.ragioneria', 'rpa.tecnico', 'lettore', 'segretario', 'protocollista', 'admin']) {
      const r = await list(user, ids.aooId);
      const scope = UOR_FOR[user];
      const reads =
        user === 'admin'
          ? []
          : scope
            ? all.filter((d) => scope.includes(d.code) || d.created_by === ids.user[user])
            : all;
      assert.deepEqual(r.documents.map((d) => d.id).sort(), reads.map((d) => d.id).sort(), user);
      assert.equal(r.totalCount, reads.length, user);
    }
    assert.deepEqual(await list('segretario', 'not-a-uuid'), { totalCount: 0, documents: [] });
    const tecnico = await list('rpa.tecnico', ids.aooId);
    assert.equal(tecnico.documents.filter((d) => d.uor?.code === 'RAG').length, 0);
    // The reader of RAG sees both documents of RAG (by rpa.ragioneria and by protocollista).
    const lettore = await list('lettore', ids.aooId);
    assert.deepEqual(
      lettore.documents
        .filter((d) => d.uor?.code === 'RAG')
        .map((d) => d.id)
        .sort(),
      madeIn('RAG')
        .map((d) => d.id)
        .sort(),
    );
    assert.equal(madeIn('RAG').length, 2);
  });

  it('a hidden document is not found through document(id), nor its files through nested paths or file(id)', async () => {
    const [rag] = madeIn('RAG');
    assert.ok(rag);
    const hidden = await gql(env, 'rpa.tecnico', DocumentWithHistoryDocument, { id: rag.id });
    const missing = await gql(env, 'rpa.tecnico', DocumentWithHistoryDocument, { id: randomUUID() });
    assert.equal(hidden.data, null);
    assert.equal(errorCode(hidden), 'NOT_FOUND');
    assert.equal(errorCode(missing), 'NOT_FOUND');
    assert.doesNotMatch(JSON.stringify(hidden), new RegExp(rag.fileId));
    assert.equal(errorCode(await gql(env, 'rpa.tecnico', FileDocument, { id: rag.fileId })), 'NOT_FOUND');
    // rpa.tecnico reads TEC and LLPP: of the documents above, only the one of TEC.
    const shown = await list('rpa.tecnico', ids.aooId);
    assert.deepEqual(
      shown.documents.map((d) => d.id),
      madeIn('TEC').map((d) => d.id),
    );
    assert.equal(shown.documents.length, 1);
    assert.doesNotMatch(JSON.stringify(shown), new RegExp(`${rag.fileId}|${rag.id}`));
    const visible = await gql(env, 'lettore', DocumentWithHistoryDocument, { id: rag.id });
    assert.equal(visible.data?.document.primary?.file.id, rag.fileId);
  });
});

describe('createDocument atomicity', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let primary: UploadedFile;
  let first: UploadedFile;
  let second: UploadedFile;
  before(async () => {
    env = await startTestEnv({ blobDriver: 'fs' });
    ids = await demoIds(env);
    primary = await upload(env, 'rpa.ragioneria', uniqueBytes('primary'), 'determina.pdf');
    first = await upload(env, 'rpa.ragioneria', uniqueBytes('allegato 1'), 'allegato-1.pdf');
    second = await upload(env, 'rpa.ragioneria', uniqueBytes('allegato 2'), 'allegato-2.pdf');
  });
  after(async () => {
    await env.close();
  });

  it('createDocument is atomic: a failure after the first write leaves no document, file slot, access row or audit row', async () => {
    const tables = ['document', 'document_file', 'document_access', 'audit_event'];
    const rows = async () => Promise.all(tables.map((t) => count(env, `select 1 from ${t}`)));
    const before = await rows();
    const input = {
      uorId: ids.uor['RAG'] ?? '',
      oggetto: 'Determina riservata',
      primaryFileId: primary.id,
      attachments: [{ fileId: first.id, description: 'Allegato' }, { fileId: second.id }],
      reservedUntil: '2999-12-31',
      accessUserIds: [ids.user['lettore'] ?? ''],
    };
    // The audit row is the last statement of the unit of work: fail exactly there.
    const failed = await withFailingStatement(
      env.databaseUrl,
      { table: 'audit_event', event: 'insert', when: `new.operation = 'document.create'` },
      () => gql(env, 'rpa.ragioneria', CreateDocumentDocument, { input }),
    );
    assert.equal(failed.data, null);
    assert.equal(errorCode(failed), 'INTERNAL_SERVER_ERROR');
    assert.deepEqual(await rows(), before);
    assert.equal(await count(env, `select 1 from document where oggetto = $1`, [input.oggetto]), 0);
    // With the database healthy again the same request succeeds and writes each part once.
    const ok = await gql(env, 'rpa.ragioneria', CreateDocumentDocument, { input });
    assert.equal(ok.errors, undefined);
    const [docs, slots, access, audit] = await rows();
    assert.deepEqual(
      [
        docs - (before[0] ?? 0),
        slots - (before[1] ?? 0),
        access - (before[2] ?? 0),
        audit - (before[3] ?? 0),
      ],
      [1, 3, 2, 1],
    );
  });
});
