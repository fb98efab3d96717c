/**
 * A ParER SacER-style conservator on loopback (VersamentoSync, RecDIPStatoConservazioneSync,
 * RecDIPRapportiVersSync) for tests and development, with faults a test can set.
 */
export {
  startConservatorSimulator,
  type ConservatorFault,
  type ConservatorSimulator,
  type ConservatorSimulatorOptions,
} from './conservator-simulator.js';
export { conservatorSimulatorCommand } from './simulator.command.js';

import { conservatorSimulatorCommand as command } from './simulator.command.js';

/** What this part contributes to the plugin's module (spread into plugins/conservazione/index.ts). */
export const CONSERVATION_SIMULATOR = { commands: [command] } as const;
