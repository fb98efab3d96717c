/**
 * bench:sip — a conservation package of a large fascicolo built and sent to the conservator
 * simulator, against streaming the same files into a plain zip, in the same run.
 *
 * Preparation (not measured): a fresh database (test harness, fs blob store), a closed fascicolo
 * with two sottofascicoli and an inserto holding BENCH_DOCUMENTS (2000) documents whose files
 * together weigh BENCH_TOTAL_MIB (1024) MiB of random bytes (each its own blob); the conservator
 * simulator in a process of its own (`dms conservazione-simulator`: its memory is not ours).
 *
 * Baseline: the same blobs streamed into a plain zip (the plugin's zip writer, STORE) stored in
 * the blob store: nothing else. Run before and after the transfer; its rate is over both.
 *
 * Measured: createPackage (FASCICOLO) and one transfer run, the job's work: loadSipPackage,
 * writeSip (every request XML, the PIndex and the fascicolo index validated against the XSDs,
 * the zip streamed into the blob store with each document's SHA-256 checked, the PIndex and
 * requests stored), then each document sent to the simulator (multipart, files streamed from the
 * blob store; the simulator validates the request and checks every digest) and its answer and
 * rapporto checked and recorded. Prints both rates, the ratio, and this process's RSS before, at
 * its peak (sampled every 50 ms) and after. Exits 1 unless every document is green, the zip has
 * the expected entries (python3 reads it), and the RSS growth is at most BENCH_MAX_RSS_GROWTH_MIB
 * (128).
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { spawn } from 'node:child_process';
import { createPackage, PackageKind } from '../plugins/conservazione/package/index.js';
import { zipStream } from '../plugins/conservazione/sip/index.js';
import { runTransfer } from '../plugins/conservazione/transfer/index.js';
import { systemContext } from '../server/context.js';
import { inUnit } from '../test/harness/fascicoli-fixtures.js';
import { sql } from '../test/harness/files-helpers.js';
import { DMS } from '../test/harness/server-process.js';
import { closedSipTree } from '../test/harness/conservazione-sip-fixtures.js';
import { titolarioInForce } from '../test/harness/fascicoli-fixtures.js';
import { demoIds } from '../test/harness/files-helpers.js';
import { startTestEnv } from '../test/harness/test-env.js';

const DOCUMENTS = Number(process.env['BENCH_DOCUMENTS'] ?? 2000);
const TOTAL_BYTES = Number(process.env['BENCH_TOTAL_MIB'] ?? 1024) * 1024 * 1024;
const MAX_GROWTH_MIB = Number(process.env['BENCH_MAX_RSS_GROWTH_MIB'] ?? 128);
const WARM_UP_DOCUMENTS = Number(process.env['BENCH_WARMUP_DOCUMENTS'] ?? 20);
const MiB = 1024 * 1024;
const run = promisify(execFile);

/** `size` random bytes in 64 KiB chunks, made as they are read. */
function randomStream(size: number): Readable {
  let left = size;
  return new Readable({
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, 64 * 1024);
      left -= n;
      this.push(randomBytes(n));
    },
  });
}

/** The conservator simulator in its own process; resolves with its URL and account. */
async function startSimulator(): Promise<{ url: string; user: string; password: string; stop: () => void }> {
  const child = spawn(process.execPath, [DMS, 'conservazione-simulator', '--json'], {
    env: { ...process.env, DMS_PLUGINS: 'conservazione', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      const s = JSON.parse(line) as { url: string; user: string; password: string };
      resolve({ ...s, stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code})`)));
  });
}

async function main(): Promise<void> {
  const simulator = await startSimulator();
  const env = await startTestEnv({
    plugins: ['conservazione'],
    env: {
      JOBS_ENABLED: 'false',
      CONSERVATION_URL: simulator.url,
      CONSERVATION_USER: simulator.user,
      CONSERVATION_PASSWORD: simulator.password,
    },
  });
  const work = await mkdtemp(path.join(tmpdir(), 'bench-sip-'));
  let failed = false;
  try {
    const ids = await demoIds(env);
    const nodes = await titolarioInForce(env, ids.aooId);
    const each = Math.floor(TOTAL_BYTES / DOCUMENTS);
    const t0 = performance.now();
    const tree = await closedSipTree(env, ids, nodes['VI/3/1'] ?? '', DOCUMENTS, () => randomStream(each));
    console.log(
      `prepared ${DOCUMENTS} documents of ${(each / 1024).toFixed(0)} KiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const files = await sql<{ blob_key: string; size: string }>(
      env,
      `select sf.blob_key, sf.size from document_file df join stored_file sf on sf.id = df.file_id
        where df.document_id = any($1::uuid[]) and df.superseded_at is null`,
      [tree.documentIds],
    );
    const plainZip = async (): Promise<{ seconds: number; bytes: number }> => {
      const t = performance.now();
      const stored = await env.platform.blobs.put(
        zipStream(
          files.map((f, i) => ({
            name: `${i}/${f.blob_key.slice(-12)}.bin`,
            size: Number(f.size),
            open: () => env.platform.blobs.get(f.blob_key),
          })),
          { modifiedAt: { year: 2026, month: 12, day: 5, hour: 9, minute: 0, second: 0 } },
        ),
      );
      return { seconds: (performance.now() - t) / 1000, bytes: stored.size };
    };
    const first = await plainZip();

    // A warm-up package of a few documents, built and sent the same way: the process's one-time
    // costs (the pooled xmllint validator threads and their compiled module, the connector's
    // HTTP agent, compiled code) are not the package's, and a server has paid them long before.
    const warmUp = await closedSipTree(env, ids, nodes['VI/3/1'] ?? '', WARM_UP_DOCUMENTS, () =>
      randomStream(each),
    );
    const warmUpPkg = await inUnit(env, (tx) =>
      createPackage(tx, { kind: PackageKind.FASCICOLO, aooId: ids.aooId, fascicoloId: warmUp.id }),
    );
    const warmUpCtx = await systemContext(env.platform, {
      actorId: null,
      requestId: randomUUID(),
      agent: 'bench warm-up',
    });
    await runTransfer(warmUpCtx, warmUpPkg.id);

    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    let peakHeap = 0;
    let peakExternal = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakExternal = Math.max(peakExternal, m.external);
    }, 50);
    const t1 = performance.now();
    const pkg = await inUnit(env, (tx) =>
      createPackage(tx, { kind: PackageKind.FASCICOLO, aooId: ids.aooId, fascicoloId: tree.id }),
    );
    const ctx = await systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'bench' });
    const result = await runTransfer(ctx, pkg.id);
    const t2 = performance.now();
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const rssAfter = process.memoryUsage().rss;
    const second = await plainZip();

    const [built] = await sql<{ sip_blob_key: string; sip_size: string }>(
      env,
      'select sip_blob_key, sip_size from conservation_package where id = $1',
      [pkg.id],
    );
    const sipBytes = Number(built?.sip_size ?? 0);
    const seconds = (t2 - t1) / 1000;
    const rate = sipBytes / MiB / seconds;
    const baseline = (first.bytes + second.bytes) / MiB / (first.seconds + second.seconds);
    console.log(
      `plain zip of the same files: ${first.seconds.toFixed(1)} s and ${second.seconds.toFixed(1)} s, ` +
        `${baseline.toFixed(0)} MiB/s`,
    );
    console.log(
      `package built and sent: ${seconds.toFixed(1)} s for ${DOCUMENTS} documents, zip ${(sipBytes / MiB).toFixed(0)} MiB, ` +
        `${rate.toFixed(1)} MiB/s, ${(DOCUMENTS / seconds).toFixed(0)} documents/s: ratio ${(rate / baseline).toFixed(2)}`,
    );
    console.log(
      `outcome: ${result.green} green, ${result.red} red, ${result.orange} orange, ${result.sent} sent`,
    );
    const growth = (peak - rssBefore) / MiB;
    console.log(
      `RSS ${(rssBefore / MiB).toFixed(0)} MiB before, ${(peak / MiB).toFixed(0)} MiB peak, ` +
        `${(rssAfter / MiB).toFixed(0)} MiB after: growth ${growth.toFixed(0)} MiB (limit ${MAX_GROWTH_MIB}); ` +
        `main thread's peak V8 heap ${(peakHeap / MiB).toFixed(0)} MiB, external ${(peakExternal / MiB).toFixed(0)} MiB`,
    );

    const file = path.join(work, 'sip.zip');
    await pipeline(await env.platform.blobs.get(built?.sip_blob_key ?? ''), createWriteStream(file));
    const { stdout } = await run('python3', [
      '-c',
      'import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))',
      file,
    ]);
    const entries = Number(stdout.trim());
    const expected = 2 + DOCUMENTS * 2;
    if (entries !== expected || result.green !== DOCUMENTS) {
      console.error(
        `FAIL: ${entries} zip entries (expected ${expected}), ${result.green} of ${DOCUMENTS} green`,
      );
      failed = true;
    }
    if (growth > MAX_GROWTH_MIB) {
      console.error(`FAIL: RSS grew ${growth.toFixed(0)} MiB, more than ${MAX_GROWTH_MIB}`);
      failed = true;
    }
  } finally {
    await env.close();
    simulator.stop();
    await rm(work, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

await main();
