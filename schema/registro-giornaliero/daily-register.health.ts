import { romeDay } from '../../server/clock.js';
import type { HealthReport } from '../../server/modules/module.js';
import { Aoo } from '../organisation/index.js';
import { lastDueDay } from './daily-register-catch-up.js';
import { DailyRegister } from './daily-register.entity.js';
import { workingDayOnOrBefore } from './working-days.js';

/**
 * GET /readyz `reports`: every AOO whose register of the previous working day is missing once it
 * is due (001 §6.8: the register goes to conservation by the next working day). The day is the
 * latest working day up to the last due day (yesterday once DAILY_REGISTER_TIME has passed).
 */
export const missingDailyRegisterReport: HealthReport = {
  name: 'registro-giornaliero.missing',
  async report(platform) {
    const em = platform.orm.em.fork();
    const day = workingDayOnOrBefore(lastDueDay(platform.clock.now(), platform.config.dailyRegisterTime));
    const aoos = (await em.find(Aoo, {}, { orderBy: { code: 'asc' } })).filter(
      (a) => romeDay(a.createdAt) <= day,
    );
    if (aoos.length === 0) return [];
    const have = new Set(
      (
        await em.find(DailyRegister, { day, aooId: { $in: aoos.map((a) => a.id) } }, { fields: ['aooId'] })
      ).map((r) => r.aooId),
    );
    return aoos
      .filter((a) => !have.has(a.id))
      .map((a) => `AOO ${a.code}: the daily register of ${day} (the previous working day) is missing`);
  },
};
