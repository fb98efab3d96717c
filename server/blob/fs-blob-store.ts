import { randomUUID } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { access, mkdir, open, opendir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FsBlobConfig } from '../config.js';
import {
  BlobNotFoundError,
  finalKeyFor,
  isFinalKey,
  type BlobStat,
  type BlobStore,
  type ByteRange,
  type PutOptions,
  type StoredBlob,
} from './blob-store.js';
import {
  assertFinalKey,
  assertRange,
  removeQuietly,
  removeStaleFiles,
  spoolToFile,
  syncDir,
} from './blob-io.js';

function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === code;
}

async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await stat(file);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return null;
    throw err;
  }
}

/**
 * Blobs as files under one root: `<dir>/sha256/aa/bb/<hex>` for content, `<dir>/tmp/` for
 * writes in progress. The temp folder sits on the same filesystem as the final paths, so the
 * move to the final key is an atomic rename(2): readers see either nothing or the whole file.
 */
export class FsBlobStore implements BlobStore {
  readonly driver = 'fs' as const;
  readonly root: string;
  private readonly tmpDir: string;

  constructor(config: FsBlobConfig) {
    this.root = path.resolve(config.dir);
    this.tmpDir = path.join(this.root, 'tmp');
  }

  /** Only keys of the exact finalKeyFor shape reach the filesystem (no `..`, no absolute paths). */
  private pathFor(key: string): string {
    assertFinalKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(body: Readable, options?: PutOptions): Promise<StoredBlob> {
    const spooled = await spoolToFile(body, this.tmpDir, options);
    const key = finalKeyFor(spooled.sha256);
    const target = this.pathFor(key);
    try {
      const existing = await statOrNull(target);
      if (existing?.isFile() && existing.size === spooled.size) {
        // Same digest, same size: the content is already stored once; keep the existing file.
        await unlink(spooled.path);
      } else {
        // Absent (or a truncated leftover of a damaged disk, which this replaces).
        const parent = path.dirname(target);
        const firstCreated = await mkdir(parent, { recursive: true });
        await rename(spooled.path, target);
        await syncDir(parent);
        if (firstCreated !== undefined) {
          // New directories must be durable too, or a crash could lose the renamed entry.
          for (let dir = path.dirname(parent); dir.startsWith(this.root); dir = path.dirname(dir)) {
            await syncDir(dir);
            if (dir === this.root) break;
          }
        }
      }
    } catch (err) {
      await removeQuietly(spooled.path);
      throw err;
    }
    return { key, sha256: spooled.sha256, size: spooled.size };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathFor(key);
    if (range) assertRange(range);
    let handle;
    try {
      // Open first so a missing key is reported here, not as a later stream error.
      handle = await open(file, 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) throw new BlobNotFoundError(key);
      throw err;
    }
    if (range === undefined) return handle.createReadStream();
    try {
      const { size } = await handle.stat();
      if (range.start >= size) {
        // Same outcome as S3's InvalidRange (HTTP 416), so callers see one behaviour per driver.
        throw new RangeError(`Range start ${range.start} is beyond the end of a ${size}-byte blob`);
      }
    } catch (err) {
      await handle.close();
      throw err;
    }
    return handle.createReadStream({ start: range.start, end: range.end });
  }

  async stat(key: string): Promise<BlobStat | null> {
    const s = await statOrNull(this.pathFor(key));
    return s?.isFile() ? { key, size: s.size, lastModified: s.mtime } : null;
  }

  async delete(key: string): Promise<void> {
    await removeQuietly(this.pathFor(key));
  }

  presignedGet(key: string, _expirySeconds: number, _fileName?: string): Promise<string | null> {
    // No URL can reach a local disk without going through the app; downloads stream via HTTP.
    // (.then so that a bad key rejects like in the s3 driver instead of throwing synchronously.)
    return Promise.resolve().then(() => {
      assertFinalKey(key);
      return null;
    });
  }

  async *list(): AsyncIterable<BlobStat> {
    const base = path.join(this.root, 'sha256');
    for (const level1 of await this.subdirs(base)) {
      for (const level2 of await this.subdirs(path.join(base, level1))) {
        const dir = path.join(base, level1, level2);
        let handle;
        try {
          handle = await opendir(dir);
        } catch (err) {
          if (isErrno(err, 'ENOENT')) continue; // removed while we were walking
          throw err;
        }
        // opendir streams entries, so a folder with many blobs is not read into memory at once.
        for await (const entry of handle) {
          if (!entry.isFile()) continue;
          const key = `sha256/${level1}/${level2}/${entry.name}`;
          if (!isFinalKey(key)) continue;
          const s = await statOrNull(path.join(dir, entry.name));
          if (s) yield { key, size: s.size, lastModified: s.mtime };
        }
      }
    }
  }

  private async subdirs(dir: string): Promise<string[]> {
    const names: string[] = [];
    try {
      for await (const entry of await opendir(dir)) {
        if (entry.isDirectory() && /^[0-9a-f]{2}$/.test(entry.name)) names.push(entry.name);
      }
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    return names.sort();
  }

  /** Writes and removes a probe file: access(W_OK) alone misses a full disk or a broken mount. */
  async ping(): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
    await access(this.tmpDir, constants.W_OK);
    const probe = path.join(this.tmpDir, `ping-${randomUUID()}`);
    try {
      await writeFile(probe, 'ok', { flag: 'wx' });
    } finally {
      await removeQuietly(probe);
    }
  }

  /** Removes temp files of puts interrupted by a crash; run at start and periodically. */
  removeStaleTemp(olderThanMs: number): Promise<number> {
    return removeStaleFiles(this.tmpDir, olderThanMs);
  }
}
