import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expireUploadSessions } from '../../schema/documents/direct-upload.service.js';
import { withClient } from '../harness/database.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import {
  CommitUploadDocument,
  CreateUploadDocument,
  type CreateUploadMutation,
} from '../../clients/sdk/generated/graphql.js';
import { withFailingStatement } from '../harness/faults.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const CREATE = CreateUploadDocument;
const COMMIT = CommitUploadDocument;

type Ticket = CreateUploadMutation['createUpload'];

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function ticket(client: GraphqlClient, bytes: Buffer, name = 'scan.pdf'): Promise<Ticket> {
  const r = await client.data(CREATE, {
    input: { fileName: name, size: bytes.length, sha256: sha(bytes) },
  });
  return r.createUpload;
}

/** The PUT a client makes with its ticket: the bytes and the headers the ticket names. */
function put(t: Ticket, body: Buffer, headers = t.headers): Promise<Response> {
  return fetch(t.url, {
    method: 'PUT',
    body,
    headers: Object.fromEntries(headers.map((h) => [h.name, h.value])),
  });
}

async function rows(env: TestEnv, sql: string): Promise<number> {
  return withClient(env.databaseUrl, async (c) => Number((await c.query<{ n: string }>(sql)).rows[0]?.n));
}

/** Presigned PUT to object storage, then a commit that verifies size and digest (s3 driver). */
describe('direct uploads (s3 presigned PUT + commit)', () => {
  let env: TestEnv;
  let client: GraphqlClient;
  before(async () => {
    env = await startTestEnv({ blobDriver: 's3' });
    client = await env.asUser('protocollista');
  });
  after(async () => {
    await env.close();
  });

  it('stores the PUT bytes under their digest once the commit verifies them', async () => {
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(50_000)]);
    const t = await ticket(client, bytes);
    assert.equal((await put(t, bytes)).status, 200);
    const file = (await client.data(COMMIT, { uploadId: t.uploadId })).commitUpload;
    assert.equal(file.sha256, sha(bytes));
    assert.equal(file.size, bytes.length);
    assert.equal(file.format, 'PDF');
    const again = await client.data(COMMIT, { uploadId: t.uploadId });
    assert.equal(again.commitUpload.id, file.id, 'commit is idempotent');
    const download = await fetch(`${env.baseUrl}/files/${file.id}`, {
      headers: { authorization: `Bearer ${client.token ?? ''}` },
    });
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(bytes));
    assert.equal(await rows(env, `select count(*) as n from upload_session where state = 'OPEN'`), 0);
  });

  it('refuses bytes that do not match the promise, saves nothing and leaves nothing in the bucket', async () => {
    const promised = randomBytes(1000);
    const t = await ticket(client, promised);
    // Same length, other bytes: S3/MinIO would refuse them against the signed checksum; a server
    // that does not check it (s3rver) takes them, and the commit is what refuses them.
    assert.equal((await put(t, randomBytes(1000))).status, 200);
    const filesBefore = await rows(env, 'select count(*) as n from stored_file');
    const r = await client.request(COMMIT, { uploadId: t.uploadId });
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'UPLOAD_MISMATCH');
    assert.equal(await rows(env, 'select count(*) as n from stored_file'), filesBefore);
    assert.equal(await env.platform.blobs.directUploads?.statTemp(`uploads/${t.uploadId}`), null);
    const retry = await client.request(COMMIT, { uploadId: t.uploadId });
    assert.equal(retry.errors?.[0]?.extensions?.['code'], 'UPLOAD_CLOSED');
  });

  it('the storage server refuses a PUT of another length or without the checksum header: the URL binds them', async () => {
    const promised = randomBytes(1000);
    const t = await ticket(client, promised);
    assert.match(t.url, /X-Amz-SignedHeaders=content-length%3Bhost%3Bx-amz-checksum-sha256/);
    assert.deepEqual(t.headers, [
      { name: 'x-amz-checksum-sha256', value: Buffer.from(sha(promised), 'hex').toString('base64') },
    ]);
    const longer = await put(t, Buffer.concat([promised, randomBytes(5000)]));
    assert.equal(longer.status, 403);
    assert.match(await longer.text(), /SignatureDoesNotMatch/);
    assert.equal((await put(t, promised.subarray(0, 999))).status, 403);
    assert.equal((await put(t, promised, [])).status, 403, 'without the checksum header');
    assert.equal(await env.platform.blobs.directUploads?.statTemp(`uploads/${t.uploadId}`), null);
    assert.equal((await put(t, promised)).status, 200);
    const file = (await client.data(COMMIT, { uploadId: t.uploadId })).commitUpload;
    assert.equal(file.sha256, sha(promised));
  });

  it('says when nothing was uploaded yet, and hides other users’ uploads', async () => {
    const bytes = randomBytes(10);
    const t = await ticket(client, bytes);
    const early = await client.request(COMMIT, { uploadId: t.uploadId });
    assert.equal(early.errors?.[0]?.extensions?.['code'], 'UPLOAD_MISSING');
    await put(t, bytes);
    const other = await env.asUser('rpa.tecnico');
    const stolen = await other.request(COMMIT, { uploadId: t.uploadId });
    assert.equal(stolen.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
  });

  it('validates the promise and the size limit before issuing a URL', async () => {
    const bad = await client.request(CREATE, { input: { fileName: 'a.pdf', size: 1, sha256: 'xyz' } });
    assert.equal(bad.errors?.[0]?.extensions?.['field'], 'sha256');
    const big = await client.request(CREATE, {
      input: { fileName: 'a.pdf', size: env.config.uploadMaxBytes + 1, sha256: 'a'.repeat(64) },
    });
    assert.equal(big.errors?.[0]?.extensions?.['code'], 'PAYLOAD_TOO_LARGE');
    const admin = await env.asUser('admin');
    const denied = await admin.request(CREATE, {
      input: { fileName: 'a.pdf', size: 1, sha256: 'a'.repeat(64) },
    });
    assert.equal(denied.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const hidden = await client.request(CREATE, {
      input: { fileName: 'fattura\u202Efdp.exe', size: 1, sha256: 'a'.repeat(64) },
    });
    assert.deepEqual(hidden.errors?.[0]?.extensions?.['field'], 'fileName', 'named after the input field');
    assert.equal(hidden.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
  });

  it('expires open sessions and removes what was uploaded to them', async () => {
    const bytes = randomBytes(100);
    const t = await ticket(client, bytes);
    await put(t, bytes);
    await withClient(env.databaseUrl, (c) =>
      c.query(`update upload_session set expires_at = now() - interval '1 minute' where id = $1`, [
        t.uploadId,
      ]),
    );
    const { expired } = await expireUploadSessions(env.platform);
    // Only this session is past its expiry: the others of this file are 15 minutes (a ticket's
    // life) from it, and none is left COMMITTING an hour past expiry.
    assert.equal(expired, 1);
    assert.equal(
      await rows(
        env,
        `select count(*) as n from upload_session where id = '${t.uploadId}' and state = 'EXPIRED'`,
      ),
      1,
    );
    assert.equal(await env.platform.blobs.directUploads?.statTemp(`uploads/${t.uploadId}`), null);
    const r = await client.request(COMMIT, { uploadId: t.uploadId });
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'UPLOAD_CLOSED');
  });

  it('4 concurrent commits of one upload record exactly one file, the same for every success', async () => {
    const bytes = randomBytes(200_000);
    const t = await ticket(client, bytes, 'concorrente.bin');
    assert.equal((await put(t, bytes)).status, 200);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => client.request(COMMIT, { uploadId: t.uploadId })),
    );
    const ids = results.flatMap((r) => (r.data?.commitUpload ? [r.data.commitUpload.id] : []));
    const codes = results.flatMap((r) => (r.errors ?? []).map((e) => e.extensions?.['code']));
    assert.ok(ids.length >= 1, JSON.stringify(results));
    assert.equal(new Set(ids).size, 1, 'every successful commit names the same file');
    assert.deepEqual(
      codes.filter((c) => c !== 'UPLOAD_IN_PROGRESS'),
      [],
      'a commit that lost the race is told the upload is in progress',
    );
    assert.equal(ids.length + codes.length, 4);
    assert.equal(await rows(env, `select count(*) as n from stored_file where sha256 = '${sha(bytes)}'`), 1);
    const again = await client.data(COMMIT, { uploadId: t.uploadId });
    assert.equal(again.commitUpload.id, ids[0]);
    const session = await withClient(
      env.databaseUrl,
      async (c) =>
        (
          await c.query<{ state: string; file_id: string }>(
            'select state, file_id from upload_session where id = $1',
            [t.uploadId],
          )
        ).rows[0],
    );
    assert.deepEqual(session, { state: 'COMMITTED', file_id: ids[0] });
    assert.equal(await env.platform.blobs.directUploads?.statTemp(`uploads/${t.uploadId}`), null);
  });

  it('a commit that cannot mark its session committed records no file, reopens it, and a retry records one', async () => {
    const bytes = randomBytes(5000);
    const t = await ticket(client, bytes, 'ritentato.bin');
    await put(t, bytes);
    const failed = await withFailingStatement(
      env.databaseUrl,
      { table: 'upload_session', event: 'update', when: `new.state = 'COMMITTED'` },
      () => client.request(COMMIT, { uploadId: t.uploadId }),
    );
    assert.equal(failed.errors?.[0]?.extensions?.['code'], 'RECORD_FAILED');
    const files = `select count(*) as n from stored_file where sha256 = '${sha(bytes)}'`;
    assert.equal(await rows(env, files), 0, 'no file without its session marked committed');
    assert.equal(
      await rows(
        env,
        `select count(*) as n from upload_session where id = '${t.uploadId}' and state = 'OPEN'`,
      ),
      1,
    );
    const retried = await client.data(COMMIT, { uploadId: t.uploadId });
    assert.equal(retried.commitUpload.sha256, sha(bytes));
    assert.equal(await rows(env, files), 1);
  });

  it('answers UPLOAD_IN_PROGRESS while another commit holds the session', async () => {
    const bytes = randomBytes(100);
    const t = await ticket(client, bytes);
    await put(t, bytes);
    await withClient(env.databaseUrl, (c) =>
      c.query(`update upload_session set state = 'COMMITTING' where id = $1`, [t.uploadId]),
    );
    const r = await client.request(COMMIT, { uploadId: t.uploadId });
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'UPLOAD_IN_PROGRESS');
    assert.equal(await rows(env, `select count(*) as n from stored_file where sha256 = '${sha(bytes)}'`), 0);
  });

  it('the expiry job closes a session left COMMITTING well past its expiry, not one just expired', async () => {
    const stuck = await ticket(client, randomBytes(100));
    const busy = await ticket(client, randomBytes(100));
    await put(stuck, randomBytes(100));
    await withClient(env.databaseUrl, async (c) => {
      await c.query(
        `update upload_session set state = 'COMMITTING', expires_at = now() - interval '2 hours' where id = $1`,
        [stuck.uploadId],
      );
      await c.query(
        `update upload_session set state = 'COMMITTING', expires_at = now() - interval '1 minute' where id = $1`,
        [busy.uploadId],
      );
    });
    await expireUploadSessions(env.platform);
    const states = await withClient(
      env.databaseUrl,
      async (c) =>
        (
          await c.query<{ id: string; state: string }>(
            'select id, state from upload_session where id = any($1)',
            [[stuck.uploadId, busy.uploadId]],
          )
        ).rows,
    );
    assert.deepEqual(Object.fromEntries(states.map((s) => [s.id, s.state])), {
      [stuck.uploadId]: 'EXPIRED',
      [busy.uploadId]: 'COMMITTING',
    });
    assert.equal(await env.platform.blobs.directUploads?.statTemp(`uploads/${stuck.uploadId}`), null);
  });

  it('refuses a media type with control characters as bad input', async () => {
    const r = await client.request(CREATE, {
      input: { fileName: 'a.txt', size: 1, sha256: 'a'.repeat(64), mediaType: 'text/plain\u0000' },
    });
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.equal(r.errors?.[0]?.extensions?.['field'], 'mediaType');
  });
});

describe('direct uploads on the fs driver', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ blobDriver: 'fs', seedDemo: true });
  });
  after(async () => {
    await env.close();
  });

  it('points clients to POST /files', async () => {
    const client = await env.asUser('protocollista');
    const r = await client.request(CREATE, { input: { fileName: 'a.pdf', size: 1, sha256: 'a'.repeat(64) } });
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'DIRECT_UPLOAD_UNAVAILABLE');
  });
});
