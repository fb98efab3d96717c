import { romeDay } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { Aoo } from '../organisation/index.js';
import { DailyRegister } from './daily-register.entity.js';
import { produceDailyRegister } from './daily-register.service.js';
import { addDays, romeTime } from './rome-day.js';

/** At most this many days per AOO in one run (a long outage is caught up over several runs). */
export const MAX_DAYS_PER_RUN = 62;

/**
 * The last day whose register is due at `now`: yesterday (Europe/Rome) once the Rome time of day
 * has reached DAILY_REGISTER_TIME, the day before yesterday until then.
 */
export function lastDueDay(now: Date, registerTime: string): string {
  const today = romeDay(now);
  return addDays(today, romeTime(now) >= registerTime ? -1 : -2);
}

export interface CatchUpOutcome {
  aooCode: string;
  produced: string[];
  /** The day that failed (and why): the AOO's later days wait for it, the next run tries again. */
  failed?: { day: string; error: string };
}

/**
 * The job's work: for every AOO, each day without a register from the day after its latest
 * register (or the day the AOO was created) to the last due day, in order; a failure stops that
 * AOO's run (the progressive numbers follow the days) and the next run tries again.
 */
export async function catchUpDailyRegisters(ctx: RequestContext): Promise<CatchUpOutcome[]> {
  const last = lastDueDay(ctx.clock.now(), ctx.platform.config.dailyRegisterTime);
  const aoos = await ctx.em.fork().find(Aoo, {}, { orderBy: { code: 'asc' } });
  const outcomes: CatchUpOutcome[] = [];
  for (const aoo of aoos) {
    const latest = await ctx.em
      .fork()
      .findOne(DailyRegister, { aooId: aoo.id }, { orderBy: { day: 'desc' }, fields: ['day'] });
    let day = latest ? addDays(latest.day, 1) : romeDay(aoo.createdAt);
    const outcome: CatchUpOutcome = { aooCode: aoo.code, produced: [] };
    for (let n = 0; day <= last && n < MAX_DAYS_PER_RUN; n++, day = addDays(day, 1)) {
      try {
        const { created } = await produceDailyRegister(ctx, aoo.id, day);
        if (created) outcome.produced.push(day);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        outcome.failed = { day, error };
        ctx.logger.warn(
          { aoo: aoo.code, day, err: e },
          'daily register not produced; retried on the next run',
        );
        break;
      }
    }
    if (outcome.produced.length > 0 || outcome.failed) outcomes.push(outcome);
  }
  return outcomes;
}
