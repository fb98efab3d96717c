/**
 * bench:register — sustained `registerProtocol` throughput through GraphQL over HTTP with
 * BENCH_CLIENTS (16) concurrent clients, against a raw-SQL baseline that runs the same legal
 * core with `pg` directly (counter row + insert of the record + its audit row, one transaction,
 * BENCH_CLIENTS connections), in the same run on the same database server.
 *
 * Every registration is of its own draft document with a primary file, made beforehand (not
 * timed). GraphQL runs twice on the demo AOO: first without a seal, then with a development
 * seal (the AOO's segnatura sealed with XAdES in the registering transaction), so the cost of
 * sealing is visible; the baseline runs on a second AOO. Prints each phase's rate, p50/p99
 * latency and ratio to the baseline (target: sealed GraphQL / SQL >= 0.4), then checks that each
 * AOO's numbers are exactly 1..N (gap-free, unique) and that every sealed-phase record (and no
 * unsealed one) has its segnatura; exits non-zero when a check fails or the target is missed.
 *
 * BENCH_REGISTRATIONS per phase (default 800), BENCH_WARMUP per phase (default 48, counted in
 * the number checks, not in the figures), BENCH_TRACE=1 prints the SQL of one registration.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import {
  GenerateDevelopmentSegnaturaSealDocument,
  RegisterProtocolBenchDocument,
} from '../clients/sdk/generated/graphql.js';
import { romeDay } from '../server/clock.js';
import { demoIds, sql } from '../test/harness/files-helpers.js';
import { createMember, createSecondAoo } from '../test/harness/org-fixtures.js';
import { traceSql } from '../test/harness/sql-trace.js';
import { startTestEnv, type TestEnv } from '../test/harness/test-env.js';

const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 16);
const REGISTRATIONS = Number(process.env['BENCH_REGISTRATIONS'] ?? 800);
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 48);
const TARGET = 0.4;

interface Draft {
  documentId: string;
  sha256: string;
}

interface Figures {
  label: string;
  rate: number;
  p50: number;
  p99: number;
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

/** `n` draft documents of the UOR, each with a primary file (straight to the database). */
async function drafts(env: TestEnv, uorId: string, creatorId: string, n: number): Promise<Draft[]> {
  const rows = await sql<{ id: string; sha256: string }>(
    env,
    `with docs as (
       insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
       select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Istanza di accesso agli atti n. ' || g, $3
         from uor u, generate_series(1, $2::int) g where u.id = $1 returning id, created_by),
     files as (
       insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                signature_kind, signature_status, uploaded_by)
       select gen_random_uuid(), h, 48213, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
              'application/pdf', 'istanza.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', created_by
         from (select encode(sha256(id::text::bytea), 'hex') as h, created_by from docs) x returning id, sha256)
     insert into document_file (id, document_id, file_id, position, version, created_by)
     select gen_random_uuid(), d.id, f.id, 0, 1, d.created_by
       from docs d join files f on f.sha256 = encode(sha256(d.id::text::bytea), 'hex')
     returning document_id as id, encode(sha256(document_id::text::bytea), 'hex') as sha256`,
    [uorId, n, creatorId],
  );
  assert.equal(rows.length, n);
  return rows.map((r) => ({ documentId: r.id, sha256: r.sha256 }));
}

/**
 * Runs `work` over the items with `clients` concurrent workers; returns the items' latencies and
 * the wall time.
 */
async function drive<T>(
  items: readonly T[],
  clients: number,
  work: (item: T, worker: number) => Promise<void>,
): Promise<{ latencies: number[]; seconds: number }> {
  let next = 0;
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, worker) => {
      for (let i = next++; i < items.length; i = next++) {
        const t = performance.now();
        await work(items[i] as T, worker);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - start) / 1000 };
}

function figures(label: string, run: { latencies: number[]; seconds: number }): Figures {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  return {
    label,
    rate: run.latencies.length / run.seconds,
    p50: pct(sorted, 0.5),
    p99: pct(sorted, 0.99),
  };
}

/** Numbers of the AOO's register this year are exactly 1..expected (gap-free and unique). */
async function checkNumbers(env: TestEnv, aooId: string, expected: number, label: string): Promise<string[]> {
  const problems: string[] = [];
  const [row] = await sql<{ n: string; distinct_n: string; min: number | null; max: number | null }>(
    env,
    `select count(*) as n, count(distinct number) as distinct_n, min(number) as min, max(number) as max
       from protocol_record where aoo_id = $1`,
    [aooId],
  );
  const n = Number(row?.n);
  if (n !== expected) problems.push(`${label}: ${n} records, expected ${expected}`);
  if (Number(row?.distinct_n) !== n) problems.push(`${label}: duplicate numbers`);
  if (n > 0 && (row?.min !== 1 || row?.max !== n))
    problems.push(`${label}: numbers ${row?.min}..${row?.max} for ${n} records (gaps)`);
  const [counter] = await sql<{ last_value: string }>(
    env,
    `select last_value from number_counter where key like 'protocollo/' || $1 || '/%'`,
    [aooId],
  );
  if (Number(counter?.last_value) !== expected)
    problems.push(`${label}: counter at ${counter?.last_value}, expected ${expected}`);
  return problems;
}

async function main(): Promise<void> {
  const env = await startTestEnv({});
  const pool = new pg.Pool({ connectionString: env.databaseUrl, max: CLIENTS });
  try {
    const ids = await demoIds(env);
    const admin = await env.asUser('admin');
    const other = await createSecondAoo(admin);
    const otherUser = await createMember(admin, other.aooId, other.uorId, 'bench.sql', 'PROTOCOLLISTA');
    const prot = await env.asUser('protocollista');
    const protId = ids.user['protocollista'] ?? '';
    const protUor = ids.uor['PROT'] ?? '';
    const perPhase = WARMUP + REGISTRATIONS;
    const unsealedDrafts = await drafts(env, protUor, protId, perPhase);
    const sealedDrafts = await drafts(env, protUor, protId, perPhase + 1);
    const sqlDrafts = await drafts(env, other.uorId, otherUser, perPhase);
    await sql(env, 'analyze');

    const register = async (d: Draft): Promise<number> =>
      (
        await prot.data(RegisterProtocolBenchDocument, {
          input: {
            kind: 'ARRIVO',
            documentId: d.documentId,
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
        })
      ).registerProtocol.number;
    const returned: number[] = [];
    const graphqlPhase = async (items: readonly Draft[]) => {
      await drive(items.slice(0, WARMUP), CLIENTS, async (d) => void returned.push(await register(d)));
      return drive(items.slice(WARMUP), CLIENTS, async (d) => void returned.push(await register(d)));
    };

    // The baseline: the same legal core (counter row, record, audit row) in one transaction.
    const counterKey = `protocollo/${other.aooId}/${romeDay(new Date()).slice(0, 4)}`;
    const baseline = async (d: Draft): Promise<void> => {
      const c = await pool.connect();
      try {
        await c.query('begin');
        const n = await c.query<{ last_value: string }>(
          `insert into number_counter (key, last_value, updated_at) values ($1, 1, now())
           on conflict (key) do update set last_value = number_counter.last_value + 1, updated_at = excluded.updated_at
           returning last_value`,
          [counterKey],
        );
        const id = randomUUID();
        await c.query(
          `insert into protocol_record (id, aoo_id, document_id, kind, number, year, date, registered_at,
              registered_by, oggetto, primary_sha256, attachment_count, uor_id, means_of_transmission)
           values ($1, $2, $3, 'ARRIVO', $4, extract(year from (now() at time zone 'Europe/Rome')),
              (now() at time zone 'Europe/Rome')::date, now(), $5, $6, $7, 0, $8, 'PEC')`,
          [
            id,
            other.aooId,
            d.documentId,
            n.rows[0]?.last_value,
            otherUser,
            'Richiesta di accesso agli atti relativi alla pratica edilizia',
            d.sha256,
            other.uorId,
          ],
        );
        await c.query(
          `insert into audit_event (occurred_at, aoo_id, actor_id, actor_username, request_id, operation,
              target_type, target_id, changes)
           values (now(), $1, $2, 'bench.sql', $3, 'protocol.register', 'ProtocolRecord', $4, $5::jsonb)`,
          [
            other.aooId,
            otherUser,
            id,
            id,
            JSON.stringify({ kind: 'ARRIVO', number: n.rows[0]?.last_value, documentId: d.documentId }),
          ],
        );
        await c.query('commit');
      } catch (e) {
        await c.query('rollback');
        throw e;
      } finally {
        c.release();
      }
    };

    await drive(sqlDrafts.slice(0, WARMUP), CLIENTS, baseline);
    const sqlRun = figures('raw SQL (pg)', await drive(sqlDrafts.slice(WARMUP), CLIENTS, baseline));
    const unsealedRun = figures('GraphQL, no seal', await graphqlPhase(unsealedDrafts));

    await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
    const probe = sealedDrafts[perPhase];
    if (process.env['BENCH_TRACE'] && probe) {
      const traced = await traceSql(env, [], async () => returned.push(await register(probe)));
      console.log(`one sealed registration: ${traced.length} statements`);
      for (const s of traced) console.log(`  ${s.sql.replace(/\s+/g, ' ').slice(0, 150)}`);
    }
    const sealedRun = figures('GraphQL, sealed', await graphqlPhase(sealedDrafts.slice(0, perPhase)));

    const line = (f: Figures) =>
      `${f.label.padEnd(18)} ${f.rate.toFixed(1).padStart(8)} reg/s   p50 ${f.p50.toFixed(1).padStart(6)} ms   ` +
      `p99 ${f.p99.toFixed(1).padStart(6)} ms   ratio ${(f.rate / sqlRun.rate).toFixed(2)}`;
    console.log(
      `bench:register — ${REGISTRATIONS} registrations per phase (after ${WARMUP} warm-up), ${CLIENTS} concurrent clients`,
    );
    console.log(line(sqlRun));
    console.log(line(unsealedRun));
    console.log(line(sealedRun));
    console.log(
      `sealing costs ${(100 * (1 - sealedRun.rate / unsealedRun.rate)).toFixed(0)} % of the unsealed rate ` +
        `(p50 +${(sealedRun.p50 - unsealedRun.p50).toFixed(1)} ms)`,
    );

    // Checks: numbers gap-free and unique per AOO, segnatura exactly on the sealed phase.
    const graphqlTotal = 2 * perPhase + (process.env['BENCH_TRACE'] && probe ? 1 : 0);
    const problems = [
      ...(await checkNumbers(env, ids.aooId, graphqlTotal, 'GraphQL AOO')),
      ...(await checkNumbers(env, other.aooId, perPhase, 'baseline AOO')),
    ];
    if (new Set(returned).size !== returned.length || returned.length !== graphqlTotal)
      problems.push(`GraphQL answered ${returned.length} numbers, ${new Set(returned).size} distinct`);
    const [seals] = await sql<{ sealed: string; unsealed: string }>(
      env,
      `select count(*) filter (where s.record_id is not null) as sealed,
              count(*) filter (where s.record_id is null) as unsealed
         from protocol_record r left join protocol_segnatura s on s.record_id = r.id where r.aoo_id = $1`,
      [ids.aooId],
    );
    if (Number(seals?.sealed) !== graphqlTotal - perPhase || Number(seals?.unsealed) !== perPhase)
      problems.push(
        `segnature: ${seals?.sealed} sealed, ${seals?.unsealed} not (expected ${graphqlTotal - perPhase} and ${perPhase})`,
      );
    const ratio = sealedRun.rate / sqlRun.rate;
    if (ratio < TARGET)
      problems.push(`ratio ${ratio.toFixed(2)} (sealed GraphQL / SQL) below the target ${TARGET}`);
    if (problems.length > 0) {
      for (const p of problems) console.error(`FAIL: ${p}`);
      process.exitCode = 1;
    } else {
      console.log(
        `OK: numbers 1..${graphqlTotal} (GraphQL) and 1..${perPhase} (SQL) gap-free and unique; ` +
          `ratio ${ratio.toFixed(2)} >= ${TARGET}`,
      );
    }
  } finally {
    await pool.end();
    await env.close();
  }
}

await main();
