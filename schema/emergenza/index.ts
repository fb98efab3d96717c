import { defineModule } from '../../server/modules/module.js';
import { DEMO_EMERGENCY, seedDemoEmergenza } from './demo/demo-emergenza.js';
import { EmergencyPeriod } from './emergency-period.entity.js';
import { EmergencyRegister } from './emergency-register.entity.js';
import { EmergencyRegistration } from './emergency-registration.entity.js';
import {
  EmergencyPeriodFieldsResolver,
  EmergencyRegisterFieldsResolver,
  EmergencyRegistrationFieldsResolver,
  ProtocolRecordEmergencyResolver,
} from './emergenza-fields.resolver.js';
import { EMERGENCY_EVENTS } from './emergenza-events.js';
import { EmergenzaResolver } from './emergenza.resolver.js';
import { EMERGENCY_ERROR_CODES } from './emergenza.errors.js';
import { Migration20261205000071_emergenza } from './migrations/Migration20261205000071_emergenza.js';
import { Migration20261205000072_emergency_periods } from './migrations/Migration20261205000072_emergency_periods.js';
import { EMERGENCY_PERMISSIONS } from './permissions.js';

/**
 * The emergency register (registro di emergenza, 001 §6.9, DOMAIN §5): sessions opened and
 * closed by the RGD (cause, start, end, authorisation; one open per AOO), used only within their
 * authorised periods (the first 24 hours, then the RGD's extensions of at most a week each,
 * emergency-period.entity.ts), and the import of the
 * records captured offline during the outage (JSON or CSV, emergency-file.ts): all or nothing,
 * each record registered in the protocol with an ordinary number while keeping its emergency
 * number (per AOO and year, gap-free across sessions, from the numbering module) and date.
 */
export const emergenzaModule = defineModule({
  name: 'emergenza',
  entities: [EmergencyRegister, EmergencyPeriod, EmergencyRegistration],
  migrations: [
    { name: 'Migration20261205000071_emergenza', class: Migration20261205000071_emergenza },
    { name: 'Migration20261205000072_emergency_periods', class: Migration20261205000072_emergency_periods },
  ],
  resolvers: [
    EmergenzaResolver,
    EmergencyRegisterFieldsResolver,
    EmergencyPeriodFieldsResolver,
    EmergencyRegistrationFieldsResolver,
    ProtocolRecordEmergencyResolver,
  ],
  permissions: EMERGENCY_PERMISSIONS,
  errorCodes: EMERGENCY_ERROR_CODES,
  events: EMERGENCY_EVENTS,
  seedDemo: seedDemoEmergenza,
});

// What other modules may use.
export { EmergencyPeriod, EmergencyRegister, EmergencyRegistration };
export { EMERGENCY_REGISTER } from './permissions.js';
export {
  EmergencyRecordsImported,
  EmergencyRegisterClosed,
  EmergencyRegisterExtended,
  EmergencyRegisterOpened,
} from './emergenza-events.js';
export { DEMO_EMERGENCY };
export { EmergencyFileFormat, MAX_EMERGENCY_FILE_CHARS, MAX_EMERGENCY_RECORDS } from './emergency-file.js';
