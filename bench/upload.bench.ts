/**
 * bench:upload — a large upload through the server (POST /files, s3 driver) against a direct
 * minio-client put of the same bytes to the same S3-protocol endpoint, in the same run.
 * Prints the throughput ratio (server / direct; target >= 0.7) and the server's peak RSS
 * growth during the uploads (target <= 64 MiB). Size: BENCH_UPLOAD_MB (default 1024).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { Client } from 'minio';
import { createTestDatabase } from '../test/harness/database.js';
import { startS3Server } from '../test/harness/s3-server.js';

const MB = 1024 * 1024;
const SIZE = Number(process.env['BENCH_UPLOAD_MB'] ?? 1024) * MB;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const DMS = fileURLToPath(new URL('../../bin/dms.js', import.meta.url));

/** SIZE pseudo-random bytes, generated as they are read (the bench itself stays small). */
function payload(round: number): Readable {
  const block = randomBytes(MB);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= SIZE) {
        this.push(null);
        return;
      }
      const chunk = Buffer.from(block.subarray(0, Math.min(MB, SIZE - sent)));
      chunk.writeUInt32BE(round, 0); // distinct content per round: no dedup shortcut
      chunk.writeUInt32BE(sent / MB, 4);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

async function procStatus(pid: number, field: 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  return Number(m?.[1] ?? 0) * 1024;
}

function readyPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /GraphQL ready at http:\/\/[^:]+:(\d+)\//.exec(out);
      if (m?.[1]) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const s3 = await startS3Server();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'dms-bench-'));
  const secret = randomBytes(32).toString('hex');
  const server = spawn(process.execPath, [DMS, 'start'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      JWT_SECRET: secret,
      SEED_DEMO: 'true',
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      BLOB_DRIVER: 's3',
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_BUCKET: s3.bucket,
      // s3rver has no multipart: the whole object goes in one streamed PUT, as for the baseline.
      S3_SINGLE_PUT_MAX_MB: String(Math.ceil(SIZE / MB) + 1),
      UPLOAD_MAX_BYTES: String(SIZE + MB),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await readyPort(server);
    const pid = server.pid ?? 0;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('protocollista')
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(secret));
    const direct = new Client({
      endPoint: '127.0.0.1',
      port: s3.port,
      useSSL: false,
      accessKey: s3.accessKey,
      secretKey: s3.secretKey,
      region: 'us-east-1',
      pathStyle: true,
      partSize: 5 * 1024 * MB,
    });
    const idleRss = await procStatus(pid, 'VmRSS');
    const ratios: number[] = [];
    const serverMbps: number[] = [];
    const directMbps: number[] = [];
    let peakDuringUploads = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      let t = process.hrtime.bigint();
      await direct.putObject(s3.bucket, `bench/direct-${round}`, payload(round), SIZE);
      const directS = Number(process.hrtime.bigint() - t) / 1e9;

      const sampler = setInterval(() => {
        void procStatus(pid, 'VmRSS').then((rss) => (peakDuringUploads = Math.max(peakDuringUploads, rss)));
      }, 50);
      t = process.hrtime.bigint();
      const res = await fetch(`http://127.0.0.1:${port}/files`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/octet-stream',
          'content-length': String(SIZE),
          'x-file-name': `bench-${round}.bin`,
        },
        body: Readable.toWeb(payload(round + 1000)) as ReadableStream,
        duplex: 'half',
      });
      const body = await res.text();
      const serverS = Number(process.hrtime.bigint() - t) / 1e9;
      clearInterval(sampler);
      if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${body}`);
      directMbps.push(SIZE / MB / directS);
      serverMbps.push(SIZE / MB / serverS);
      ratios.push(directS / serverS);
      console.log(
        `round ${round}: direct ${(SIZE / MB / directS).toFixed(1)} MiB/s, server ${(SIZE / MB / serverS).toFixed(1)} MiB/s, ratio ${(directS / serverS).toFixed(2)}`,
      );
    }
    const growth = Math.max(peakDuringUploads - idleRss, 0);
    console.log(`\nupload ${SIZE / MB} MiB × ${ROUNDS} rounds (s3 driver, S3-protocol server on loopback)`);
    console.log(`direct minio put : ${median(directMbps).toFixed(1)} MiB/s (median)`);
    console.log(`through server   : ${median(serverMbps).toFixed(1)} MiB/s (median)`);
    console.log(`throughput ratio : ${median(ratios).toFixed(2)} (server/direct, target >= 0.70)`);
    console.log(
      `peak RSS growth  : ${(growth / MB).toFixed(1)} MiB (idle ${(idleRss / MB).toFixed(1)} MiB, target <= 64 MiB)`,
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await s3.stop();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
