import type { JobDefinition } from '../../../server/modules/module.js';
import { TRANSFER_JOB, type TransferJobData } from '../package/index.js';
import { runTransfer } from './transfer.service.js';

/**
 * The transfer of one package, enqueued with it. Retried while the conservator is unavailable
 * or answers unacceptably: 10 more attempts from 2 minutes, doubling (about 34 hours in all);
 * after that the sweep enqueues it again.
 */
export const transferJob: JobDefinition<TransferJobData> = {
  name: TRANSFER_JOB,
  retryLimit: 10,
  retryDelaySeconds: 120,
  run: (ctx, data) => runTransfer(ctx, data.packageId),
};
