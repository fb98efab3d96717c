/**
 * bench:audit — what the audit trail costs, in the same run on the same database server:
 *
 * 1. Reads: the `protocolRecord(id)` detail through GraphQL over HTTP with BENCH_CLIENTS (16)
 *    concurrent clients, on a server that audits viewings (one audit row per viewing, sealed into
 *    the hash chain beside the requests) and on one started with AUDIT_VIEWINGS=false (no
 *    viewing rows), both with the same data. The two phases take turns over BENCH_ROUNDS rounds.
 *    Prints reads/s, p50/p99 and the ratio audited / unaudited (target >= 0.8).
 * 2. Registrations (`registerProtocol`) on the audited server with the chain on (the sealer
 *    running) and off (the sealer stopped; its backlog is sealed between rounds, untimed), taking
 *    turns likewise. Prints registrations/s, p50/p99 and the ratio on / off.
 *
 * Afterwards the sealer is flushed and every chain verified (verifyChain): unbroken, and every
 * audit row covered by a link; the audited server must hold one viewing row per read at least,
 * the unaudited none. Exit status 1 when a check fails, 2 when only the reads target is missed.
 *
 * BENCH_READS per phase (default 4000), BENCH_REGISTRATIONS per phase (default 400), BENCH_WARMUP
 * per phase (default 200 reads, 32 registrations), BENCH_ROUNDS (default 4), BENCH_RECORDS (the
 * records read, default 64). Each server runs in a process of its own (bench/audit-server.ts),
 * so the clients' HTTP and JSON work is not on its event loop.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import pg from 'pg';
import { ProtocolRecordDocument, RegisterProtocolBenchDocument } from '../clients/sdk/generated/graphql.js';
import type { ChainReport } from '../server/audit/audit-verify.js';
import { GraphqlClient } from '../test/harness/graphql-client.js';

const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 16);
const READS = Number(process.env['BENCH_READS'] ?? 4000);
const REGISTRATIONS = Number(process.env['BENCH_REGISTRATIONS'] ?? 400);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 4);
const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 64);
const READ_WARMUP = Number(process.env['BENCH_WARMUP'] ?? 200);
const REGISTRATION_WARMUP = Math.min(32, READ_WARMUP);
const TARGET = 0.8;

interface Verification {
  reports: ChainReport[];
  rows: number;
  links: number;
  uncovered: number;
}

/** A server of the bench in its own process, with the commands of bench/audit-server.ts. */
interface BenchServer {
  databaseUrl: string;
  db: pg.Pool;
  asUser(username: string): Promise<GraphqlClient>;
  command(name: 'sealer-start' | 'sealer-stop' | 'flush' | 'verify'): Promise<unknown>;
  close(): Promise<void>;
}

async function startServer(extraEnv: Record<string, string>): Promise<BenchServer> {
  const secret = randomBytes(32).toString('base64url');
  const entry = fileURLToPath(new URL('./audit-server.js', import.meta.url));
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, BENCH_JWT_SECRET: secret, BENCH_SERVER_ENV: JSON.stringify(extraEnv) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  child.once('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`bench server exited (${code})`));
  });
  const nextLine = () => new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
  const { graphqlUrl, databaseUrl } = JSON.parse(await nextLine()) as {
    graphqlUrl: string;
    databaseUrl: string;
  };
  const key = new TextEncoder().encode(secret);
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  return {
    databaseUrl,
    db,
    asUser: async (username) => {
      const rows = await db.query<{ subject: string }>('select subject from app_user where username = $1', [
        username,
      ]);
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(rows.rows[0]?.subject ?? username)
        .setExpirationTime('2h')
        .sign(key);
      return new GraphqlClient(graphqlUrl, token);
    },
    command: async (name) => {
      const answer = nextLine();
      child.stdin.write(`${name}\n`);
      const reply = JSON.parse(await answer) as { ok: boolean; result?: unknown; error?: string };
      if (!reply.ok) throw new Error(`${name}: ${reply.error}`);
      return reply.result;
    },
    close: async () => {
      await db.end();
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `n` draft documents of the demo AOO's PROT UOR by the protocollista, each with a primary file. */
async function drafts(db: pg.Pool, n: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `with docs as (
       insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
       select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Istanza di accesso agli atti n. ' || g,
              (select id from app_user where username = 'protocollista')
         from (select * from uor where code = 'PROT' order by created_at limit 1) u, generate_series(1, $1::int) g
       returning id, created_by),
     files as (
       insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                signature_kind, signature_status, uploaded_by)
       select gen_random_uuid(), h, 48213, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
              'application/pdf', 'istanza.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', created_by
         from (select encode(sha256(id::text::bytea), 'hex') as h, created_by from docs) x returning id, sha256)
     insert into document_file (id, document_id, file_id, position, version, created_by)
     select gen_random_uuid(), d.id, f.id, 0, 1, d.created_by
       from docs d join files f on f.sha256 = encode(sha256(d.id::text::bytea), 'hex')
     returning document_id as id`,
    [n],
  );
  assert.equal(rows.length, n);
  return rows.map((r) => r.id);
}

/** A protocol desk registering a draft, as a front end does; returns the record's id. */
async function register(client: GraphqlClient, documentId: string): Promise<string> {
  const r = await client.data(RegisterProtocolBenchDocument, {
    input: {
      kind: 'ARRIVO',
      documentId,
      oggetto: 'Richiesta di accesso agli atti relativi alla pratica edilizia',
      meansOfTransmission: 'PEC',
      correspondents: [
        {
          kind: 'PERSONA_FISICA',
          nome: 'Mario',
          cognome: 'Rossi',
          codiceFiscale: 'RSSMRA80A01H501U',
          pec: 'mario.rossi@pec.example.it',
        },
      ],
    },
  });
  return r.registerProtocol.id;
}

/** Runs `work` over the items with CLIENTS concurrent workers: latencies and wall time. */
async function drive<T>(
  items: readonly T[],
  work: (item: T) => Promise<unknown>,
): Promise<{ latencies: number[]; seconds: number }> {
  let next = 0;
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < items.length; i = next++) {
        const t = performance.now();
        const item = items[i];
        if (item !== undefined) await work(item);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - start) / 1000 };
}

interface Phase<T> {
  label: string;
  unit: string;
  /** Before each timed round (untimed). */
  before?: () => Promise<unknown>;
  /** After each timed round (untimed). */
  after?: () => Promise<unknown>;
  work: (item: T) => Promise<unknown>;
  items: readonly T[];
  /** Each round's rate; latencies of all rounds. */
  rates: number[];
  latencies: number[];
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};
const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN;
};

/**
 * The phases take turns, ROUNDS times, each round on its own slice of the items: a load that
 * comes and goes on the machine weighs on both alike. The rate is the median of the rounds'.
 */
async function alternate<T>(phases: Array<Phase<T>>, warmup: number): Promise<void> {
  for (const phase of phases) {
    await phase.before?.();
    await drive(phase.items.slice(0, warmup), phase.work);
    await phase.after?.();
  }
  const perRound = Math.ceil(((phases[0]?.items.length ?? 0) - warmup) / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    // Which phase goes first changes every round (neither always follows the other).
    const order = round % 2 === 0 ? phases : [...phases].reverse();
    for (const phase of order) {
      const from = warmup + round * perRound;
      await phase.before?.();
      const run = await drive(phase.items.slice(from, from + perRound), phase.work);
      await phase.after?.();
      phase.rates.push(run.latencies.length / run.seconds);
      phase.latencies.push(...run.latencies);
    }
  }
}

function line<T>(phase: Phase<T>, baseline: Phase<T>): string {
  return (
    `${phase.label.padEnd(24)} ${median(phase.rates).toFixed(1).padStart(8)} ${phase.unit}   ` +
    `p50 ${pct(phase.latencies, 0.5).toFixed(1).padStart(6)} ms   p99 ${pct(phase.latencies, 0.99)
      .toFixed(1)
      .padStart(6)} ms` +
    (phase === baseline ? '' : `   ratio ${(median(phase.rates) / median(baseline.rates)).toFixed(2)}`)
  );
}

async function main(): Promise<void> {
  const [audited, unaudited] = await Promise.all([startServer({}), startServer({ AUDIT_VIEWINGS: 'false' })]);
  const problems: string[] = [];
  try {
    // The same records on both servers: registered through GraphQL, as a desk does.
    const ids: Record<'audited' | 'unaudited', string[]> = { audited: [], unaudited: [] };
    for (const [name, server] of [
      ['audited', audited],
      ['unaudited', unaudited],
    ] as const) {
      const desk = await server.asUser('protocollista');
      for (const d of await drafts(server.db, RECORDS)) ids[name].push(await register(desk, d));
      await server.db.query('analyze');
    }
    const readsOf = (records: string[]) =>
      Array.from({ length: READ_WARMUP + READS }, (_, i) => records[i % records.length] ?? '');
    const reader = {
      audited: await audited.asUser('protocollista'),
      unaudited: await unaudited.asUser('protocollista'),
    };
    const read = (client: GraphqlClient) => async (id: string) => {
      const r = await client.data(ProtocolRecordDocument, { id });
      if (r.protocolRecord?.id !== id)
        throw new Error(`protocolRecord(${id}) answered ${r.protocolRecord?.id}`);
    };
    const viewings = async (server: BenchServer) =>
      Number(
        (
          await server.db.query<{ n: string }>(
            `select count(*) as n from audit_event where operation = 'protocolRecord.read'`,
          )
        ).rows[0]?.n,
      );
    const viewingsBefore = { audited: await viewings(audited), unaudited: await viewings(unaudited) };
    const reads: Array<Phase<string>> = [
      {
        label: 'reads, audited',
        unit: 'reads/s',
        work: read(reader.audited),
        items: readsOf(ids.audited),
        rates: [],
        latencies: [],
      },
      {
        label: 'reads, unaudited',
        unit: 'reads/s',
        work: read(reader.unaudited),
        items: readsOf(ids.unaudited),
        rates: [],
        latencies: [],
      },
    ];
    await alternate(reads, READ_WARMUP);
    const viewed = {
      audited: (await viewings(audited)) - viewingsBefore.audited,
      unaudited: (await viewings(unaudited)) - viewingsBefore.unaudited,
    };
    if (viewed.audited < READ_WARMUP + READS)
      problems.push(`audited server: ${viewed.audited} viewing rows for ${READ_WARMUP + READS} reads`);
    if (viewed.unaudited !== 0)
      problems.push(`unaudited server: ${viewed.unaudited} viewing rows (expected 0)`);

    // Registrations on the audited server, the chain on and off; each round starts with no backlog.
    const perPhase = REGISTRATION_WARMUP + REGISTRATIONS;
    const all = await drafts(audited.db, 2 * perPhase);
    await audited.db.query('analyze');
    const desk = await audited.asUser('protocollista');
    const registrations: Array<Phase<string>> = [
      {
        label: 'registrations, chain on',
        unit: 'reg/s  ',
        before: () => audited.command('sealer-start'),
        after: () => audited.command('sealer-stop'),
        work: (d) => register(desk, d),
        items: all.slice(0, perPhase),
        rates: [],
        latencies: [],
      },
      {
        label: 'registrations, chain off',
        unit: 'reg/s  ',
        after: () => audited.command('flush'),
        work: (d) => register(desk, d),
        items: all.slice(perPhase),
        rates: [],
        latencies: [],
      },
    ];
    await audited.command('sealer-stop');
    await audited.command('flush');
    await alternate(registrations, REGISTRATION_WARMUP);
    await audited.command('sealer-start');

    console.log(
      `bench:audit — ${CLIENTS} concurrent clients, ${ROUNDS} alternating rounds (rates: median of the rounds)`,
    );
    console.log(
      `${READS} reads of protocolRecord(id) per phase over ${RECORDS} records (after ${READ_WARMUP} warm-up)`,
    );
    for (const p of reads) console.log(line(p, reads[1]));
    console.log(`${REGISTRATIONS} registerProtocol per phase (after ${REGISTRATION_WARMUP} warm-up)`);
    for (const p of registrations) console.log(line(p, registrations[1]));

    // The chain after the run: unbroken, and every audit row in it (on both servers).
    for (const [name, server] of [
      ['audited', audited],
      ['unaudited', unaudited],
    ] as const) {
      const v = (await server.command('verify')) as Verification;
      for (const r of v.reports.filter((r) => !r.ok))
        problems.push(`${name} server, chain ${r.chain}: broken at ${r.brokenAt}: ${r.reason}`);
      if (v.uncovered > 0 || v.links !== v.rows)
        problems.push(
          `${name} server: ${v.rows} audit rows, ${v.links} links, ${v.uncovered} rows in no chain`,
        );
      if (problems.length === 0)
        console.log(
          `OK: ${name} server: ${v.reports.length} chains verified, ${v.links} links cover all ${v.rows} audit rows`,
        );
    }
    const ratio = median(reads[0]?.rates ?? []) / median(reads[1]?.rates ?? []);
    for (const p of problems) console.error(`FAIL: ${p}`);
    if (ratio < TARGET)
      console.error(`FAIL: reads ratio ${ratio.toFixed(2)} (audited / unaudited) below the target ${TARGET}`);
    else console.log(`OK: reads ratio ${ratio.toFixed(2)} >= ${TARGET}`);
    // 1: a check failed (a defect); 2: only the throughput target was missed.
    process.exitCode = problems.length > 0 ? 1 : ratio < TARGET ? 2 : 0;
  } finally {
    await Promise.all([audited.close(), unaudited.close()]);
  }
}

await main();
