import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { signDownloadLink, verifyDownloadLink } from '../../schema/documents/download-link.js';
import { DocumentDocument, FileDownloadLinkDocument } from '../../clients/sdk/generated/graphql.js';
import { finalKeyFor } from '../../server/blob/blob-store.js';
import type { Platform } from '../../server/platform.js';
import {
  createDocument,
  demoIds,
  download,
  errorCode,
  gql,
  sleep,
  sql,
  uniqueBytes,
  upload,
  type DemoIds,
  downloadsOf,
} from '../harness/files-helpers.js';
import { withFailingStatement } from '../harness/faults.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/** Downloads: the audit trail's AOO, releasing an opened object on failure, signed-link keys. */

/** Paths this process holds open (Linux). */
async function openFiles(): Promise<string[]> {
  const fds = await readdir('/proc/self/fd');
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return targets.filter((t) => t !== '');
}

describe('downloads with the fs driver', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let otherAooId: string;
  let otherUorId: string;
  before(async () => {
    env = await startTestEnv({ blobDriver: 'fs' });
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    const other = await createSecondAoo(admin);
    otherAooId = other.aooId;
    otherUorId = other.uorId;
    ids.user['altrove.protocollo'] = await createMember(
      admin,
      otherAooId,
      otherUorId,
      'altrove.protocollo',
      'PROTOCOLLISTA',
    );
  });
  after(async () => {
    await env.close();
  });

  /** Attaches a file to a document behind the API's back (position 1, unregistered document). */
  const attach = (documentId: string, fileId: string, by: string): Promise<unknown> =>
    sql(
      env,
      'insert into document_file (id, document_id, file_id, position, version, created_by) values ($1, $2, $3, 1, 1, $4)',
      [randomUUID(), documentId, fileId, ids.user[by]],
    );

  it('records a download under the AOO of a document the caller sees, not of the first document holding the file', async () => {
    const file = await upload(env, 'rpa.ragioneria', uniqueBytes('due aoo'), 'condiviso.txt');
    const demoDoc = await createDocument(env, 'rpa.ragioneria', {
      uorId: ids.uor['RAG'] ?? '',
      primaryFileId: file.id,
    });
    const own = await upload(env, 'altrove.protocollo', uniqueBytes('altrove'), 'altrove.txt');
    const otherDoc = await createDocument(env, 'altrove.protocollo', {
      uorId: otherUorId,
      primaryFileId: own.id,
    });
    await attach(otherDoc.id, file.id, 'altrove.protocollo');
    assert.ok(demoDoc.id);

    const before = (await downloadsOf(env, file.id)).length;
    assert.equal(
      (await download(env, file.id, { token: await env.tokenFor('altrove.protocollo') })).status,
      200,
    );
    assert.equal((await download(env, file.id, { token: await env.tokenFor('lettore') })).status, 200);
    assert.deepEqual((await downloadsOf(env, file.id)).slice(before), [
      { actor_id: ids.user['altrove.protocollo'], aoo_id: otherAooId },
      { actor_id: ids.user['lettore'], aoo_id: ids.aooId },
    ]);
  });

  it('records no AOO when the caller sees the file only as its uploader', async () => {
    const file = await upload(env, 'rpa.tecnico', uniqueBytes('solo caricato'), 'tecnico.txt');
    const ragDoc = await createDocument(env, 'rpa.ragioneria', {
      uorId: ids.uor['RAG'] ?? '',
      primaryFileId: (await upload(env, 'rpa.ragioneria', uniqueBytes('rag'))).id,
    });
    await attach(ragDoc.id, file.id, 'rpa.ragioneria');
    assert.equal(
      errorCode(await gql(env, 'rpa.tecnico', DocumentDocument, { id: ragDoc.id })),
      'NOT_FOUND',
      'rpa.tecnico does not see the RAG document',
    );
    const before = (await downloadsOf(env, file.id)).length;
    assert.equal((await download(env, file.id, { token: await env.tokenFor('rpa.tecnico') })).status, 200);
    assert.deepEqual((await downloadsOf(env, file.id)).slice(before), [
      { actor_id: ids.user['rpa.tecnico'], aoo_id: null },
    ]);
  });

  it('closes the opened object when recording the download fails', async () => {
    const bytes = randomBytes(100_000);
    const file = await upload(env, 'protocollista', bytes, 'aperto.bin');
    assert.equal(env.config.blob.driver, 'fs');
    const blobPath = path.resolve(
      env.config.blob.driver === 'fs' ? env.config.blob.dir : '',
      ...finalKeyFor(file.sha256).split('/'),
    );
    // Keep hold of what the download opens: an unreachable stream may be closed by the garbage
    // collector, which would hide the leak on the fs driver (an S3 response's socket stays).
    const blobs = env.platform.blobs;
    const opened: Readable[] = [];
    const get = blobs.get.bind(blobs);
    blobs.get = async (key, range) => {
      const stream = await get(key, range);
      opened.push(stream);
      return stream;
    };
    const token = await env.tokenFor('protocollista');
    let failed;
    try {
      failed = await withFailingStatement(
        env.databaseUrl,
        { table: 'audit_event', event: 'insert', when: `new.operation = 'file.download'` },
        () => download(env, file.id, { token }),
      );
    } finally {
      blobs.get = get;
    }
    assert.equal(failed.status, 500);
    assert.equal((await downloadsOf(env, file.id)).length, 0);
    assert.equal(opened.length, 1, 'the object was opened before the audit');
    assert.equal(opened[0]?.destroyed, true, 'and released when the audit failed');
    const deadline = Date.now() + 2000;
    while ((await openFiles()).includes(blobPath) && Date.now() < deadline) await sleep(20);
    assert.ok(!(await openFiles()).includes(blobPath), 'the blob file is no longer open');
    const ok = await download(env, file.id, { token: await env.tokenFor('protocollista') });
    assert.equal(ok.status, 200);
    assert.ok(ok.body.equals(bytes));
  });

  it('fileDownloadLink refuses a TTL outside 1..3600 seconds', async () => {
    const file = await upload(env, 'protocollista', uniqueBytes('ttl'));
    for (const ttlSeconds of [0, 3601]) {
      const r = await gql(env, 'protocollista', FileDownloadLinkDocument, { id: file.id, ttlSeconds });
      assert.equal(errorCode(r), 'BAD_USER_INPUT', String(ttlSeconds));
      assert.equal(r.errors?.[0]?.extensions?.['field'], 'ttlSeconds');
    }
    const ok = await gql(env, 'protocollista', FileDownloadLinkDocument, { id: file.id, ttlSeconds: 3600 });
    assert.match(ok.data?.fileDownloadLink ?? '', new RegExp(`^${env.baseUrl}/files/`));
  });
});

describe('signed-link key', () => {
  it('is loaded again after a failed load instead of failing every link until restart', async () => {
    const secret = randomBytes(32);
    let executions = 0;
    // The edge here is the database: the first statement fails as if it were briefly down.
    const em = {
      execute: (query: string): Promise<unknown[]> => {
        executions += 1;
        if (executions === 1) return Promise.reject(new Error('connection terminated (injected)'));
        return Promise.resolve(query.trimStart().startsWith('select') ? [{ value: secret }] : []);
      },
    };
    const platform = { orm: { em: { fork: () => em } } } as unknown as Platform;
    const claims = { fileId: randomUUID(), userId: randomUUID(), expiresAt: 2_000_000_000 };
    await assert.rejects(signDownloadLink(platform, claims), /connection terminated/);
    const link = await signDownloadLink(platform, claims);
    const query = Object.fromEntries(new URL(link, 'http://x').searchParams);
    assert.deepEqual(await verifyDownloadLink(platform, claims.fileId, query, 1_900_000_000), claims);
    assert.equal(executions, 3, 'one failed attempt, then one load (insert + select) kept for later links');
  });
});
