/**
 * bench:sip — building a conservation package (SIP) of a large fascicolo: time and memory of
 * loadSipPackage + writeSip, the path the transfer job takes.
 *
 * Preparation (not measured): a fresh database (test harness, fs blob store), a closed fascicolo
 * with two sottofascicoli and an inserto holding BENCH_DOCUMENTS (2000) documents whose files
 * together weigh BENCH_TOTAL_MIB (1024) MiB of random bytes (each its own blob).
 *
 * Measured: loadSipPackage (every fact from the database) then writeSip (every request XML and
 * the PIndex and the fascicolo index validated against the XSDs, the zip streamed into the blob
 * store with each document's SHA-256 checked, the PIndex and requests stored). Prints the time of
 * each step, the throughput, and this process's RSS before, at its peak (sampled every 50 ms) and
 * after. Checks the zip with python3 (entry count from the central directory) and exits 1 when
 * the RSS growth passes BENCH_MAX_RSS_GROWTH_MIB (128) or the zip is not the expected one.
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
import { loadSipPackage, writeSip } from '../plugins/conservazione/sip/index.js';
import { closedSipTree } from '../test/harness/conservazione-sip-fixtures.js';
import { titolarioInForce } from '../test/harness/fascicoli-fixtures.js';
import { demoIds } from '../test/harness/files-helpers.js';
import { startTestEnv } from '../test/harness/test-env.js';

const DOCUMENTS = Number(process.env['BENCH_DOCUMENTS'] ?? 2000);
const TOTAL_BYTES = Number(process.env['BENCH_TOTAL_MIB'] ?? 1024) * 1024 * 1024;
const MAX_GROWTH_MIB = Number(process.env['BENCH_MAX_RSS_GROWTH_MIB'] ?? 128);
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

async function main(): Promise<void> {
  const env = await startTestEnv({ plugins: ['conservazione'] });
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

    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const t1 = performance.now();
    const pkg = await loadSipPackage(env.platform.orm.em.fork(), {
      packageId: randomUUID(),
      aooId: ids.aooId,
      kind: 'FASCICOLO',
      label: 'bench',
      createdAt: new Date(),
      documentIds: [],
      fascicoloId: tree.id,
      dailyRegisterId: null,
    });
    const t2 = performance.now();
    const built = await writeSip(env.platform, pkg, {
      ambiente: 'PARER',
      ente: 'c_x000',
      struttura: 'ADEMO01',
      userId: 'bench',
    });
    const t3 = performance.now();
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const rssAfter = process.memoryUsage().rss;

    const writeS = (t3 - t2) / 1000;
    console.log(
      `load ${(t2 - t1).toFixed(0)} ms (${pkg.units.length} units); write ${writeS.toFixed(1)} s, ` +
        `zip ${(built.sip.size / MiB).toFixed(0)} MiB (${(built.sip.size / MiB / writeS).toFixed(0)} MiB/s)`,
    );
    const growth = (peak - rssBefore) / MiB;
    console.log(
      `RSS ${(rssBefore / MiB).toFixed(0)} MiB before, ${(peak / MiB).toFixed(0)} MiB peak, ` +
        `${(rssAfter / MiB).toFixed(0)} MiB after: growth ${growth.toFixed(0)} MiB (limit ${MAX_GROWTH_MIB})`,
    );

    const file = path.join(work, 'sip.zip');
    await pipeline(await env.platform.blobs.get(built.sip.key), createWriteStream(file));
    const { stdout } = await run('python3', [
      '-c',
      'import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))',
      file,
    ]);
    const entries = Number(stdout.trim());
    const expected = 2 + DOCUMENTS * 2;
    if (entries !== expected || pkg.units.length !== DOCUMENTS) {
      console.error(`FAIL: ${entries} zip entries (expected ${expected}), ${pkg.units.length} units`);
      failed = true;
    }
    if (growth > MAX_GROWTH_MIB) {
      console.error(`FAIL: RSS grew ${growth.toFixed(0)} MiB, more than ${MAX_GROWTH_MIB}`);
      failed = true;
    }
  } finally {
    await env.close();
    await rm(work, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

await main();
