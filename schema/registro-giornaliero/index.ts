import { defineModule } from '../../server/modules/module.js';
import { dailyRegisterCommand } from './daily-register.command.js';
import { missingDailyRegisterReport } from './daily-register.health.js';
import { DailyRegister } from './daily-register.entity.js';
import { DailyRegisterResolver } from './daily-register.resolver.js';
import { dailyRegisterRoutes } from './daily-register.routes.js';
import { DAILY_REGISTER_JOBS } from './jobs.js';
import { DAILY_REGISTER_EVENTS } from './daily-register.events.js';
import { Migration20261205000095_registro_giornaliero } from './migrations/Migration20261205000095_registro_giornaliero.js';
import { Migration20261207000010_daily_register_conserved_final } from './migrations/Migration20261207000010_daily_register_conserved_final.js';
import { DAILY_REGISTER_PERMISSIONS } from './permissions.js';
import { DAILY_REGISTER_ERROR_CODES } from './registro-giornaliero.errors.js';

/**
 * The daily protocol register (001 §6.8, DOMAIN §5): for every AOO and Italian calendar day, an
 * XML (registro-giornaliero.xsd, in this folder) of the day's registrations, annulments and
 * changes with the audit chain head at the close, stored as an immutable document, sealed with a
 * detached CAdES-BES by the AOO's seal, numbered in the REGISTRO_GIORNALIERO repertorio and marked
 * ready for conservation. A recurring job catches up every missing day in order;
 * `dms daily-register` runs one day by hand.
 */
export const registroGiornalieroModule = defineModule({
  name: 'registro-giornaliero',
  entities: [DailyRegister],
  migrations: [
    {
      name: 'Migration20261205000095_registro_giornaliero',
      class: Migration20261205000095_registro_giornaliero,
    },
    {
      name: 'Migration20261207000010_daily_register_conserved_final',
      class: Migration20261207000010_daily_register_conserved_final,
    },
  ],
  resolvers: [DailyRegisterResolver],
  routes: [dailyRegisterRoutes],
  jobs: DAILY_REGISTER_JOBS,
  permissions: DAILY_REGISTER_PERMISSIONS,
  errorCodes: DAILY_REGISTER_ERROR_CODES,
  events: DAILY_REGISTER_EVENTS,
  commands: [dailyRegisterCommand],
  healthReports: [missingDailyRegisterReport],
});

// What other modules may use (the conservation plugin reads the registers READY_FOR_CONSERVATION).
export { DailyRegister, DailyRegisterState } from './daily-register.entity.js';
export { produceDailyRegister } from './daily-register.service.js';
export { setDailyRegisterConservationState } from './conservation-state.service.js';
export { DailyRegisterProduced, DailyRegisterConservationChanged } from './daily-register.events.js';
export { DAILY_REGISTER_READ } from './permissions.js';
