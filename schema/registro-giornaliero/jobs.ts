import type { JobDefinition } from '../../server/modules/module.js';
import { catchUpDailyRegisters } from './daily-register-catch-up.js';

/**
 * Every 15 minutes: the registers due and missing, in order (the schedule is UTC, the day is
 * Rome's, so the job decides itself whether DAILY_REGISTER_TIME has passed). pg-boss runs a
 * schedule once across replicas; the per-AOO lock and the unique day keep a stray double run
 * harmless.
 */
export const DAILY_REGISTER_JOBS: readonly JobDefinition[] = [
  {
    name: 'registro-giornaliero.produce',
    cron: '*/15 * * * *',
    run: (ctx) => catchUpDailyRegisters(ctx),
  },
];
