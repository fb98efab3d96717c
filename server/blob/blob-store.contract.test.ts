import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { startS3Server } from '../../test/harness/s3-server.js';
import {
  BlobMismatchError,
  BlobNotFoundError,
  BlobTooLargeError,
  InvalidBlobKeyError,
  finalKeyFor,
  type BlobStat,
  type BlobStore,
} from './blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

interface Subject {
  store: BlobStore & { removeStaleTemp(olderThanMs: number): Promise<number> };
  /** The local folder where this driver keeps writes in progress. */
  tempDir: string;
  /** Everything a failed put could leave behind: temp files, and (s3) non-final bucket keys. */
  leftovers(): Promise<string[]>;
  /** fs only: the folder containing the store's root, i.e. where `../x` keys would point. */
  outside?: string;
  close(): Promise<void>;
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function fsSubject(): Promise<Subject> {
  const outside = await mkdtemp(path.join(tmpdir(), 'dms-blob-fs-'));
  const store = new FsBlobStore({ driver: 'fs', dir: path.join(outside, 'store') });
  const tempDir = path.join(outside, 'store', 'tmp');
  return {
    store,
    tempDir,
    outside,
    leftovers: () => entries(tempDir),
    close: () => rm(outside, { recursive: true, force: true }),
  };
}

async function s3Subject(): Promise<Subject> {
  const server = await startS3Server();
  const tempDir = await mkdtemp(path.join(tmpdir(), 'dms-blob-spool-'));
  const store = new S3BlobStore(server.config, { spoolDir: tempDir });
  return {
    store,
    tempDir,
    async leftovers() {
      const page = await store.client.listObjectsV2Query(server.bucket, '', '', '', 1000, '');
      const stray = page.objects.flatMap((o) =>
        o.name !== undefined && !o.name.startsWith('sha256/') ? [o.name] : [],
      );
      return [...(await entries(tempDir)), ...stray];
    },
    async close() {
      await server.stop();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listAll(store: BlobStore): Promise<BlobStat[]> {
  const out: BlobStat[] = [];
  for await (const item of store.list()) out.push(item);
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** Emits `chunks`, waits until `ready()` holds (or 2 s pass), then fails with `error`. */
function failingSource(chunks: Buffer[], error: Error, ready: () => Promise<boolean>): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i < chunks.length) {
        this.push(chunks[i++]);
        return;
      }
      void (async () => {
        const deadline = Date.now() + 2000;
        while (!(await ready()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        this.destroy(error);
      })();
    },
  });
}

const subjects: [string, () => Promise<Subject>][] = [
  ['fs', fsSubject],
  ['s3', s3Subject],
];

for (const [name, makeSubject] of subjects) {
  void describe(`BlobStore contract: ${name} driver`, () => {
    let s: Subject;
    before(async () => {
      s = await makeSubject();
    });
    after(async () => {
      await s.close();
    });

    it('put reports the SHA-256 and size of the bytes and stores them under the final key', async () => {
      const bytes = randomBytes(10_000);
      const stored = await s.store.put(Readable.from([bytes.subarray(0, 3000), bytes.subarray(3000)]));
      assert.equal(stored.sha256, sha256(bytes));
      assert.equal(stored.size, bytes.length);
      assert.equal(stored.key, finalKeyFor(sha256(bytes)));
      const st = await s.store.stat(stored.key);
      assert.deepEqual({ key: st?.key, size: st?.size }, { key: stored.key, size: bytes.length });
      assert.ok(
        st && Math.abs(st.lastModified.getTime() - Date.now()) < 60_000,
        'lastModified is the write time',
      );
      assert.deepEqual(await s.leftovers(), []);
    });

    it('get returns exactly the stored bytes, including an empty blob', async () => {
      for (const bytes of [randomBytes(70_000), Buffer.alloc(0)]) {
        const stored = await s.store.put(Readable.from([bytes]), { expectedSize: bytes.length });
        assert.ok((await readAll(await s.store.get(stored.key))).equals(bytes));
      }
    });

    it('range get returns exactly the inclusive byte range', async () => {
      const bytes = randomBytes(1000);
      const { key } = await s.store.put(Readable.from([bytes]));
      for (const [start, end] of [
        [0, 0],
        [10, 19],
        [999, 999],
        [0, 999],
      ] as const) {
        const got = await readAll(await s.store.get(key, { start, end }));
        assert.ok(got.equals(bytes.subarray(start, end + 1)), `range ${start}-${end}`);
      }
      // An end past the last byte is clamped, as in HTTP; a start past it is unsatisfiable.
      assert.ok(
        (await readAll(await s.store.get(key, { start: 995, end: 5000 }))).equals(bytes.subarray(995)),
      );
      await assert.rejects(s.store.get(key, { start: 1000, end: 1010 }), RangeError);
      await assert.rejects(s.store.get(key, { start: 5, end: 4 }), RangeError);
    });

    it('stores duplicate content once', async () => {
      const before = await listAll(s.store);
      const bytes = randomBytes(4096);
      const [a, b] = await Promise.all([
        s.store.put(Readable.from([bytes])),
        s.store.put(Readable.from([bytes])),
      ]);
      const c = await s.store.put(Readable.from([bytes]));
      assert.equal(a.key, b.key);
      assert.equal(a.key, c.key);
      const after = await listAll(s.store);
      assert.equal(after.length, before.length + 1);
      assert.deepEqual(
        after.filter((x) => x.key === a.key).map((x) => ({ key: x.key, size: x.size })),
        [{ key: a.key, size: 4096 }],
      );
      assert.deepEqual(await s.leftovers(), []);
    });

    it('maxBytes: refuses as soon as the limit is passed, stores nothing, leaves no temp file', async () => {
      const before = await listAll(s.store);
      const chunk = randomBytes(64 * 1024);
      let pulled = 0;
      const source = Readable.from(
        (function* () {
          for (let i = 0; i < 200; i++) {
            pulled++;
            yield chunk;
          }
        })(),
        { objectMode: false },
      );
      await assert.rejects(s.store.put(source, { maxBytes: 100 * 1024 }), BlobTooLargeError);
      assert.ok(pulled <= 10, `the source was read on after the limit (${pulled} of 200 chunks)`);
      assert.deepEqual(await listAll(s.store), before);
      assert.deepEqual(await s.leftovers(), []);
    });

    it('expectedSha256 / expectedSize mismatch: BlobMismatchError and nothing under the final key', async () => {
      const bytes = randomBytes(2048);
      const before = await listAll(s.store);
      await assert.rejects(
        s.store.put(Readable.from([bytes]), { expectedSha256: sha256(Buffer.from('other')) }),
        BlobMismatchError,
      );
      await assert.rejects(s.store.put(Readable.from([bytes]), { expectedSize: 2047 }), BlobMismatchError);
      await assert.rejects(s.store.put(Readable.from([bytes]), { expectedSize: 2049 }), BlobMismatchError);
      assert.equal(await s.store.stat(finalKeyFor(sha256(bytes))), null);
      assert.deepEqual(await listAll(s.store), before);
      assert.deepEqual(await s.leftovers(), []);
      // The right expectations (digest in upper case too) are accepted.
      const ok = await s.store.put(Readable.from([bytes]), {
        expectedSha256: sha256(bytes).toUpperCase(),
        expectedSize: 2048,
      });
      assert.equal(ok.sha256, sha256(bytes));
    });

    it('a source that fails midway: put rejects with its error, no final key, temp removed', async () => {
      const before = await listAll(s.store);
      const chunks = [randomBytes(50_000), randomBytes(50_000)];
      const boom = new Error('connection reset by client');
      let tempSeen = false;
      const source = failingSource(chunks, boom, async () => (tempSeen = (await s.leftovers()).length > 0));
      await assert.rejects(s.store.put(source), (err) => err === boom);
      assert.ok(tempSeen, 'the put had started writing a temp file before the failure');
      assert.equal(await s.store.stat(finalKeyFor(sha256(Buffer.concat(chunks)))), null);
      assert.deepEqual(await listAll(s.store), before);
      assert.deepEqual(await s.leftovers(), []);
    });

    it('stat of a missing key is null; get of it is BlobNotFoundError', async () => {
      const missing = finalKeyFor(sha256(randomBytes(16)));
      assert.equal(await s.store.stat(missing), null);
      await assert.rejects(s.store.get(missing), BlobNotFoundError);
      await assert.rejects(s.store.get(missing, { start: 0, end: 1 }), BlobNotFoundError);
    });

    it('delete removes the blob and is idempotent', async () => {
      const { key } = await s.store.put(Readable.from([randomBytes(512)]));
      await s.store.delete(key);
      assert.equal(await s.store.stat(key), null);
      await assert.rejects(s.store.get(key), BlobNotFoundError);
      await s.store.delete(key);
      assert.ok(!(await listAll(s.store)).some((x) => x.key === key));
    });

    it('refuses keys that finalKeyFor cannot produce (path traversal)', async () => {
      const hex = sha256(Buffer.from('x'));
      // A file that `../canary` would reach from the fs root (inside the test's temp folder).
      const canary = s.outside === undefined ? undefined : path.join(s.outside, 'canary');
      if (canary !== undefined) await writeFile(canary, 'keep');
      const bad = [
        '../../etc/passwd',
        '../canary',
        `sha256/${hex.slice(0, 2)}/${hex.slice(2, 4)}/../../../../canary`,
        `/sha256/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}`,
        `sha256/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex.toUpperCase()}`,
        `sha256/00/00/${hex}`,
        `sha256/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}/`,
        'tmp/whatever',
      ];
      for (const key of bad) {
        await assert.rejects(s.store.get(key), InvalidBlobKeyError, key);
        await assert.rejects(s.store.stat(key), InvalidBlobKeyError, key);
        await assert.rejects(s.store.delete(key), InvalidBlobKeyError, key);
        await assert.rejects(s.store.presignedGet(key, 60), InvalidBlobKeyError, key);
      }
      if (canary !== undefined) assert.equal((await stat(canary)).size, 4);
    });

    it('puts ~5 MiB streamed in 64 KiB chunks', async () => {
      const hash = createHash('sha256');
      const total = 5 * 1024 * 1024 + 123;
      const source = Readable.from(
        (function* () {
          for (let sent = 0; sent < total;) {
            const chunk = randomBytes(Math.min(64 * 1024, total - sent));
            hash.update(chunk);
            sent += chunk.length;
            yield chunk;
          }
        })(),
      );
      const stored = await s.store.put(source, { maxBytes: total });
      assert.equal(stored.size, total);
      assert.equal(stored.sha256, hash.digest('hex'));
      const back = createHash('sha256');
      for await (const chunk of await s.store.get(stored.key)) back.update(chunk as Buffer);
      assert.equal(back.digest('hex'), stored.sha256);
    });

    it('ping succeeds; removeStaleTemp removes only old temp files', async () => {
      await s.store.ping();
      const old = path.join(s.tempDir, 'crashed-put');
      const fresh = path.join(s.tempDir, 'running-put');
      await writeFile(old, 'x');
      await writeFile(fresh, 'y');
      const hourAgo = new Date(Date.now() - 3600_000);
      await utimes(old, hourAgo, hourAgo);
      assert.equal(await s.store.removeStaleTemp(60_000), 1);
      assert.deepEqual(await entries(s.tempDir), ['running-put']);
      await rm(fresh);
    });
  });
}

describe('fs driver specifics', () => {
  it('has no presigned URLs', async () => {
    const subject = await fsSubject();
    try {
      const { key } = await subject.store.put(Readable.from([Buffer.from('abc')]));
      assert.equal(await subject.store.presignedGet(key, 60, 'a.pdf'), null);
    } finally {
      await subject.close();
    }
  });
});
