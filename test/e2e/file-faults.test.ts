import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectOrphanBlobs, scrubBlobs } from '../../schema/documents/blob-maintenance.js';
import { systemContext } from '../../server/context.js';
import { finalKeyFor } from '../../server/blob/blob-store.js';
import {
  count,
  httpError,
  createDocument,
  demoIds,
  postFile,
  sha256Hex,
  sleep,
  sql,
  storedKeys,
  uniqueBytes,
  upload,
  type DemoIds,
} from '../harness/files-helpers.js';
import { withFailingStatement } from '../harness/faults.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Fault injection on the file path: after each fault, no stored_file row points to a missing
 * object or to one whose bytes do not hash to its digest, and nothing half-written is kept.
 */

/** The invariant, checked independently of scrubBlobs: every row's object exists and matches. */
async function assertRowsMatchObjects(env: TestEnv): Promise<void> {
  const rows = await sql<{ sha256: string; size: string; blob_key: string }>(
    env,
    'select distinct sha256, size, blob_key from stored_file',
  );
  assert.ok(rows.length > 0);
  for (const row of rows) {
    assert.equal(row.blob_key, finalKeyFor(row.sha256));
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of await env.platform.blobs.get(row.blob_key)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    assert.deepEqual({ sha256: hash.digest('hex'), size }, { sha256: row.sha256, size: Number(row.size) });
  }
}

const fsRoot = (env: TestEnv): string => {
  assert.equal(env.config.blob.driver, 'fs');
  return path.resolve(env.config.blob.driver === 'fs' ? env.config.blob.dir : '');
};
const tmpEntries = (env: TestEnv): Promise<string[]> =>
  readdir(path.join(fsRoot(env), 'tmp')).catch(() => []);

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** 10 parallel uploads of one content: 10 rows, one object whose bytes hash to its key. */
async function concurrentSameContent(env: TestEnv): Promise<void> {
  const bytes = Buffer.concat([uniqueBytes('concurrent'), randomBytes(256 * 1024)]);
  const token = await env.tokenFor('protocollista');
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) => postFile(env, token, bytes, `copy-${i}.bin`)),
  );
  assert.deepEqual(
    results.map((r) => r.status),
    Array(10).fill(201),
  );
  const sha = sha256Hex(bytes);
  const rows = await sql<{ id: string; blob_key: string }>(
    env,
    'select id, blob_key from stored_file where sha256 = $1',
    [sha],
  );
  assert.equal(rows.length, 10);
  assert.equal(new Set(rows.map((r) => r.id)).size, 10);
  assert.deepEqual([...new Set(rows.map((r) => r.blob_key))], [finalKeyFor(sha)]);
  assert.deepEqual(
    (await storedKeys(env)).filter((k) => k.endsWith(sha)),
    [finalKeyFor(sha)],
  );
  const hash = createHash('sha256');
  for await (const chunk of await env.platform.blobs.get(finalKeyFor(sha))) hash.update(chunk as Buffer);
  assert.equal(hash.digest('hex'), sha);
  await assertRowsMatchObjects(env);
}

describe('file faults with the fs driver', () => {
  let env: TestEnv;
  let ids: DemoIds;
  before(async () => {
    env = await startTestEnv({ blobDriver: 'fs' });
    ids = await demoIds(env);
    await upload(env, 'protocollista', uniqueBytes('baseline'), 'baseline.txt');
  });
  after(async () => {
    await env.close();
  });

  it('(a) a client aborting mid-upload leaves no row, no final object and no temp file', async () => {
    const rows = await count(env, 'select 1 from stored_file');
    const keys = await storedKeys(env);
    const req = http.request(`${env.baseUrl}/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await env.tokenFor('protocollista')}`,
        'x-file-name': 'interrotto.bin',
        'content-length': String(10_000_000),
      },
    });
    const outcome = new Promise<string>((resolve) => {
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      req.on('response', (res) => resolve(`response ${res.statusCode}`));
    });
    req.write(randomBytes(256 * 1024));
    await waitFor('the upload to be spooled', async () => (await tmpEntries(env)).length > 0);
    req.destroy();
    assert.equal(await outcome, 'ECONNRESET', 'the client gave up before any response');
    await waitFor('the temp file to be removed', async () => (await tmpEntries(env)).length === 0);
    await sleep(200);
    assert.deepEqual(await tmpEntries(env), []);
    assert.equal(await count(env, 'select 1 from stored_file'), rows);
    assert.deepEqual(await storedKeys(env), keys);
    // The server is still serving uploads.
    await upload(env, 'protocollista', uniqueBytes('after abort'));
    await assertRowsMatchObjects(env);
  });

  it('(c) a failed row insert after the blob write: error, no row, an orphan collected only after its grace period', async () => {
    const orphanBytes = uniqueBytes('orphan', 5000);
    const orphanKey = finalKeyFor(sha256Hex(orphanBytes));
    const token = await env.tokenFor('protocollista');
    const failed = await withFailingStatement(
      env.databaseUrl,
      { table: 'stored_file', event: 'insert' },
      () => postFile(env, token, orphanBytes, 'orfano.bin'),
    );
    assert.equal(failed.status, 503);
    assert.equal(httpError(failed.body)['code'], 'RECORD_FAILED');
    assert.equal(failed.body['id'], undefined);
    assert.equal(
      await count(env, 'select 1 from stored_file where sha256 = $1', [sha256Hex(orphanBytes)]),
      0,
    );
    assert.ok((await storedKeys(env)).includes(orphanKey), 'the object was written before the row failed');
    await assertRowsMatchObjects(env);

    const kept = await upload(env, 'rpa.ragioneria', uniqueBytes('referenced', 5000));
    const young = await collectOrphanBlobs(env.platform, 3600_000);
    assert.deepEqual(young.removed, [], 'nothing is older than an hour');
    assert.ok((await storedKeys(env)).includes(orphanKey));

    const all = await collectOrphanBlobs(env.platform, 0);
    assert.equal(all.scanned, (await storedKeys(env)).length + 1);
    assert.deepEqual(all.removed, [orphanKey]);
    const keys = await storedKeys(env);
    assert.ok(!keys.includes(orphanKey));
    assert.ok(keys.includes(finalKeyFor(kept.sha256)), 'a referenced object is never collected');
    await assertRowsMatchObjects(env);
  });

  it('(d) 10 concurrent uploads of the same content share one verified object', async () => {
    await concurrentSameContent(env);
  });

  it('(e) scrub re-hashes: reports an object with corrupted bytes and a missing object', async () => {
    const clean = await scrubBlobs(env.platform);
    assert.deepEqual(
      { mismatched: clean.mismatched, missing: clean.missing },
      { mismatched: [], missing: [] },
    );
    assert.equal(clean.checked, await count(env, 'select distinct blob_key from stored_file'));
    const corrupted = await upload(env, 'protocollista', uniqueBytes('to corrupt', 4096));
    const deleted = await upload(env, 'protocollista', uniqueBytes('to delete', 4096));
    const fileOf = (sha: string): string => path.join(fsRoot(env), ...finalKeyFor(sha).split('/'));
    await writeFile(fileOf(corrupted.sha256), randomBytes(4096)); // same size, other bytes
    await rm(fileOf(deleted.sha256));
    const report = await scrubBlobs(env.platform);
    assert.equal(report.checked, clean.checked + 2);
    assert.deepEqual(report.mismatched, [finalKeyFor(corrupted.sha256)]);
    assert.deepEqual(report.missing, [finalKeyFor(deleted.sha256)]);
  });

  it('(f) database triggers: a stored file’s identity is immutable and never deleted; a registered document’s files are frozen', async () => {
    const file = await upload(env, 'rpa.ragioneria', uniqueBytes('triggers'));
    await assert.rejects(
      sql(env, `update stored_file set sha256 = $2 where id = $1`, [file.id, 'a'.repeat(64)]),
      /identity of a stored file .* is immutable/,
    );
    await assert.rejects(
      sql(env, `update stored_file set size = size + 1 where id = $1`, [file.id]),
      /is immutable/,
    );
    await assert.rejects(sql(env, 'delete from stored_file where id = $1', [file.id]), /never deleted/);
    // Only the signature outcome may change (re-verification).
    await sql(
      env,
      `update stored_file set signature_status = 'IMPOSSIBILE_EFFETTUARE_VERIFICA' where id = $1`,
      [file.id],
    );
    assert.equal(await count(env, 'select 1 from stored_file where id = $1', [file.id]), 1);

    const doc = await createDocument(env, 'rpa.ragioneria', {
      uorId: ids.uor['RAG'] ?? '',
      primaryFileId: file.id,
    });
    const insert = (position: number): Promise<unknown> =>
      sql(
        env,
        `insert into document_file (id, document_id, file_id, position, version, created_by) values ($1, $2, $3, $4, 1, $5)`,
        [randomUUID(), doc.id, file.id, position, ids.user['rpa.ragioneria']],
      );
    // While a draft, rows may be added and described (control for the assertions below).
    await insert(1);
    await sql(env, `update document_file set description = 'bozza' where document_id = $1`, [doc.id]);
    await assert.rejects(
      sql(env, `update document_file set position = 7 where document_id = $1 and position = 1`, [doc.id]),
      /never rewritten/,
    );

    await sql(env, 'update document set registered_at = now() where id = $1', [doc.id]);
    await assert.rejects(insert(2), /is registered: its files are immutable/);
    await assert.rejects(
      sql(env, `update document_file set description = 'dopo' where document_id = $1`, [doc.id]),
      /is registered/,
    );
    await assert.rejects(
      sql(env, `update document_file set superseded_at = now() where document_id = $1`, [doc.id]),
      /is registered/,
    );
    await assert.rejects(
      sql(env, 'delete from document_file where document_id = $1', [doc.id]),
      /never deleted/,
    );
    const rows = await sql<{ position: number; description: string | null; superseded_at: Date | null }>(
      env,
      'select position, description, superseded_at from document_file where document_id = $1 order by position',
      [doc.id],
    );
    assert.deepEqual(rows, [
      { position: 0, description: 'bozza', superseded_at: null },
      { position: 1, description: 'bozza', superseded_at: null },
    ]);
  });

  it('(g) the hourly blob-temp job removes temp files left over an hour ago and keeps fresh ones', async () => {
    const job = env.platform.modules.jobs.find((j) => j.item.name === 'documents.blob-temp')?.item;
    assert.ok(job?.cron, 'blob-temp is a recurring job');
    const tmp = path.join(fsRoot(env), 'tmp');
    await mkdir(tmp, { recursive: true });
    const stale = path.join(tmp, randomUUID());
    const fresh = path.join(tmp, randomUUID());
    await writeFile(stale, 'left by a crash');
    await writeFile(fresh, 'a write in progress');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    try {
      const ctx = await systemContext(env.platform, { actorId: null, requestId: 'test', agent: 'test' });
      assert.deepEqual(await job.run(ctx, {}), { removed: 1 });
      assert.deepEqual((await tmpEntries(env)).sort(), [path.basename(fresh)]);
    } finally {
      await rm(fresh, { force: true });
    }
  });
});

describe('file faults with the s3 driver', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ blobDriver: 's3' });
    await upload(env, 'protocollista', uniqueBytes('baseline'), 'baseline.txt');
  });
  after(async () => {
    await env.close();
  });

  it('(d) 10 concurrent uploads of the same content share one verified object', async () => {
    await concurrentSameContent(env);
  });

  it('(b) storage stopped mid-upload: 503 STORAGE_UNAVAILABLE and no row', async () => {
    const s3 = env.s3;
    assert.ok(s3);
    await assertRowsMatchObjects(env);
    const rows = await count(env, 'select 1 from stored_file');
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 8) return controller.close();
        sent += 1;
        if (sent === 3) await s3.stop();
        await sleep(20);
        controller.enqueue(new Uint8Array(randomBytes(64 * 1024)));
      },
    });
    const res = await fetch(`${env.baseUrl}/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await env.tokenFor('protocollista')}`,
        'x-file-name': 'storage-giu.bin',
      },
      body,
      duplex: 'half',
    });
    const json = httpError(await res.json());
    assert.equal(sent, 8, 'the whole body was sent');
    assert.equal(res.status, 503);
    assert.equal(json['code'], 'STORAGE_UNAVAILABLE');
    assert.match(String(json['message']), /nothing was saved/);
    assert.equal(await count(env, 'select 1 from stored_file'), rows);
    assert.equal(await count(env, `select 1 from audit_event where operation = 'file.upload'`), rows);
    const ready = await fetch(`${env.baseUrl}/readyz`);
    assert.equal(ready.status, 503, 'readiness reports the storage outage');
  });
});
