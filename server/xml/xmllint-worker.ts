import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { runInThisContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';

/**
 * A long-lived xmllint (libxml2 in WebAssembly, the xmllint-wasm package) for xmllint-pool.ts,
 * which the modules and plugins that validate XML share (xsd-validation.ts). xmllint-wasm itself
 * starts a worker and compiles its 780 KB module for every call (100-400 ms); here
 * the module is compiled once and each call only instantiates it (fresh memory and files, as a
 * process of its own would have), so validating one conservator's answer costs milliseconds.
 */

interface Job {
  id: number;
  inputFiles: Array<{ fileName: string; contents: string | Uint8Array }>;
  args: string[];
  initialMemoryPages: number;
  maxMemoryPages: number;
}

type ModuleFactory = (options: Record<string, unknown>) => Promise<unknown>;

// The WebAssembly global as used here (the project's TypeScript libraries have no DOM types).
interface WasmInstance {
  readonly exports: object;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number; maximum: number }) => object;
  instantiate(module: object, imports: object): Promise<WasmInstance>;
};

const require = createRequire(import.meta.url);
const dir = path.dirname(require.resolve('xmllint-wasm'));
const source = readFileSync(path.join(dir, 'xmllint-node.js'), 'utf8');
// The file is the emscripten factory, then the package's own one-shot worker loop: take the first.
const end = source.indexOf(';(function initWorker()');
if (end < 0) throw new Error('xmllint-wasm: unexpected xmllint-node.js layout');
const load = runInThisContext(
  `(function (require, __filename, __dirname, module) {\n${source.slice(0, end)}\nreturn Module;\n})`,
  { filename: path.join(dir, 'xmllint-node.js') },
) as (req: NodeJS.Require, file: string, folder: string, mod: { exports: object }) => ModuleFactory;
const factory = load(require, path.join(dir, 'xmllint-node.js'), dir, { exports: {} });
const compiled = new WebAssembly.Module(readFileSync(path.join(dir, 'xmllint.wasm')));

function run(job: Job): Promise<{ id: number; exitCode: number; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = '';
    let done = false;
    const finish = (exitCode: number) => {
      if (done) return;
      done = true;
      resolve({ id: job.id, exitCode, stderr });
    };
    factory({
      inputFiles: job.inputFiles,
      arguments: job.args,
      print: () => undefined,
      printErr: (text: string) => (stderr += `${text}\n`),
      onExit: finish,
      onAbort: (reason: unknown) => {
        stderr += `WASM Abort: ${String(reason)}\n`;
        finish(-1);
      },
      wasmMemory: new WebAssembly.Memory({ initial: job.initialMemoryPages, maximum: job.maxMemoryPages }),
      instantiateWasm: (imports: object, ready: (instance: WasmInstance, module: object) => void) => {
        void WebAssembly.instantiate(compiled, imports).then((instance) => ready(instance, compiled));
        return {};
      },
    }).catch((err: unknown) => {
      stderr += `${String(err)}\n`;
      finish(-1);
    });
  });
}

parentPort?.on('message', (job: Job) => {
  void run(job).then((answer) => parentPort?.postMessage(answer));
});
