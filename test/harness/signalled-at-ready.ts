import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DMS = fileURLToPath(new URL('../../../bin/dms.js', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./signal-at-ready.js', import.meta.url));

export interface SignalledRun {
  /** The exit code, or the signal that killed the process. */
  exit: number | string | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `dms ARGS` and signals it from inside the write of its first stdout line matching `ready`
 * (see signal-at-ready.ts): a command whose handlers are not yet installed when it announces
 * readiness dies of the signal, deterministically.
 */
export async function runSignalledAtReady(
  args: string[],
  ready: string,
  signal: NodeJS.Signals,
  env: NodeJS.ProcessEnv = {},
): Promise<SignalledRun> {
  const child = spawn(process.execPath, ['--import', PRELOAD, DMS, ...args], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      ...env,
      SIGNAL_AT_READY: ready,
      SIGNAL_AT_READY_SIGNAL: signal,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = await new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, sig) => resolve(code ?? sig)),
  );
  return { exit, stdout, stderr };
}
