import type { JobDefinition } from '../server/jobs/job-queue.js';
import { collectOrphanBlobs, removeStaleBlobTemp, scrubBlobs } from './documents/blob-maintenance.js';
import { expireUploadSessions } from './documents/direct-upload.service.js';

/** Temporary blob files untouched this long were left by a crash (a live write keeps its file fresh). */
export const STALE_BLOB_TEMP_MS = 60 * 60 * 1000;

/** Recurring jobs of the core modules. */
export function coreJobs(orphanGraceMs: number): JobDefinition[] {
  return [
    {
      name: 'blob-orphans',
      cron: '23 * * * *',
      run: (platform) => collectOrphanBlobs(platform, orphanGraceMs),
    },
    { name: 'blob-scrub', cron: '41 2 * * *', run: (platform) => scrubBlobs(platform) },
    {
      name: 'blob-temp',
      cron: '7 * * * *',
      run: (platform) => removeStaleBlobTemp(platform, STALE_BLOB_TEMP_MS),
    },
    { name: 'upload-sessions', cron: '*/15 * * * *', run: (platform) => expireUploadSessions(platform) },
  ];
}
