import type { JobDefinition } from '../../../server/modules/module.js';
import { conserveDueFascicoliEverywhere, sweep } from './conservation-runs.js';

/** Every 15 minutes: registers left ready, transfers that gave up or stalled (pg-boss runs a schedule once across replicas). */
export const sweepJob: JobDefinition = {
  name: 'conservazione.sweep',
  cron: '*/15 * * * *',
  run: (ctx) => sweep(ctx),
};

/** On 2 January: every fascicolo closed more than a year ago and not yet transferred (DOMAIN §9). */
export const yearlyFascicoliJob: JobDefinition = {
  name: 'conservazione.yearly-fascicoli',
  cron: '0 3 2 1 *',
  run: (ctx) => conserveDueFascicoliEverywhere(ctx),
};
