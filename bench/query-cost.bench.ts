/**
 * bench:query-cost — the worst documents the cost limit still accepts, on data that fills every
 * list they touch to its bound, against a trivial query in the same run. Each candidate is
 * built to cost just under GRAPHQL_MAX_COST (100,000 by default): the most rows a client can
 * make one request load. Prints, per candidate, its cost, p50/p95 latency over BENCH_ROUNDS
 * requests and the ratio to the baseline's p50, and fails when a p95 exceeds BENCH_MAX_MS
 * (default 2000 ms, the time stated in the README).
 */
import { parse } from 'graphql';
import { performance } from 'node:perf_hooks';
import { operationCost } from '../server/graphql/query-cost.js';
import { buildAppSchema } from '../server/graphql/schema.js';
import { createAppPubSub } from '../server/events/pubsub.js';
import { MAX_ATTACHMENTS, MAX_FILE_VERSIONS } from '../schema/documents/document.service.js';
import { MAX_SIGNATURES } from '../schema/documents/inspection/inspection-limits.js';
import {
  MAX_AOOS_PER_USER,
  MAX_MEMBERSHIPS_PER_USER,
  MAX_UORS_PER_AOO,
} from '../schema/organisation/org-limits.js';
import { demoIds, sql } from '../test/harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../test/harness/test-env.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 10);
const MAX_MS = Number(process.env['BENCH_MAX_MS'] ?? 2000);

interface Candidate {
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

const pct = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
};

async function seed(env: TestEnv): Promise<string> {
  const ids = await demoIds(env);
  const segretario = ids.user['segretario'] ?? '';
  const rag = ids.uor['RAG'] ?? '';
  const signers = JSON.stringify(
    Array.from({ length: MAX_SIGNATURES }, (_, i) => ({
      commonName: `Firmatario ${i}`,
      fiscalCode: 'RSSMRA80A01H501U',
      subject: `CN=Firmatario ${i}`,
      issuer: 'CN=CA',
      notBefore: '2020-01-01T00:00:00Z',
      notAfter: '2030-01-01T00:00:00Z',
      certificateSerial: String(i),
    })),
  );
  // Files with the most signers a file may list.
  await sql(
    env,
    `insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
        signature_kind, signature_status, signature_detail, uploaded_by)
     select gen_random_uuid(), s.h, 1000, 'sha256/' || substr(s.h, 1, 2) || '/' || substr(s.h, 3, 2) || '/' || s.h,
            'application/pkcs7-mime', 'f' || g || '.p7m', 'P7M', true, 'CADES', 'FIRMA_VALIDA',
            jsonb_build_object('label', 'firma valida', 'kind', 'CADES', 'detail', 'ok', 'envelopeDepth', 1,
                               'signers', $2::jsonb),
            $1
       from generate_series(1, $3::int) g, lateral (select encode(sha256(('bench' || g)::bytea), 'hex') as h) s`,
    [segretario, signers, MAX_ATTACHMENTS + 1],
  );
  // One document with the most attachments, each such a file; 7 documents with the most file versions.
  const docs = await sql<{ id: string }>(
    env,
    `insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
     select gen_random_uuid(), $1, $2, 'NON_PROTOCOLLATO', 'Documento pesante ' || g, $3 from generate_series(1, 8) g
     returning id`,
    [ids.aooId, rag, segretario],
  );
  const [heavy, ...versioned] = docs.map((d) => d.id);
  await sql(
    env,
    `insert into document_file (id, document_id, file_id, position, version, created_by)
     select gen_random_uuid(), $1, f.id, row_number() over (order by f.id) - 1, 1, $2
       from (select id from stored_file order by id limit $3) f`,
    [heavy, segretario, MAX_ATTACHMENTS + 1],
  );
  await sql(
    env,
    `insert into document_file (id, document_id, file_id, position, version, created_by, superseded_at)
     select gen_random_uuid(), d, (select id from stored_file limit 1), 0, v,
            $2, case when v < $3 then now() end
       from unnest($1::uuid[]) d, generate_series(1, $3::int) v`,
    [versioned, segretario, MAX_FILE_VERSIONS],
  );
  // The caller works in the most AOOs, each with the most UORs.
  await sql(
    env,
    `with a as (insert into administration (id, ipa_code, name)
                select gen_random_uuid(), 'c_bench_' || g, 'Ente ' || g from generate_series(1, $2::int) g returning id, ipa_code),
          o as (insert into aoo (id, administration_id, code, name, pec_address, register_code)
                select gen_random_uuid(), a.id, 'AB' || right(a.ipa_code, 3), 'AOO', 'p@pec.it', 'REG' from a returning id),
          u as (insert into uor (id, aoo_id, code, name, active_from)
                select gen_random_uuid(), o.id, 'U' || g, 'Ufficio ' || g, '2020-01-01'
                  from o, generate_series(1, $3::int) g returning id, aoo_id, code)
     insert into membership (id, user_id, uor_id, profile)
     select gen_random_uuid(), $1, u.id, 'READ_ONLY' from u where u.code = 'U1'`,
    [segretario, MAX_AOOS_PER_USER - 1, MAX_UORS_PER_AOO],
  );
  await sql(
    env,
    `insert into uor (id, aoo_id, code, name, active_from)
     select gen_random_uuid(), $1, 'D' || g, 'Ufficio ' || g, '2020-01-01' from generate_series(1, $2::int) g`,
    [ids.aooId, MAX_UORS_PER_AOO - Object.keys(ids.uor).length],
  );
  // 100 users of the demo AOO with the most memberships each (ended ones, in one UOR).
  await sql(
    env,
    `with u as (insert into app_user (id, username, given_name, family_name, subject, created_in_aoo_id)
                select gen_random_uuid(), 'bench.' || g, 'N', 'N', 'bench.' || g, $1 from generate_series(1, 100) g
                returning id)
     insert into membership (id, user_id, uor_id, profile, ended_at)
     select gen_random_uuid(), u.id, $2, 'READ_ONLY', now() from u, generate_series(1, $3::int)`,
    [ids.aooId, rag, MAX_MEMBERSHIPS_PER_USER],
  );
  return ids.aooId;
}

async function main(): Promise<void> {
  const env = await startTestEnv({ env: { LOG_LEVEL: 'warn' } });
  try {
    const aooId = await seed(env);
    const client = await env.asUser('segretario');
    const candidates: Candidate[] = [
      {
        name: 'baseline { me }',
        query: '{ me { id username } }',
        variables: {},
      },
      {
        name: `a document's ${MAX_ATTACHMENTS} attachments with ${MAX_SIGNATURES} signers each`,
        query: `query($a: ID!) { documents(aooId: $a, first: 1, orderBy: { field: OGGETTO, direction: ASC }, filter: { text: "pesante 1" }) {
          edges { node { attachments { description file { sha256 size mediaType originalName signature { status signers { commonName } } } } } } } }`,
        variables: { a: aooId },
      },
      {
        name: `7 documents with ${MAX_FILE_VERSIONS} file versions each`,
        query: `query($a: ID!) { documents(aooId: $a, first: 7, orderBy: { field: OGGETTO, direction: DESC }) {
          edges { node { fileHistory { version file { sha256 size } } } } } }`,
        variables: { a: aooId },
      },
      {
        name: `${MAX_AOOS_PER_USER} AOOs with ${MAX_UORS_PER_AOO} UORs each`,
        query: '{ aoos { uors { code parent { code } head { username } } } }',
        variables: {},
      },
      {
        name: `100 users with ${MAX_MEMBERSHIPS_PER_USER} memberships each`,
        query: `query($a: ID!) { users(aooId: $a, first: 100) { edges { node { username memberships { profile uor { code } } } } } }`,
        variables: { a: aooId },
      },
    ];
    const built = await buildAppSchema(env.platform.modules, createAppPubSub(undefined).pubSub);
    let baseline = NaN;
    let worst = 0;
    console.log(`query cost limit ${env.config.graphql.maxCost}; ${ROUNDS} rounds each`);
    for (const c of candidates) {
      const cost = operationCost(built, parse(c.query), undefined, c.variables);
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i <= ROUNDS; i++) {
        const started = performance.now();
        const r = await client.request(c.query, c.variables);
        const ms = performance.now() - started;
        if (r.errors?.length) throw new Error(`${c.name}: ${JSON.stringify(r.errors).slice(0, 300)}`);
        if (i === 0) {
          rows = JSON.stringify(r.data).length;
          continue; // warm-up
        }
        times.push(ms);
      }
      const p50 = pct(times, 0.5);
      const p95 = pct(times, 0.95);
      if (Number.isNaN(baseline)) baseline = p50;
      else worst = Math.max(worst, p95);
      console.log(
        `${c.name.padEnd(58)} cost ${String(cost).padStart(6)}  ${String(Math.round(rows / 1024)).padStart(5)} KiB  p50 ${p50.toFixed(1).padStart(7)} ms  p95 ${p95.toFixed(1).padStart(7)} ms  ratio ${(p50 / baseline).toFixed(0).padStart(5)}x`,
      );
    }
    console.log(`worst accepted p95 ${worst.toFixed(0)} ms (target < ${MAX_MS} ms)`);
    if (worst >= MAX_MS) process.exitCode = 1;
  } finally {
    await env.close();
  }
}

await main();
