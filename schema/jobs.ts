import type { JobDefinition } from '../server/jobs/job-queue.js';
import { collectOrphanBlobs, scrubBlobs } from './documents/blob-maintenance.js';
import { expireUploadSessions } from './documents/direct-upload.service.js';

/** Recurring jobs of the core modules. */
export function coreJobs(orphanGraceMs: number): JobDefinition[] {
  return [
    {
      name: 'blob-orphans',
      cron: '23 * * * *',
      run: (platform) => collectOrphanBlobs(platform, orphanGraceMs),
    },
    { name: 'blob-scrub', cron: '41 2 * * *', run: (platform) => scrubBlobs(platform) },
    { name: 'upload-sessions', cron: '*/15 * * * *', run: (platform) => expireUploadSessions(platform) },
  ];
}
