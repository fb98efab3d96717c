import type { JobDefinition } from '../../server/modules/module.js';
import { collectOrphanBlobs, removeStaleBlobTemp, scrubBlobs } from './blob-maintenance.js';
import { expireUploadSessions } from './direct-upload.service.js';

/** Temporary blob files untouched this long were left by a crash (a live write keeps its file fresh). */
export const STALE_BLOB_TEMP_MS = 60 * 60 * 1000;

/** Recurring maintenance of the stored files. */
export const DOCUMENT_JOBS: readonly JobDefinition[] = [
  {
    name: 'documents.blob-orphans',
    cron: '23 * * * *',
    run: (ctx) => collectOrphanBlobs(ctx.platform, ctx.platform.config.orphanGraceMs),
  },
  { name: 'documents.blob-scrub', cron: '41 2 * * *', run: (ctx) => scrubBlobs(ctx.platform) },
  {
    name: 'documents.blob-temp',
    cron: '7 * * * *',
    run: (ctx) => removeStaleBlobTemp(ctx.platform, STALE_BLOB_TEMP_MS),
  },
  {
    name: 'documents.upload-sessions',
    cron: '*/15 * * * *',
    run: (ctx) => expireUploadSessions(ctx.platform),
  },
];
