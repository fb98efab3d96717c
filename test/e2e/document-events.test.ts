import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateDocumentDocument,
  EndMembershipDocument,
  ReplaceDocumentFileDocument,
} from '../../clients/sdk/generated/graphql.js';
import { DocumentCreated } from '../../schema/documents/index.js';
import { CALLER_REFRESH_MS } from '../../server/graphql/subscription-event-auth.js';
import { DocumentEventsSubscriber } from '../harness/document-events.js';
import { withFailingStatement } from '../harness/faults.js';
import { createMember } from '../harness/org-fixtures.js';
import {
  createDocument,
  demoIds,
  errorCode,
  gql,
  sleep,
  sql,
  uniqueBytes,
  upload,
  type DemoIds,
} from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Document events reach subscribers after the change commits, never for a rolled-back one, and
 * only for documents the subscriber may see with the rights they hold at that event.
 */
describe('documentEvents subscription', () => {
  let env: TestEnv;
  let ids: DemoIds;
  const subscribers: DocumentEventsSubscriber[] = [];

  before(async () => {
    env = await startTestEnv();
    ids = await demoIds(env);
  });
  after(async () => {
    for (const s of subscribers) s.close();
    await env.close();
  });

  async function draft(uor: string, oggetto: string, username = 'protocollista') {
    const file = await upload(env, username, uniqueBytes(oggetto), 'atto.pdf');
    const doc = await createDocument(env, username, {
      uorId: ids.uor[uor] ?? '',
      primaryFileId: file.id,
      oggetto,
    });
    return { ...doc, fileId: file.id };
  }

  /** A subscriber that is live: a synthetic event for a document of `uor` has reached it. */
  async function subscriber(username: string, uor: string): Promise<DocumentEventsSubscriber> {
    const s = await DocumentEventsSubscriber.open(env.wsUrl, await env.tokenFor(username), ids.aooId);
    subscribers.push(s);
    const probe = await draft(uor, `sonda per ${username}`);
    await s.ready(() =>
      env.platform.events.release(
        [new DocumentCreated({ documentId: probe.id, aooId: ids.aooId, uorId: ids.uor[uor] ?? '' })],
        { actorId: null, requestId: 'probe', at: new Date(0).toISOString() },
      ),
    );
    return s;
  }

  it('delivers a committed creation to those who see the office, with the document as it is', async () => {
    const lettore = await subscriber('lettore', 'RAG'); // READ_ONLY in RAG
    const tecnico = await subscriber('rpa.tecnico', 'TEC'); // RPA of TEC and below
    const rag = await draft('RAG', 'Mandato di pagamento');
    const tec = await draft('TEC', 'Verbale di cantiere');
    const seen = await lettore.next();
    assert.equal(seen.kind, 'CREATED');
    assert.equal(seen.documentId, rag.id);
    assert.deepEqual(seen.document, { id: rag.id, oggetto: 'Mandato di pagamento', uor: { code: 'RAG' } });
    assert.ok(!Number.isNaN(Date.parse(seen.occurredAt)));
    // The technical office's subscriber never sees the RAG document: its first event is its own.
    assert.equal((await tecnico.next()).documentId, tec.id);
    await lettore.nothingWithin(300);
  });

  it('never delivers a change that rolled back', async () => {
    const lettore = await subscriber('lettore', 'RAG');
    const file = await upload(env, 'protocollista', uniqueBytes('annullato'), 'atto.pdf');
    const failed = await withFailingStatement(
      env.databaseUrl,
      { table: 'audit_event', event: 'insert', when: `new.operation = 'document.create'` },
      () =>
        gql(env, 'protocollista', CreateDocumentDocument, {
          input: {
            uorId: ids.uor['RAG'] ?? '',
            primaryFileId: file.id,
            oggetto: 'Mai nato',
            attachments: [],
          },
        }),
    );
    assert.equal(errorCode(failed), 'INTERNAL_SERVER_ERROR');
    const committed = await draft('RAG', 'Nato dopo');
    const first = await lettore.next();
    assert.equal(first.documentId, committed.id, 'the first event is the committed one');
    await lettore.nothingWithin(300);
  });

  it('tells attachments and new versions apart', async () => {
    const lettore = await subscriber('lettore', 'RAG');
    const doc = await draft('RAG', 'Determina con allegati');
    assert.equal((await lettore.next()).kind, 'CREATED');
    const attachment = await upload(env, 'protocollista', uniqueBytes('allegato'), 'allegato.pdf');
    const added = await gql(env, 'protocollista', ReplaceDocumentFileDocument, {
      input: { documentId: doc.id, position: 1, fileId: attachment.id },
    });
    assert.equal(added.errors, undefined);
    const attached = await lettore.next();
    assert.deepEqual(
      {
        kind: attached.kind,
        position: attached.position,
        version: attached.version,
        fileId: attached.fileId,
      },
      { kind: 'FILE_ATTACHED', position: 1, version: null, fileId: attachment.id },
    );
    const second = await upload(env, 'protocollista', uniqueBytes('nuova versione'), 'determina-v2.pdf');
    await gql(env, 'protocollista', ReplaceDocumentFileDocument, {
      input: { documentId: doc.id, position: 0, fileId: second.id },
    });
    const replaced = await lettore.next();
    assert.deepEqual(
      {
        kind: replaced.kind,
        position: replaced.position,
        version: replaced.version,
        fileId: replaced.fileId,
      },
      { kind: 'FILE_REPLACED', position: 0, version: 2, fileId: second.id },
    );
  });

  it('skips riservato documents the subscriber is not involved in', async () => {
    const lettore = await subscriber('lettore', 'RAG');
    const file = await upload(env, 'rpa.ragioneria', uniqueBytes('riservato'), 'parere.pdf');
    await createDocument(env, 'rpa.ragioneria', {
      uorId: ids.uor['RAG'] ?? '',
      primaryFileId: file.id,
      oggetto: 'Parere riservato',
      reservedUntil: '2099-01-01',
    });
    const open = await draft('RAG', 'Atto pubblico');
    assert.equal((await lettore.next()).documentId, open.id);
  });

  it("checks each event with the subscriber's rights of now: a revoked membership stops delivery", async () => {
    const userId = await createMember(
      await env.asUser('admin'),
      ids.aooId,
      ids.uor['RAG'] ?? '',
      'lettore.revocato',
      'READ_ONLY',
    );
    const reader = await subscriber('lettore.revocato', 'RAG');
    const [membership] = await sql<{ id: string }>(
      env,
      'select id from membership where user_id = $1 and ended_at is null',
      [userId],
    );
    assert.ok(membership);
    const ended = await gql(env, 'admin', EndMembershipDocument, { id: membership.id });
    assert.equal(ended.errors, undefined);
    await sleep(CALLER_REFRESH_MS + 200); // rights cached before the revocation have expired
    await draft('RAG', 'Dopo la revoca');
    await reader.nothingWithin(800);
  });

  it('refuses to follow an AOO the subscriber cannot see', async () => {
    const s = await DocumentEventsSubscriber.open(
      env.wsUrl,
      await env.tokenFor('protocollista'),
      '00000000-0000-4000-8000-000000000000',
    );
    subscribers.push(s);
    await s.ws.next((m) => m.id === 'events' && (m.type === 'error' || m.type === 'next'));
    assert.match(JSON.stringify(s.errors()), /NOT_FOUND/);
  });
});
