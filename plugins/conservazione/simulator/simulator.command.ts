import { parseArgs } from 'node:util';
import { CliError } from '../../../server/cli/cli-error.js';
import { stopSignal } from '../../../server/cli/stop-signal.js';
import type { OfflineCliCommand } from '../../../server/modules/module.js';
import { startConservatorSimulator } from './conservator-simulator.js';

/**
 * `dms conservazione-simulator [--port N] [--user U --password P] [--json]`: a ParER-style
 * conservator on loopback for development (point CONSERVATION_URL at the URL it prints).
 * Offline: no database. Keeps what it conserves in memory; runs until SIGINT/SIGTERM.
 */
export const conservatorSimulatorCommand: OfflineCliCommand = {
  name: 'conservazione-simulator',
  usage:
    'conservazione-simulator [--port N] [--user U --password P] [--json]  run a ParER-style conservator simulator on loopback until interrupted',
  offline: true,
  async run(args) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        port: { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    let port: number | undefined;
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new CliError('--port must be a port number (0-65535)');
    }
    if ((values.user === undefined) !== (values.password === undefined))
      throw new CliError('--user and --password go together');
    if (values.user === '' || values.password === '')
      throw new CliError('--user and --password must not be empty');
    // Before the server starts and long before the summary: see stopSignal.
    const signal = stopSignal();
    let simulator;
    try {
      simulator = await startConservatorSimulator({
        ...(port !== undefined ? { port } : {}),
        ...(values.user !== undefined ? { user: values.user } : {}),
        ...(values.password !== undefined ? { password: values.password } : {}),
      });
    } catch (error) {
      signal.release();
      throw new CliError(`The conservator simulator did not start: ${(error as Error).message}`);
    }
    const user = values.user ?? 'versatore';
    const password = values.password ?? 'versatore-secret';
    if (values.json) console.log(JSON.stringify({ url: simulator.url, user, password }));
    else {
      console.log('Conservator simulator (ParER SacER-style) running (Ctrl-C to stop)');
      console.log(`CONSERVATION_URL=${simulator.url}`);
      console.log(`CONSERVATION_USER=${user}`);
      console.log(`CONSERVATION_PASSWORD=${password}`);
    }
    await signal.received;
    try {
      await simulator.stop();
    } finally {
      signal.release();
    }
    return 0;
  },
};
