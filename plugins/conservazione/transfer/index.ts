import type { DmsModule } from '../../../server/modules/module.js';
import { dailyRegisterProducedHandler } from './daily-register.handler.js';
import { sweepJob, yearlyFascicoliJob } from './schedule.jobs.js';
import { conservazioneCommand } from './transfer.command.js';
import { transferJob } from './transfer.job.js';

/**
 * Transfers: the job that builds a package's SIP and sends it, the daily register sent when
 * produced, the sweep, the yearly run over closed fascicoli, and `dms conservazione`.
 */
export const CONSERVATION_TRANSFER = {
  jobs: [transferJob, sweepJob, yearlyFascicoliJob],
  eventHandlers: [dailyRegisterProducedHandler],
  commands: [conservazioneCommand],
} satisfies Partial<DmsModule>;

export { runTransfer, type TransferResult, type TransferOptions } from './transfer.service.js';
export {
  conserveDueFascicoli,
  conserveDailyRegister,
  sweep,
  type DueFascicoliRun,
} from './conservation-runs.js';
export { dueFascicoloIds } from './due-fascicoli.js';
