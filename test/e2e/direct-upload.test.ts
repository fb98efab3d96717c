import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expireUploadSessions } from '../../schema/documents/direct-upload.service.js';
import { withClient } from '../harness/database.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const CREATE = `mutation($input: CreateUploadInput!) { createUpload(input: $input) { uploadId url expiresAt } }`;
const COMMIT = `mutation($id: ID!) { commitUpload(uploadId: $id) { id sha256 size format } }`;

interface Ticket {
  uploadId: string;
  url: string;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function ticket(client: GraphqlClient, bytes: Buffer, name = 'scan.pdf'): Promise<Ticket> {
  const r = await client.data<{ createUpload: Ticket }>(CREATE, {
    input: { fileName: name, size: bytes.length, sha256: sha(bytes) },
  });
  return r.createUpload;
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
    const put = await fetch(t.url, { method: 'PUT', body: bytes });
    assert.equal(put.status, 200);
    const file = (
      await client.data<{ commitUpload: { id: string; sha256: string; size: number; format: string } }>(
        COMMIT,
        { id: t.uploadId },
      )
    ).commitUpload;
    assert.equal(file.sha256, sha(bytes));
    assert.equal(file.size, bytes.length);
    assert.equal(file.format, 'PDF');
    const again = await client.data<{ commitUpload: { id: string } }>(COMMIT, { id: t.uploadId });
    assert.equal(again.commitUpload.id, file.id, 'commit is idempotent');
    const download = await fetch(`${env.baseUrl}/files/${file.id}`, {
      headers: { authorization: `Bearer ${client.token ?? ''}` },
    });
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(bytes));
    assert.equal(await rows(env, `select count(*) as n from upload_session where state = 'OPEN'`), 0);
  });

  it('refuses bytes that do not match the promise, and saves nothing', async () => {
    const promised = randomBytes(1000);
    const t = await ticket(client, promised);
    await fetch(t.url, { method: 'PUT', body: randomBytes(1000) });
    const filesBefore = await rows(env, 'select count(*) as n from stored_file');
    const r = await client.request(COMMIT, { id: t.uploadId });
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'UPLOAD_MISMATCH');
    assert.equal(await rows(env, 'select count(*) as n from stored_file'), filesBefore);
    const retry = await client.request(COMMIT, { id: t.uploadId });
    assert.equal(retry.errors?.[0]?.extensions?.['code'], 'UPLOAD_CLOSED');
  });

  it('says when nothing was uploaded yet, and hides other users’ uploads', async () => {
    const bytes = randomBytes(10);
    const t = await ticket(client, bytes);
    const early = await client.request(COMMIT, { id: t.uploadId });
    assert.equal(early.errors?.[0]?.extensions?.['code'], 'UPLOAD_MISSING');
    await fetch(t.url, { method: 'PUT', body: bytes });
    const other = await env.asUser('rpa.tecnico');
    const stolen = await other.request(COMMIT, { id: t.uploadId });
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
  });

  it('expires open sessions and removes what was uploaded to them', async () => {
    const bytes = randomBytes(100);
    const t = await ticket(client, bytes);
    await fetch(t.url, { method: 'PUT', body: bytes });
    await withClient(env.databaseUrl, (c) =>
      c.query(`update upload_session set expires_at = now() - interval '1 minute' where id = $1`, [
        t.uploadId,
      ]),
    );
    const { expired } = await expireUploadSessions(env.platform);
    assert.ok(expired >= 1);
    assert.equal(await env.platform.blobs.directUploads?.statTemp(`uploads/${t.uploadId}`), null);
    const r = await client.request(COMMIT, { id: t.uploadId });
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'UPLOAD_CLOSED');
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
