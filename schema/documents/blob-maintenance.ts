import { createHash } from 'node:crypto';
import type { BlobStat } from '../../server/blob/blob-store.js';
import { pgArray } from '../../server/db/sql-array.js';
import type { Platform } from '../../server/platform.js';
import { blobLockKey } from './blob-lock.js';

export interface OrphanReport {
  scanned: number;
  removed: string[];
}

export interface ScrubReport {
  checked: number;
  /** Objects whose bytes no longer hash to their key. */
  mismatched: string[];
  /** Objects a row points to that storage does not have. */
  missing: string[];
}

/**
 * Removes stored objects that no row references, once they are older than the grace period
 * (an upload writes its object before its row). Each removal happens under the same advisory
 * lock an upload takes to record its row, with the reference checked again inside it, so an
 * object a row references is never removed.
 */
export async function collectOrphanBlobs(platform: Platform, graceMs: number): Promise<OrphanReport> {
  const referencing = referencingSql(platform);
  const cutoff = platform.clock.now().getTime() - graceMs;
  const report: OrphanReport = { scanned: 0, removed: [] };
  let batch: BlobStat[] = [];
  const flush = async (): Promise<void> => {
    const candidates = batch.filter((b) => b.lastModified.getTime() < cutoff);
    batch = [];
    if (candidates.length === 0) return;
    const em = platform.orm.em.fork();
    const referenced = new Set(
      (
        await em.execute<Array<{ blob_key: string }>>(
          `select distinct blob_key from (${referencing}) r where blob_key = any(?::text[])`,
          [pgArray(candidates.map((c) => c.key))],
        )
      ).map((r) => r.blob_key),
    );
    for (const c of candidates) {
      if (referenced.has(c.key)) continue;
      const removed = await platform.orm.em.fork().transactional(async (tx) => {
        await tx.execute('select pg_advisory_xact_lock(?)', [blobLockKey(c.key.slice(-64))]);
        const still = await tx.execute<Array<{ one: number }>>(
          `select 1 as one from (${referencing}) r where blob_key = ? limit 1`,
          [c.key],
        );
        if (still.length > 0) return false;
        await platform.blobs.delete(c.key);
        return true;
      });
      if (removed) report.removed.push(c.key);
    }
  };
  for await (const blob of platform.blobs.list()) {
    report.scanned++;
    batch.push(blob);
    if (batch.length >= 500) await flush();
  }
  await flush();
  if (report.removed.length > 0)
    platform.logger.info({ removed: report.removed.length }, 'orphan blobs removed');
  return report;
}

/** Every blob key a row references: stored files and what modules declare (blobReferences). */
function referencingSql(platform: Platform): string {
  const parts = ['select blob_key from stored_file'];
  for (const m of platform.modules.modules) {
    for (const select of m.blobReferences ?? [])
      parts.push(`select blob_key from (${select}) ${m.name.replace(/\W/g, '_')}_refs`);
  }
  return parts.join(' union all ');
}

/** Re-hashes every object a row references and reports what no longer matches. */
export async function scrubBlobs(platform: Platform): Promise<ScrubReport> {
  const report: ScrubReport = { checked: 0, mismatched: [], missing: [] };
  const em = platform.orm.em.fork();
  let after = '';
  for (;;) {
    const keys = (
      await em.execute<Array<{ blob_key: string }>>(
        `select distinct blob_key from stored_file where blob_key > ? order by blob_key limit 200`,
        [after],
      )
    ).map((r) => r.blob_key);
    if (keys.length === 0) break;
    for (const key of keys) {
      report.checked++;
      if ((await platform.blobs.stat(key)) === null) {
        report.missing.push(key);
        continue;
      }
      const hash = createHash('sha256');
      for await (const chunk of await platform.blobs.get(key)) hash.update(chunk as Buffer);
      if (hash.digest('hex') !== key.slice(-64)) report.mismatched.push(key);
    }
    after = keys[keys.length - 1] ?? after;
  }
  if (report.mismatched.length > 0 || report.missing.length > 0) {
    platform.logger.error(
      { mismatched: report.mismatched, missing: report.missing },
      'blob scrub found damaged or missing objects',
    );
  }
  return report;
}

/**
 * Removes temporary files of blob writes interrupted by a crash, once untouched for
 * `olderThanMs` (a write in progress keeps its file fresh). Drivers without local temporary
 * files have nothing to do.
 */
export async function removeStaleBlobTemp(
  platform: Platform,
  olderThanMs: number,
): Promise<{ removed: number }> {
  const removed = (await platform.blobs.removeStaleTemp?.(olderThanMs)) ?? 0;
  if (removed > 0) platform.logger.info({ removed }, 'stale blob temp files removed');
  return { removed };
}
