/**
 * A ParER SacER-style conservator on loopback (VersamentoSync, RecDIPStatoConservazioneSync,
 * RecDIPRapportiVersSync) for tests and development, with faults a test can set.
 */
import { conservatorSimulatorCommand } from './simulator.command.js';

export {
  startConservatorSimulator,
  type ConservatorFault,
  type ConservatorSimulator,
  type ConservatorSimulatorOptions,
} from './conservator-simulator.js';
export { conservatorSimulatorCommand };

/** What this part contributes to the plugin's module (spread into plugins/conservazione/index.ts). */
export const CONSERVATION_SIMULATOR = { commands: [conservatorSimulatorCommand] } as const;
