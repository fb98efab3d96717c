import { defineModule } from '../../server/modules/module.js';
import { DEMO_REGISTRATIONS_PER_KIND, seedDemoProtocollo } from './demo/demo-protocollo.js';
import { Migration20261205000061_protocollo } from './migrations/Migration20261205000061_protocollo.js';
import { Migration20261205000063_protocol_segnatura } from './migrations/Migration20261205000063_protocol_segnatura.js';
import { Migration20261205000062_protocol_correspondent_version } from './migrations/Migration20261205000062_protocol_correspondent_version.js';
import { Migration20261205000064_protocol_special } from './migrations/Migration20261205000064_protocol_special.js';
import { Migration20261205000065_protocol_cc_links } from './migrations/Migration20261205000065_protocol_cc_links.js';
import { Migration20261205000069_protocol_fascicolo } from './migrations/Migration20261205000069_protocol_fascicolo.js';
import { Migration20261205000070_protocol_primary_filing } from './migrations/Migration20261205000070_protocol_primary_filing.js';
import { Migration20261205000075_protocol_cc_share } from './migrations/Migration20261205000075_protocol_cc_share.js';
import { PROTOCOL_PERMISSIONS } from './permissions.js';
import {
  ProtocolAnnotation,
  ProtocolCorrespondent,
  ProtocolFile,
  ProtocolVersion,
} from './protocol-parts.entity.js';
import { ProtocolRecord } from './protocol-record.entity.js';
import {
  DocumentProtocolRecordResolver,
  ProtocolAnnotationFieldsResolver,
  ProtocolRecordFieldsResolver,
  ProtocolVersionFieldsResolver,
} from './protocollo-fields.resolver.js';
import { PROTOCOL_EVENTS } from './protocollo-events.js';
import { ProtocolloResolver } from './protocollo.resolver.js';
import { ProtocolSpecialFieldsResolver } from './protocol-special.resolver.js';
import { ProtocolCcFieldsResolver } from './protocol-cc-links.types.js';
import { ProtocolChronologyResolver } from './protocol-chronology.resolver.js';
import { ProtocolRegisteredResolver } from './protocol-registered.resolver.js';
import { PROTOCOL_ERROR_CODES } from './protocollo.errors.js';

/**
 * The protocol register (DOMAIN §5): registration of arrivo, partenza and interno records with
 * their correspondents and bound digests, gap-free numbering per AOO and year, an immutable
 * registratura (service and database), managed fields with full history, append-only
 * annotations, annulment by the RGD.
 */
export const protocolloModule = defineModule({
  name: 'protocollo',
  entities: [ProtocolRecord, ProtocolCorrespondent, ProtocolFile, ProtocolAnnotation, ProtocolVersion],
  migrations: [
    { name: 'Migration20261205000061_protocollo', class: Migration20261205000061_protocollo },
    {
      name: 'Migration20261205000062_protocol_correspondent_version',
      class: Migration20261205000062_protocol_correspondent_version,
    },
    { name: 'Migration20261205000063_protocol_segnatura', class: Migration20261205000063_protocol_segnatura },
    { name: 'Migration20261205000064_protocol_special', class: Migration20261205000064_protocol_special },
    { name: 'Migration20261205000065_protocol_cc_links', class: Migration20261205000065_protocol_cc_links },
    { name: 'Migration20261205000069_protocol_fascicolo', class: Migration20261205000069_protocol_fascicolo },
    {
      name: 'Migration20261205000070_protocol_primary_filing',
      class: Migration20261205000070_protocol_primary_filing,
    },
    { name: 'Migration20261205000075_protocol_cc_share', class: Migration20261205000075_protocol_cc_share },
  ],
  resolvers: [
    ProtocolloResolver,
    ProtocolRecordFieldsResolver,
    ProtocolAnnotationFieldsResolver,
    ProtocolVersionFieldsResolver,
    DocumentProtocolRecordResolver,
    ProtocolSpecialFieldsResolver,
    ProtocolCcFieldsResolver,
    ProtocolChronologyResolver,
    ProtocolRegisteredResolver,
  ],
  permissions: PROTOCOL_PERMISSIONS,
  errorCodes: PROTOCOL_ERROR_CODES,
  events: PROTOCOL_EVENTS,
  seedDemo: seedDemoProtocollo,
});

// What other modules may use.
export { ProtocolRecord, ProtocolCorrespondent, ProtocolFile };
export {
  ProtocolKind,
  ProtocolState,
  ProtocolCorrespondentKind,
  CorrespondentRole,
  ProtocolNote,
  ProtocolLinkKind,
} from './protocollo-enums.js';
export { ProtocolAnnulled, ProtocolFieldsChanged, ProtocolRegistered } from './protocollo-events.js';
export { ProtocolRegistration } from './protocol-registered.types.js';
export { MAX_CATCH_UP } from './protocol-registered-stream.js';
export { PROTOCOL_ANNUL, PROTOCOL_MANAGE, PROTOCOL_REGISTER } from './permissions.js';
export { formatProtocolNumber } from './protocol-record.entity.js';
export { findVisibleRecord, recordVisibilitySql } from './protocol-visibility.js';
export { recordOfVisibleRow, visibleRecordRow } from './protocol-visibility-batch.js';
export { notInFuture } from './protocol-differimento.js';
export { PARTICOLARE_REPERTORIO_CODE } from './protocol-particolare.js';
export { DEMO_REGISTRATIONS_PER_KIND };
export { DEMO_SPECIAL_OGGETTI, DEMO_SPECIAL_REGISTRATIONS } from './demo/demo-protocollo-special.js';
// For the emergency register (emergenza): it registers recovered records in the import's transaction.
export { registerProtocol } from './protocol-registration.service.js';
// For the assignment workflow (assegnazioni): the prevalent competence gives the record its UOR
// and RPA, smistamento per conoscenza adds to its CC list, as managed-field changes.
export { changeManagedFields } from './protocol-changes.service.js';
// For the PEC plugin: an Annullamento received from the sender of a registered message is noted
// on the record (an annotation, as its operator would write it: their rights apply).
export { annotateProtocol } from './protocol-changes.service.js';
export { currentCcLinks, type CcEntry } from './protocol-cc-links.js';
// For the PEC plugin: a sent record is never annulled; the sealed segnatura travels with it.
export { markSentByPec, storedSegnatura } from './protocol-pec-sent.js';
export { protocolloLoaders } from './protocollo-loaders.js';
export { RegisterProtocolInput, ProtocolCorrespondentInput, ProtocolCcInput } from './protocollo.inputs.js';
export { checkCorrespondent, MAX_CORRESPONDENTS } from './protocol-input-checks.js';
export { CORRESPONDENT_DATA_FIELDS } from './protocol-directory-correspondent.js';
// For the daily register and conservation: registrations' correspondents as registered.
export { registeredCorrespondents, type RegisteredCorrespondent } from './registered-correspondents.js';
// For the daily register (registro-giornaliero): what the register says about one day.
export {
  protocolDay,
  type DayAnnulment,
  type DayChange,
  type DayCorrespondent,
  type DayRegistration,
  type ProtocolDay,
} from './protocol-day.js';
