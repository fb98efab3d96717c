import type { DmsModule } from '../server/modules/module.js';
import { assegnazioniModule } from './assegnazioni/index.js';
import { auditModule } from './audit/index.js';
import { documentsModule } from './documents/index.js';
import { emergenzaModule } from './emergenza/index.js';
import { fascicoliModule } from './fascicoli/index.js';
import { numberingModule } from './numbering/index.js';
import { organisationModule } from './organisation/index.js';
import { protocolloModule } from './protocollo/index.js';
import { repertoriModule } from './repertori/index.js';
import { raccoglitoriModule } from './raccoglitori/index.js';
import { ricevuteModule } from './ricevute/index.js';
import { registroGiornalieroModule } from './registro-giornaliero/index.js';
import { rubricaModule } from './rubrica/index.js';
import { segnaturaModule } from './segnatura/index.js';
import { systemModule } from './system/index.js';
import { titolarioModule } from './titolario/index.js';

/**
 * The core modules, in order: a module comes after those it builds on (its migrations run
 * after theirs). A new core module is its folder plus one line here; plugins follow, from
 * DMS_PLUGINS.
 */
export const coreModules: readonly DmsModule[] = [
  systemModule,
  organisationModule,
  auditModule,
  documentsModule,
  numberingModule,
  titolarioModule,
  fascicoliModule,
  repertoriModule,
  raccoglitoriModule,
  rubricaModule,
  segnaturaModule,
  protocolloModule,
  emergenzaModule,
  assegnazioniModule,
  ricevuteModule,
  registroGiornalieroModule,
];
