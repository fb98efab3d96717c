import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  FascicoliInFullDocument,
  FascicoloBenchDocument,
  FascicoloTreeDocument,
  OpenFascicoloDocument,
  OpenSottofascicoloDocument,
} from '../../clients/sdk/generated/graphql.js';
import { SettableClock } from '../harness/clock.js';
import { makeTitolario, type TitolarioFixture } from '../harness/fascicoli-fixtures.js';
import { demoIds, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient, Operation } from '../harness/graphql-client.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Every nested field of a fascicolo (classification, UOR, RPA, parent, children, documents,
 * Document.fascicoli) goes through a per-request DataLoader: the statements a query runs do
 * not grow with the fascicoli, sottofascicoli and documents it returns.
 */
describe('fascicoli: SQL statements per query', () => {
  const clock = new SettableClock('2025-06-15T10:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  let nodes: TitolarioFixture;
  let rgd: GraphqlClient;
  let statements = 0;

  before(async () => {
    // The benchmark's read (bench:fascicolo) is 18 levels deep: above the default depth limit.
    env = await startTestEnv({ clock, env: { GRAPHQL_MAX_COST: '1000000000', GRAPHQL_MAX_DEPTH: '20' } });
    ids = await demoIds(env);
    nodes = await makeTitolario(env, clock, ids.aooId);
    rgd = await env.asUser('rgd');
    env.platform.orm.em
      .getConnection()
      .getKnex()
      .on('query', () => statements++);
  });
  after(async () => {
    await env?.close();
  });

  async function count<TData, TVars>(operation: Operation<TData, TVars>, variables: TVars): Promise<number> {
    statements = 0;
    await rgd.data(operation, variables);
    return statements;
  }

  /** Documents filed straight in the database: what is measured is reading them. */
  async function fileDocuments(fascicoloId: string, n: number): Promise<void> {
    await sql(
      env,
      `with d as (
         insert into document (id, aoo_id, uor_id, kind, oggetto, created_by, created_at, registered_at)
         select gen_random_uuid(), $2, $3, 'PROTOCOLLATO', 'Atto ' || g, $4, now(), now() - g * interval '1 minute'
           from generate_series(1, $5) g returning id)
       insert into fascicolo_filing (fascicolo_id, document_id, action, is_primary, at)
       select $1, d.id, 'FILE', true, now() from d`,
      [fascicoloId, ids.aooId, ids.uor['TEC'], ids.user['rpa.tecnico'], n],
    );
  }

  async function openTree(children: number, docs: number): Promise<string> {
    const top = (
      await rgd.data(OpenFascicoloDocument, {
        input: {
          classificationId: nodes['2025']['VI/3/1'] ?? '',
          kind: 'AFFARE',
          oggetto: 'Albero',
          uorId: ids.uor['TEC'] ?? '',
          rpaId: ids.user['rpa.tecnico'] ?? '',
        },
      })
    ).openFascicolo.id;
    await fileDocuments(top, docs);
    for (let i = 0; i < children; i++) {
      const sub = (
        await rgd.data(OpenSottofascicoloDocument, { input: { parentId: top, oggetto: `Sotto ${i}` } })
      ).openSottofascicolo.id;
      await fileDocuments(sub, docs);
      for (let j = 0; j < children; j++) {
        const inserto = (
          await rgd.data(OpenSottofascicoloDocument, { input: { parentId: sub, oggetto: `Inserto ${j}` } })
        ).openSottofascicolo.id;
        await fileDocuments(inserto, docs);
      }
    }
    return top;
  }

  it('a fascicolo with three levels costs the same statements with 1×1×2 and 4×4×40 rows', async (t) => {
    const small = await openTree(1, 2);
    const large = await openTree(4, 40);
    const few = await count(FascicoloTreeDocument, { id: small, first: 100 });
    const many = await count(FascicoloTreeDocument, { id: large, first: 100 });
    const tree = await rgd.data(FascicoloTreeDocument, { id: large, first: 100 });
    assert.equal(tree.fascicolo.documents.edges.length, 40);
    assert.equal(tree.fascicolo.children.edges.length, 4);
    assert.equal(tree.fascicolo.children.edges[3]?.node.children.edges[3]?.node.documents.totalCount, 40);
    assert.ok(few > 0);
    t.diagnostic(`FascicoloTree: ${few} statements`);
    assert.equal(many, few, `${few} statements for the small tree, ${many} for the large one`);
    // The benchmark's read: documents with their filings' classification and RPA, UOR and files.
    const bench = await count(FascicoloBenchDocument, { id: large, children: 4, documents: 40 });
    t.diagnostic(`FascicoloBench: ${bench} statements`);
    assert.ok(bench <= 10, `${bench} statements for the benchmark's read`);
    assert.equal(await count(FascicoloBenchDocument, { id: small, children: 4, documents: 40 }), bench);
  });

  it('a page of fascicoli with their nested fields costs the same with 2 and 20 fascicoli', async (t) => {
    const list = (year: number) =>
      count(FascicoliInFullDocument, { filter: { year }, first: 100, documents: 10 });
    // 2025 holds the two trees above; 2026 gets twenty fascicoli with documents and a sottofascicolo each.
    clock.set('2026-03-01T10:00:00Z');
    rgd = await env.asUser('rgd');
    for (let i = 0; i < 20; i++) {
      const f = (
        await rgd.data(OpenFascicoloDocument, {
          input: {
            classificationId: nodes['2026']['VI/3/1'] ?? '',
            kind: 'AFFARE',
            oggetto: `Pratica ${i}`,
            uorId: ids.uor['TEC'] ?? '',
            rpaId: ids.user['rpa.tecnico'] ?? '',
          },
        })
      ).openFascicolo.id;
      await fileDocuments(f, 3);
      await rgd.data(OpenSottofascicoloDocument, { input: { parentId: f, oggetto: 'Sotto' } });
    }
    const two = await list(2025);
    const twenty = await list(2026);
    const page = await rgd.data(FascicoliInFullDocument, {
      filter: { year: 2026 },
      first: 100,
      documents: 10,
    });
    assert.equal(page.fascicoli.edges.length, 20);
    assert.ok(
      page.fascicoli.edges.every(
        (e) => e.node.documents.edges.length === 3 && e.node.rpa?.username === 'rpa.tecnico',
      ),
    );
    t.diagnostic(`FascicoliInFull: ${two} statements`);
    assert.equal(twenty, two, `${two} statements for 2 fascicoli, ${twenty} for 20`);
  });
});
