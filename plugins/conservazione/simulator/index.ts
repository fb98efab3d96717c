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
