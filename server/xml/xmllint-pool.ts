import { Worker } from 'node:worker_threads';

/** What one xmllint run said: exit code 0 valid, 3/4 invalid; anything else is a failure. */
export interface XmllintRun {
  exitCode: number;
  stderr: string;
}

interface Pending {
  resolve: (run: XmllintRun) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** Two long-lived validators: the machines here have two cores. */
const SIZE = 2;
const slots: Slot[] = [];
let next = 0;
let ids = 0;

function slot(): Slot {
  const index = next++ % SIZE;
  const existing = slots[index];
  if (existing) return existing;
  // No inherited execArgv: a process started with `-e` or profiling flags would pass them on.
  const worker = new Worker(new URL('./xmllint-worker.js', import.meta.url), { execArgv: [] });
  // Idle validators never keep a process alive.
  worker.unref();
  const made: Slot = { worker, pending: new Map() };
  const fail = (err: Error) => {
    if (slots[index] === made) slots[index] = undefined as unknown as Slot;
    for (const p of made.pending.values()) p.reject(err);
    made.pending.clear();
  };
  worker.on('message', (answer: XmllintRun & { id: number }) => {
    const p = made.pending.get(answer.id);
    made.pending.delete(answer.id);
    p?.resolve({ exitCode: answer.exitCode, stderr: answer.stderr });
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the xmllint validator stopped (exit ${code})`)));
  slots[index] = made;
  return made;
}

/**
 * Runs xmllint with `args` over `inputFiles` (its in-memory file system) in a pooled validator:
 * the WebAssembly module is compiled once per validator, each run gets a fresh instance.
 */
export function runXmllint(
  inputFiles: Array<{ fileName: string; contents: string | Uint8Array }>,
  args: string[],
  memory: { initialPages: number; maxPages: number },
): Promise<XmllintRun> {
  const s = slot();
  const id = ++ids;
  return new Promise<XmllintRun>((resolve, reject) => {
    s.pending.set(id, { resolve, reject });
    s.worker.ref();
    s.worker.postMessage({
      id,
      inputFiles,
      args,
      initialMemoryPages: memory.initialPages,
      maxMemoryPages: memory.maxPages,
    });
  }).finally(() => {
    if (s.pending.size === 0) s.worker.unref();
  });
}
