import { defineModule } from '../../server/modules/module.js';
import { pecCommand } from './message/inspect.command.js';
import { pecSimulatorCommand } from './simulator/simulator.command.js';

/**
 * PEC interoperability (issue 14, DOMAIN §8): certified-mail mailboxes of an AOO, the incoming
 * messages an operator registers or discards, outgoing records sent by PEC and their receipts.
 * Loaded with DMS_PLUGINS=pec; built only on the module contract and other modules' index.ts.
 * Each helper adds its own lines (mailboxes and inbox: pec-core; send: pec-send).
 */
export const plugin = defineModule({
  name: 'pec',
  commands: [pecCommand, pecSimulatorCommand],
});

export default plugin;
