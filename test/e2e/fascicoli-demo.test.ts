import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FascicoliDocument, FascicoloTreeDocument } from '../../clients/sdk/generated/graphql.js';
import { DEMO_FASCICOLI } from '../../schema/fascicoli/demo/demo-fascicoli.js';
import { seedDemo } from '../../server/bootstrap.js';
import { titolarioInForce } from '../harness/fascicoli-fixtures.js';
import { demoIds, sql } from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The demo a newcomer looks at: fascicoli at every level (fascicolo, sottofascicolo, inserto)
 * in the offices of the demo users, on the titolario in force, with the demo documents filed.
 */
describe('demo fascicoli', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ demoDocuments: true });
    const { aooId } = await demoIds(env);
    // Without the titolario's own demo, a municipal titolario on the ANCI model in force today.
    const [{ n }] = await sql<{ n: string }>(env, 'select count(*) as n from fascicolo');
    if (Number(n) === 0) {
      await titolarioInForce(env, aooId, [
        ['III', 'Risorse umane'],
        ['IV', 'Risorse finanziarie e patrimonio'],
        ['IV/3', 'Gestione delle entrate'],
        ['IV/4', 'Gestione della spesa'],
        ['VI', 'Pianificazione e gestione del territorio'],
        ['VI/3', 'Edilizia privata'],
        ['VI/5', 'Opere pubbliche'],
      ]);
      assert.equal(await seedDemo(env.platform, ['fascicoli']), true);
    }
  });
  after(async () => {
    await env?.close();
  });

  it('loads once: a second seed adds nothing', async () => {
    const [before] = await sql<{ n: string }>(env, 'select count(*) as n from fascicolo');
    assert.equal(await seedDemo(env.platform), false);
    const [after] = await sql<{ n: string }>(env, 'select count(*) as n from fascicolo');
    assert.equal(after?.n, before?.n);
  });

  it('holds fascicoli at three levels with documents, each shown to the users of its office', async () => {
    const rgd = await env.asUser('rgd');
    const top = (await rgd.data(FascicoliDocument, { first: 50 })).fascicoli;
    assert.equal(top.totalCount, DEMO_FASCICOLI.length);
    const levels = await sql<{ level: number }>(env, 'select distinct level from fascicolo order by level');
    assert.deepEqual(
      levels.map((l) => l.level),
      [1, 2, 3],
    );
    const permit = top.edges.find((e) => e.node.oggetto.startsWith('Permesso di costruire'));
    assert.ok(permit);
    const tree = (await rgd.data(FascicoloTreeDocument, { id: permit.node.id, first: 10 })).fascicolo;
    // The permit, and the integration registered in the protocol into it (demo-protocollo-special).
    assert.equal(tree.documents.totalCount, 2);
    assert.deepEqual(
      tree.children.edges.map((e) => e.node.children.totalCount),
      [2, 0],
    );
    const filed = await sql<{ n: string }>(env, 'select count(*) as n from fascicolo_filing_current');
    assert.ok(Number(filed[0]?.n) >= 6);
    const tecnico = await env.asUser('rpa.tecnico');
    const mine = (await tecnico.data(FascicoliDocument, { first: 50 })).fascicoli.edges.map(
      (e) => e.node.oggetto,
    );
    assert.equal(mine.length, 2, 'the technical office’s two fascicoli');
    const lettore = await env.asUser('lettore');
    assert.deepEqual(
      (await lettore.data(FascicoliDocument, { first: 50 })).fascicoli.edges.map((e) => e.node.oggetto),
      ['Manutenzione del verde pubblico - impegni e liquidazioni'],
    );
  });
});
