import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Aoo, DEMO_AOO_CODE } from '../../schema/organisation/index.js';
import {
  resolveClassification,
  titolarioNodeLoader,
  titolarioSubtreeSql,
  TitolarioNode,
  type TitolarioVersion,
} from '../../schema/titolario/index.js';
import {
  addIndexTerm,
  addNode,
  createDraft,
  publishVersion,
} from '../../schema/titolario/titolario-editor.js';
import { systemContext } from '../../server/context.js';
import { withTransaction, type UnitOfWork } from '../../server/db/unit-of-work.js';
import { SettableClock } from '../harness/clock.js';
import { withClient } from '../harness/database.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The contract other modules classify with (fascicoli, documents): resolveClassification checks a
 * node against the version in force on a day; the subtree condition spans versions by code; the
 * database keeps published versions immutable.
 */
describe('titolario classification contract', () => {
  const clock = new SettableClock('2024-06-01T10:00:00Z');
  let env: TestEnv;
  let aooId: string;
  let v2025: TitolarioVersion;
  let v2026: TitolarioVersion;
  const nodes2025: Record<string, TitolarioNode> = {};
  const nodes2026: Record<string, string> = {};

  async function inUnit<T>(work: (tx: UnitOfWork) => Promise<T>): Promise<T> {
    const ctx = await systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'test' });
    return withTransaction(ctx, work);
  }

  before(async () => {
    env = await startTestEnv({ clock });
    aooId = (await env.platform.orm.em.fork().findOneOrFail(Aoo, { code: DEMO_AOO_CODE })).id;
    // Approved in 2024, in force from 2025.
    v2025 = await inUnit(async (tx) => {
      const aoo = await tx.em.findOneOrFail(Aoo, { id: aooId });
      const v = await createDraft(tx, aoo, { label: 'Titolario 2025', validFrom: '2025-01-01' });
      const t6 = await addNode(tx, v, null, {
        code: 'vi',
        description: 'Pianificazione e gestione del territorio',
      });
      const c3 = await addNode(tx, v, t6, { code: '3', description: 'Edilizia privata' });
      const c31 = await addNode(tx, v, c3, { code: '1', description: 'Permessi di costruire' });
      const t10 = await addNode(tx, v, null, { code: 'X', description: 'Oggetti diversi' });
      await addIndexTerm(tx, c3, { term: 'Licenze edilizie', variants: ['concessione edilizia'] });
      Object.assign(nodes2025, { t6, c3, c31, t10 });
      await publishVersion(tx, v, 'Delibera di Giunta n. 1 del 2024');
      return v;
    });
    clock.set('2025-06-01T10:00:00Z');
    v2026 = await inUnit(async (tx) => {
      const aoo = await tx.em.findOneOrFail(Aoo, { id: aooId });
      const v = await createDraft(tx, aoo, {
        label: 'Titolario 2026',
        validFrom: '2026-01-01',
        copyOf: v2025,
      });
      await publishVersion(tx, v, 'Delibera di Giunta n. 2 del 2025');
      return v;
    });
    const copied = await env.platform.orm.em.fork().find(TitolarioNode, { version: v2026.id });
    for (const n of copied) nodes2026[n.fullCode] = n.id;
  });
  after(async () => {
    await env?.close();
  });

  it('resolves a node of the version in force on the day, with its titolo and version', async () => {
    const r = await inUnit((tx) =>
      resolveClassification(tx, { aooId, nodeId: nodes2025.c31.id, day: '2025-06-01' }),
    );
    assert.equal(r.node.fullCode, 'VI/3/1');
    assert.equal(r.node.leaf, true);
    assert.equal(r.titolo.fullCode, 'VI');
    assert.equal(r.titolo.level, 1);
    assert.equal(r.version.id, v2025.id);
    const titolo = await inUnit((tx) =>
      resolveClassification(tx, { aooId, nodeId: nodes2025.t6.id, day: '2025-12-31' }),
    );
    assert.equal(titolo.titolo.id, nodes2025.t6.id);
  });

  it('refuses a node whose version is not in force on the day (before and after the next takes effect)', async () => {
    await assert.rejects(
      inUnit((tx) => resolveClassification(tx, { aooId, nodeId: nodes2025.c31.id, day: '2026-01-01' })),
      (e: { extensions?: { code?: string } }) => e.extensions?.code === 'CLASSIFICATION_NOT_IN_FORCE',
    );
    await assert.rejects(
      inUnit((tx) => resolveClassification(tx, { aooId, nodeId: nodes2026['VI/3/1'], day: '2025-12-31' })),
      (e: { extensions?: { code?: string } }) => e.extensions?.code === 'CLASSIFICATION_NOT_IN_FORCE',
    );
    await assert.rejects(
      inUnit((tx) => resolveClassification(tx, { aooId, nodeId: nodes2025.c31.id, day: '2024-12-31' })),
      (e: { extensions?: { code?: string } }) => e.extensions?.code === 'CLASSIFICATION_NOT_IN_FORCE',
    );
    const r = await inUnit((tx) =>
      resolveClassification(tx, { aooId, nodeId: nodes2026['VI/3/1'], day: '2026-01-01' }),
    );
    assert.equal(r.version.id, v2026.id);
  });

  it('answers the same for a missing node, a malformed id and a node of another AOO', async () => {
    for (const args of [
      { aooId, nodeId: randomUUID(), day: '2025-06-01' },
      { aooId, nodeId: 'not-a-uuid', day: '2025-06-01' },
      { aooId: randomUUID(), nodeId: nodes2025.c31.id, day: '2025-06-01' },
    ]) {
      await assert.rejects(
        inUnit((tx) => resolveClassification(tx, args)),
        (e: { extensions?: { code?: string }; message: string }) =>
          e.extensions?.code === 'CLASSIFICATION_NOT_FOUND' &&
          e.message === `classification: node ${args.nodeId} not found`,
      );
    }
  });

  it('the subtree condition matches the root and its descendants in every version, by code', async () => {
    const em = env.platform.orm.em.fork();
    const rows = await em.execute<Array<{ full_code: string; version_id: string }>>(
      `select n.full_code, n.version_id from titolario_node n where ${titolarioSubtreeSql('n.id')} order by n.sort_key, n.version_id`,
      [nodes2025.c3.id],
    );
    const got = rows.map((r) => `${r.full_code}@${r.version_id === v2025.id ? 2025 : 2026}`).sort();
    assert.deepEqual(got, ['VI/3/1@2025', 'VI/3/1@2026', 'VI/3@2025', 'VI/3@2026']);
  });

  it('the node loader batches ids and answers null for unknown ones', async () => {
    const ctx = await systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'test' });
    const unknown = randomUUID();
    const [a, b, c] = await Promise.all([
      titolarioNodeLoader(ctx).load(nodes2025.c3.id),
      titolarioNodeLoader(ctx).load(unknown),
      titolarioNodeLoader(ctx).load(nodes2025.t10.id),
    ]);
    assert.equal(a?.fullCode, 'VI/3');
    assert.equal(a?.leaf, false);
    assert.equal(b, null);
    assert.equal(c?.description, 'Oggetti diversi');
    assert.equal(titolarioNodeLoader(ctx), titolarioNodeLoader(ctx), 'one loader per request');
  });

  it('the database refuses changes to a published version, its nodes and index terms', async () => {
    await withClient(env.databaseUrl, async (client) => {
      for (const sql of [
        `update titolario_node set description = 'x' where id = '${nodes2025.c3.id}'`,
        `delete from titolario_node where id = '${nodes2025.c31.id}'`,
        `insert into titolario_node (id, version_id, aoo_id, parent_id, level, code, full_code, description, sort_key)
           values (gen_random_uuid(), '${v2025.id}', '${aooId}', null, 1, 'XI', 'XI', 'Nuovo', '0011')`,
        `update titolario_index_term set term = 'x' where version_id = '${v2025.id}'`,
        `update titolario_version set label = 'x' where id = '${v2025.id}'`,
        `delete from titolario_version where id = '${v2026.id}'`,
      ]) {
        await assert.rejects(client.query(sql), (e: { code?: string }) => e.code === '55000', sql);
      }
    });
  });

  it('the database refuses a second version from the same day, a validFrom that is not a 1 January, a duplicate code', async () => {
    await withClient(env.databaseUrl, async (client) => {
      await assert.rejects(
        client.query(
          `insert into titolario_version (id, aoo_id, label, valid_from, created_at) values (gen_random_uuid(), '${aooId}', 'x', '2025-01-01', now())`,
        ),
        (e: { code?: string }) => e.code === '23505',
      );
      await assert.rejects(
        client.query(
          `insert into titolario_version (id, aoo_id, label, valid_from, created_at) values (gen_random_uuid(), '${aooId}', 'x', '2030-02-01', now())`,
        ),
        (e: { code?: string }) => e.code === '23514',
      );
      const draft = randomUUID();
      await client.query('begin');
      await client.query(
        `insert into titolario_version (id, aoo_id, label, valid_from, created_at) values ('${draft}', '${aooId}', 'x', '2031-01-01', now())`,
      );
      await client.query(
        `insert into titolario_node (id, version_id, aoo_id, level, code, full_code, description, sort_key) values (gen_random_uuid(), '${draft}', '${aooId}', 1, 'I', 'I', 'a', '0001')`,
      );
      await assert.rejects(
        client.query(
          `insert into titolario_node (id, version_id, aoo_id, level, code, full_code, description, sort_key) values (gen_random_uuid(), '${draft}', '${aooId}', 1, 'I', 'I2', 'b', '0001')`,
        ),
        (e: { code?: string }) => e.code === '23505',
      );
      await client.query('rollback');
      // Published before its year began: refused (never retroactive).
      await assert.rejects(
        client.query(
          `insert into titolario_version (id, aoo_id, label, valid_from, state, approved_at, created_at) values (gen_random_uuid(), '${aooId}', 'x', '2032-01-01', 'PUBLISHED', '2032-03-01T10:00:00Z', now())`,
        ),
        (e: { code?: string }) => e.code === '23514',
      );
    });
  });
});
