import type { EventHandlerDefinition } from '../../../server/modules/module.js';
import { DailyRegisterProduced } from '../../../schema/registro-giornaliero/index.js';
import { conserveDailyRegister } from './conservation-runs.js';

/** The daily register goes to conservation as soon as it is produced (001 §6.8: by the next working day). */
export const dailyRegisterProducedHandler: EventHandlerDefinition<DailyRegisterProduced['data']> = {
  event: DailyRegisterProduced,
  handle: async (ctx, event) => {
    if (!ctx.platform.config.conservation.autoDailyRegister) return;
    await conserveDailyRegister(ctx, event.data.dailyRegisterId, event.data.aooId);
  },
};
