import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { print } from 'graphql';
import {
  AddMembershipDocument,
  CommitUploadDocument,
  CreateCorrespondentDocument,
  CreateUorDocument,
  CreateUploadDocument,
  CreateUserDocument,
  DeactivateUserDocument,
  EndMembershipDocument,
  HeartbeatDocument,
  ReplaceDocumentFileDocument,
  ServerInfoDocument,
} from '../../clients/sdk/generated/graphql.js';
import { SettableClock } from '../harness/clock.js';
import { DocumentEventsSubscriber } from '../harness/document-events.js';
import {
  createDocument,
  demoIds,
  gql,
  sql,
  uniqueBytes,
  upload,
  type DemoIds,
} from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';
import { RawWsClient } from '../harness/ws-client.js';

/**
 * One clock: every timestamp the application writes or reports comes from the request clock
 * (here an injected one, minutes away from the wall clock), never from `new Date()`, `Date.now()`
 * or the database's own time.
 */
describe('the request clock, everywhere', () => {
  // Off the wall clock by 7 min 13.456 s: close enough for presigned URLs to stay valid.
  const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 433_456);
  const clock = new SettableClock(at);
  let env: TestEnv;
  let ids: DemoIds;
  before(async () => {
    env = await startTestEnv({ clock, blobDriver: 's3' });
    ids = await demoIds(env);
  });
  after(async () => {
    await env.close();
  });

  it('writes every timestamp of every table with it', async () => {
    const admin = 'admin';
    const uor = await gql(env, admin, CreateUorDocument, {
      input: { aooId: ids.aooId, code: 'OROLOGIO', name: 'Ufficio del tempo' },
    });
    const uorId = uor.data?.createUor.id ?? '';
    const user = await gql(env, admin, CreateUserDocument, {
      input: { aooId: ids.aooId, username: 'cronos', givenName: 'Crono', familyName: 'Tempo' },
    });
    const userId = user.data?.createUser.id ?? '';
    const membership = await gql(env, admin, AddMembershipDocument, {
      input: { userId, uorId, profile: 'READ_ONLY' as never },
    });
    await gql(env, admin, EndMembershipDocument, { id: membership.data?.addMembership.id ?? '' });
    await gql(env, admin, DeactivateUserDocument, { id: userId });

    const events = await DocumentEventsSubscriber.open(
      env.wsUrl,
      await env.tokenFor('rpa.ragioneria'),
      ids.aooId,
    );
    try {
      const primary = await upload(env, 'rpa.ragioneria', uniqueBytes('orologio'), 'atto.pdf');
      const reserved = await createDocument(env, 'rpa.ragioneria', {
        uorId: ids.uor['RAG'] ?? '',
        primaryFileId: primary.id,
        reservedUntil: '2099-01-01',
        accessUserIds: [ids.user['lettore'] ?? ''],
      });
      const second = await upload(env, 'rpa.ragioneria', uniqueBytes('orologio v2'), 'atto-v2.pdf');
      await gql(env, 'rpa.ragioneria', ReplaceDocumentFileDocument, {
        input: { documentId: reserved.id, position: 0, fileId: second.id },
      });
      const delivered = await events.next();
      assert.equal(new Date(delivered.occurredAt).getTime(), at.getTime(), 'documentEvents.occurredAt');
    } finally {
      events.close();
    }

    const client = await env.asUser('protocollista');
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(1000)]);
    const ticket = (
      await client.data(CreateUploadDocument, {
        input: {
          fileName: 'diretto.pdf',
          size: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
        },
      })
    ).createUpload;
    const put = await fetch(ticket.url, {
      method: 'PUT',
      body: bytes,
      headers: Object.fromEntries(ticket.headers.map((h) => [h.name, h.value])),
    });
    assert.equal(put.status, 200);
    await client.data(CommitUploadDocument, { uploadId: ticket.uploadId });
    await client.data(CreateCorrespondentDocument, {
      input: { aooId: ids.aooId, kind: 'PERSONA_FISICA', name: 'Crono', surname: 'Tempo' },
    });

    const columns = await sql<{ table_name: string; column_name: string }>(
      env,
      `select table_name, column_name from information_schema.columns
        where table_schema = 'public' and data_type = 'timestamp with time zone'
          and table_name <> 'mikro_orm_migrations' order by 1, 2`,
    );
    const checked: string[] = [];
    const wrong: string[] = [];
    for (const { table_name: table, column_name: column } of columns) {
      const rows = await sql<{ v: Date }>(
        env,
        `select "${column}" as v from "${table}" where "${column}" is not null`,
      );
      if (rows.length === 0) continue;
      checked.push(`${table}.${column}`);
      for (const { v } of rows) {
        const expected = column === 'expires_at' ? v.getTime() > at.getTime() : v.getTime() === at.getTime();
        if (!expected) wrong.push(`${table}.${column} = ${v.toISOString()}`);
      }
    }
    assert.deepEqual(wrong, [], `timestamps not from the request clock (${at.toISOString()})`);
    // Every kind of timestamp the platform writes was seen at least once.
    for (const column of [
      'administration.created_at',
      'aoo.created_at',
      'uor.created_at',
      'app_user.created_at',
      'app_user.deactivated_at',
      'membership.created_at',
      'membership.ended_at',
      'audit_event.occurred_at',
      'stored_file.uploaded_at',
      'document.created_at',
      'document_file.created_at',
      'document_file.superseded_at',
      'document_access.granted_at',
      'upload_session.created_at',
      'upload_session.expires_at',
      'correspondent.created_at',
      'correspondent.updated_at',
      'correspondent_version.at',
    ]) {
      assert.ok(checked.includes(column), `${column} was written (checked: ${checked.join(', ')})`);
    }
  });

  it('reports it: serverInfo.time and heartbeat ticks', async () => {
    const info = await env.anonymous.data(ServerInfoDocument);
    assert.equal(new Date(info.serverInfo.time).getTime(), at.getTime());
    const ws = await RawWsClient.open(env.wsUrl);
    try {
      ws.init(`Bearer ${await env.tokenFor('lettore')}`);
      await ws.next((m) => m.type === 'connection_ack');
      ws.send({
        type: 'subscribe',
        id: 'tick',
        payload: { query: print(HeartbeatDocument), variables: { intervalSeconds: 5 } },
      });
      const tick = await ws.next((m) => m.type === 'next' && m.id === 'tick');
      const value = (tick.payload as { data: { heartbeat: { at: string } } }).data.heartbeat.at;
      assert.equal(new Date(value).getTime(), at.getTime());
    } finally {
      ws.close();
    }
  });
});
