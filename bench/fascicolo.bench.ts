/**
 * bench:fascicolo — what a departmental app pays to read a whole fascicolo: the fascicolo, its
 * sottofascicoli and their inserti (3 levels: 1 + 4 + 16), and at every level its documents with
 * their classification and RPA (through the primary filing), UOR and primary file metadata,
 * in one GraphQL request. Two fascicoli of the same shape hold 50 and 500 documents. Prints the
 * SQL statements per request for each (they must be equal and at most 10: every nested field is
 * batched), p50/p95 latency over BENCH_ROUNDS requests, and the ratio against one hand-written
 * SQL query returning the same rows, timed in the same run on the same database. Exits non-zero
 * when the statements differ or exceed 10.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import {
  FascicoloBenchDocument,
  OpenFascicoloDocument,
  OpenSottofascicoloDocument,
} from '../clients/sdk/generated/graphql.js';
import { SettableClock } from '../test/harness/clock.js';
import { makeTitolario } from '../test/harness/fascicoli-fixtures.js';
import { demoIds, sql, type DemoIds } from '../test/harness/files-helpers.js';
import type { GraphqlClient } from '../test/harness/graphql-client.js';
import { startTestEnv, type TestEnv } from '../test/harness/test-env.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 30);
const MAX_STATEMENTS = 10;
const CHILDREN = 4;
/** Large enough for every level's documents in one page (500 over 21 fascicoli: at most 24). */
const PAGE = 30;

const pct = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
};

async function timed(rounds: number, work: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 3; i++) await work(); // warm-up: plans, JIT, connection pool
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  return { p50: pct(samples, 0.5), p95: pct(samples, 0.95) };
}

/**
 * `n` registered documents, each with a primary file, filed (primary) round-robin in the given
 * fascicoli: written straight to the database, since what is measured is reading them.
 */
async function fileDocuments(
  env: TestEnv,
  ids: DemoIds,
  fascicoli: readonly string[],
  n: number,
): Promise<void> {
  const author = ids.user['rpa.tecnico'] ?? '';
  await sql(
    env,
    `with f as (select ord, id from unnest($1::uuid[]) with ordinality as t(id, ord)),
     d as (
       insert into document (id, aoo_id, uor_id, kind, oggetto, created_by, created_at)
       select gen_random_uuid(), $2, $3, 'NON_PROTOCOLLATO', 'Atto ' || g || ' ' || $5::text, $4, now()
         from generate_series(1, $6::int) g returning id, oggetto),
     s as (
       insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
           signature_kind, signature_status, uploaded_by)
       select gen_random_uuid(), h, 20000, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
              'application/pdf', 'atto.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', $4
         from (select d.id as doc, encode(sha256((d.id::text)::bytea), 'hex') as h from d) x
       returning id, sha256),
     df as (
       insert into document_file (id, document_id, file_id, position, version, created_by)
       select gen_random_uuid(), d.id, s.id, 0, 1, $4
         from d join s on s.sha256 = encode(sha256((d.id::text)::bytea), 'hex'))
     insert into fascicolo_filing (fascicolo_id, document_id, action, is_primary, at)
     select f.id, d.id, 'FILE', true, now()
       from (select id, row_number() over () as r from d) d
       join f on f.ord = (d.r - 1) % cardinality($1::uuid[]) + 1`,
    [fascicoli, ids.aooId, ids.uor['TEC'], author, fascicoli[0], n],
  );
  // Registered in creation order, a minute apart (files first: a registered document's are frozen).
  await sql(
    env,
    `update document set kind = 'PROTOCOLLATO',
            registered_at = now() + (row_number - 1) * interval '1 minute'
       from (select id, row_number() over (order by created_at, id) from document
              where oggetto like '% ' || $1::text and registered_at is null) r
      where document.id = r.id`,
    [fascicoli[0]],
  );
}

/** A fascicolo with CHILDREN sottofascicoli of CHILDREN inserti each; returns every id, top first. */
async function openTree(
  rgd: GraphqlClient,
  ids: DemoIds,
  classificationId: string,
  label: string,
): Promise<string[]> {
  const open = await rgd.data(OpenFascicoloDocument, {
    input: {
      classificationId,
      kind: 'PROCEDIMENTO_AMMINISTRATIVO',
      oggetto: `Lavori di ristrutturazione ${label}`,
      uorId: ids.uor['TEC'] ?? '',
      rpaId: ids.user['rpa.tecnico'] ?? '',
    },
  });
  const all = [open.openFascicolo.id];
  for (let i = 0; i < CHILDREN; i++) {
    const sub = (
      await rgd.data(OpenSottofascicoloDocument, {
        input: { parentId: all[0] ?? '', oggetto: `Lotto ${i + 1}` },
      })
    ).openSottofascicolo.id;
    all.push(sub);
    for (let j = 0; j < CHILDREN; j++) {
      all.push(
        (
          await rgd.data(OpenSottofascicoloDocument, {
            input: { parentId: sub, oggetto: `Stato di avanzamento ${j + 1}` },
          })
        ).openSottofascicolo.id,
      );
    }
  }
  return all;
}

/**
 * The same rows as the GraphQL request, in one statement written by hand: what is filed now is a
 * filing step with no later step for its (fascicolo, document), found through the indexes.
 */
const HAND_WRITTEN = `
  with recursive tree as (
    select f.*, 1 as depth from fascicolo f where f.id = $1
    union all
    select c.*, t.depth + 1 from fascicolo c join tree t on c.parent_id = t.id where t.depth < 3
  )
  select t.id, t.year, t.number_path, t.classification_code, t.oggetto, t.state,
         tu.code as uor_code, tr.username as rpa_username, tn.full_code as node_code,
         d.id as document_id, d.oggetto as document_oggetto, d.kind, d.registered_at,
         du.code as document_uor, pf.classification_code as document_classification,
         pn.full_code as document_node, pn.description as document_node_description,
         pr.username as document_rpa, sf.original_name, sf.media_type, sf.size, sf.format, sf.signature_status
    from tree t
    join uor tu on tu.id = t.uor_id
    join app_user tr on tr.id = t.rpa_id
    join titolario_node tn on tn.id = t.classification_id
    left join fascicolo_filing ff on ff.fascicolo_id = t.id and ff.action = 'FILE'
          and not exists (select 1 from fascicolo_filing l
                           where l.fascicolo_id = ff.fascicolo_id and l.document_id = ff.document_id and l.seq > ff.seq)
    left join document d on d.id = ff.document_id
    left join uor du on du.id = d.uor_id
    left join fascicolo_filing pff on pff.document_id = d.id and pff.is_primary
          and not exists (select 1 from fascicolo_filing l
                           where l.fascicolo_id = pff.fascicolo_id and l.document_id = pff.document_id and l.seq > pff.seq)
    left join fascicolo pf on pf.id = pff.fascicolo_id
    left join titolario_node pn on pn.id = pf.classification_id
    left join app_user pr on pr.id = pf.rpa_id
    left join document_file df on df.document_id = d.id and df.position = 0 and df.superseded_at is null
    left join stored_file sf on sf.id = df.file_id
   order by t.depth, t.number_path, d.registered_at nulls last, d.created_at`;

async function main(): Promise<void> {
  const clock = new SettableClock('2025-06-15T10:00:00Z');
  // The whole tree with every document's filing is 18 levels deep and costs about 216,000 by
  // the cost rules (each document may stand in 20 fascicoli): above the defaults (depth 12,
  // cost 100,000). A deployment whose apps read whole trees at once raises both; others read
  // the tree a level at a time within the defaults.
  const env = await startTestEnv({ clock, env: { GRAPHQL_MAX_DEPTH: '20', GRAPHQL_MAX_COST: '1000000' } });
  let statements = 0;
  const knex = env.platform.orm.em.getConnection().getKnex();
  const seen: string[] = [];
  knex.on('query', (q: { sql: string }) => {
    statements++;
    seen.push(q.sql.replace(/\s+/g, ' ').slice(0, 160));
  });
  try {
    const ids = await demoIds(env);
    const nodes = await makeTitolario(env, clock, ids.aooId);
    const rgd = await env.asUser('rgd');
    const leaf = nodes['2025']['VI/3/1'] ?? '';
    const sizes = [50, 500] as const;
    const rows: string[] = [];
    const counted: number[] = [];
    for (const n of sizes) {
      const tree = await openTree(rgd, ids, leaf, `${n}`);
      await fileDocuments(env, ids, tree, n);
      // Planner statistics for the rows just written, as autovacuum would gather on a live database.
      await sql(env, 'analyze');
      const variables = { id: tree[0] ?? '', children: CHILDREN, documents: PAGE };
      const read = () => rgd.data(FascicoloBenchDocument, variables);
      // What came back is what was filed: n documents over 21 fascicoli, with their metadata.
      const answer = await read();
      const top = answer.fascicolo;
      const levels = [
        top,
        ...top.children.edges.map((e) => e.node),
        ...top.children.edges.flatMap((e) => e.node.children.edges.map((c) => c.node)),
      ];
      const documents = levels.flatMap((f) => f.documents.edges.map((e) => e.node));
      assert.equal(levels.length, 1 + CHILDREN + CHILDREN * CHILDREN);
      assert.equal(documents.length, n);
      assert.ok(
        documents.every((d) => d.primary?.file.mediaType === 'application/pdf' && d.uor?.code === 'TEC'),
      );
      assert.ok(documents.every((d) => d.fascicoli[0]?.fascicolo.classification?.fullCode === 'VI/3/1'));
      assert.ok(documents.every((d) => d.fascicoli[0]?.fascicolo.rpa?.username === 'rpa.tecnico'));
      statements = 0;
      seen.length = 0;
      await read();
      counted.push(statements);
      if (process.env['BENCH_TRACE']) console.log(seen.join('\n'));
      const graphql = await timed(ROUNDS, read);
      const handRows = await sql(env, HAND_WRITTEN, [tree[0]]);
      assert.equal(handRows.filter((r) => r['document_id'] !== null).length, n);
      if (process.env['BENCH_EXPLAIN'])
        for (const r of await sql<{ 'QUERY PLAN': string }>(env, `explain analyze ${HAND_WRITTEN}`, [
          tree[0],
        ]))
          console.log(r['QUERY PLAN']);
      const hand = await timed(ROUNDS, () => knex.raw(HAND_WRITTEN.replaceAll('$1', '?'), [tree[0] ?? '']));
      rows.push(
        `${String(n).padStart(4)} documents  ${String(counted.at(-1)).padStart(3)} statements  ` +
          `GraphQL p50 ${graphql.p50.toFixed(1)} ms p95 ${graphql.p95.toFixed(1)} ms  ` +
          `SQL p50 ${hand.p50.toFixed(1)} ms p95 ${hand.p95.toFixed(1)} ms  ` +
          `ratio p50 ${(graphql.p50 / hand.p50).toFixed(1)}x p95 ${(graphql.p95 / hand.p95).toFixed(1)}x`,
      );
    }
    console.log(
      `bench:fascicolo — 1 fascicolo + ${CHILDREN} sottofascicoli + ${CHILDREN * CHILDREN} inserti, ${ROUNDS} rounds`,
    );
    for (const row of rows) console.log(row);
    const [few, many] = counted;
    if (few !== many || (many ?? Infinity) > MAX_STATEMENTS) {
      console.error(
        `FAIL: statements ${few} at 50 and ${many} at 500 documents (must be equal and ≤ ${MAX_STATEMENTS})`,
      );
      process.exitCode = 1;
    } else {
      console.log(`OK: ${many} statements per request at 50 and at 500 documents (≤ ${MAX_STATEMENTS})`);
    }
  } finally {
    await env.close();
  }
}

await main();
