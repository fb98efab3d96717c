import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AddTitolarioIndexTermDocument,
  AddTitolarioNodeDocument,
  CreateTitolarioDraftDocument,
  PublishTitolarioVersionDocument,
  RemoveTitolarioNodeDocument,
  TitolarioDocument,
  TitolarioNodeByCodeDocument,
  TitolarioNodeDocument,
  TitolarioVersionsDocument,
  UpdateTitolarioNodeDocument,
  type TitolarioQuery,
} from '../../clients/sdk/generated/graphql.js';
import { resolveClassification } from '../../schema/titolario/index.js';
import { systemContext } from '../../server/context.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import { romeDay } from '../../server/clock.js';
import { SettableClock } from '../harness/clock.js';
import { demoIds, errorCode, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Versioning (DOMAIN §2): a revision approved in one year takes effect on 1 January of a later
 * one; the trees at dates of both versions are right; a classification made under the 2025
 * version keeps its node (and that node its 2025 code and description) after 2026 takes
 * effect. Time comes only from the injected request clock.
 */
describe('titolario versions over time', () => {
  const clock = new SettableClock('2024-05-02T08:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  let v2025: string;
  let v2026: string;
  /** The node a document classified in June 2025 points to. */
  let classified: string;

  /** Tokens are issued by the request clock: a fresh one after each jump of the clock. */
  const as = (username: string): Promise<GraphqlClient> => env.asUser(username);

  async function tree(client: GraphqlClient, at?: string): Promise<TitolarioQuery['titolario']> {
    return (await client.data(TitolarioDocument, { aooId: ids.aooId, at })).titolario;
  }

  const shape = (t: TitolarioQuery['titolario']) =>
    t?.titoli.map(
      (n) =>
        `${n.fullCode} ${n.description} [${n.children.map((c) => `${c.fullCode} ${c.description}`).join('; ')}]`,
    );

  before(async () => {
    env = await startTestEnv({ clock });
    ids = await demoIds(env);
  });
  after(async () => {
    await env?.close();
  });

  it('2024: the 2025 titolario is approved and published', async () => {
    const rgd = await as('rgd');
    const draft = await rgd.data(CreateTitolarioDraftDocument, {
      input: { aooId: ids.aooId, label: 'Titolario 2025', validFrom: '2025-01-01' },
    });
    v2025 = draft.createTitolarioDraft.id;
    const add = async (parentId: string | null, code: string, description: string) =>
      (await rgd.data(AddTitolarioNodeDocument, { input: { versionId: v2025, parentId, code, description } }))
        .addTitolarioNode.id;
    const i = await add(null, 'I', 'Amministrazione generale');
    await add(i, '1', 'Legislazione e circolari esplicative');
    const vi = await add(null, 'VI', 'Pianificazione e gestione del territorio');
    const c3 = await add(vi, '3', 'Edilizia privata');
    await add(vi, '4', 'Edilizia pubblica');
    await rgd.data(AddTitolarioIndexTermDocument, {
      input: { nodeId: c3, term: 'Licenze edilizie', variants: [] },
    });
    const published = await rgd.data(PublishTitolarioVersionDocument, {
      input: { versionId: v2025, approvalAct: 'Delibera di Giunta n. 80 del 2 maggio 2024' },
    });
    assert.equal(published.publishTitolarioVersion.validFrom, '2025-01-01');
    assert.equal(await tree(rgd), null, 'not in force in 2024');
  });

  it('June 2025: a classification is made under the 2025 version', async () => {
    clock.set('2025-06-01T09:00:00Z');
    const protocollista = await as('protocollista');
    const t = await tree(protocollista);
    assert.equal(t?.id, v2025, 'without a day, the request clock decides');
    const node = await protocollista.data(TitolarioNodeByCodeDocument, {
      versionId: v2025,
      fullCode: 'VI/3',
    });
    classified = node.titolarioVersion.node?.id ?? '';
    const ctx = await systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'test' });
    const r = await withTransaction(ctx, (tx) =>
      resolveClassification(tx, { aooId: ids.aooId, nodeId: classified, day: romeDay(tx.clock.now()) }),
    );
    assert.equal(r.version.id, v2025);
    assert.equal(r.titolo.fullCode, 'VI');
  });

  it('2025: the revision for 2026 is prepared from the 2025 version, changed and published', async () => {
    clock.set('2025-09-15T09:00:00Z');
    const rgd = await as('rgd');
    const draft = await rgd.data(CreateTitolarioDraftDocument, {
      input: { aooId: ids.aooId, label: 'Titolario 2026', validFrom: '2026-01-01', copyOfVersionId: v2025 },
    });
    v2026 = draft.createTitolarioDraft.id;
    assert.equal(draft.createTitolarioDraft.nodeCount, 5, 'the tree is copied');
    const byCode = async (fullCode: string) =>
      (await rgd.data(TitolarioNodeByCodeDocument, { versionId: v2026, fullCode })).titolarioVersion.node
        ?.id ?? '';
    const copied = await rgd.data(TitolarioNodeDocument, { id: await byCode('VI/3') });
    assert.notEqual(copied.titolarioNode.id, classified, 'a new node, not the 2025 one');
    assert.deepEqual(
      copied.titolarioNode.indexTerms.map((t) => t.term),
      ['Licenze edilizie'],
      'with its index terms',
    );
    await rgd.data(UpdateTitolarioNodeDocument, {
      input: { nodeId: copied.titolarioNode.id, description: 'Edilizia privata e sportello unico' },
    });
    await rgd.data(RemoveTitolarioNodeDocument, { nodeId: await byCode('VI/4') });
    await rgd.data(AddTitolarioNodeDocument, {
      input: {
        versionId: v2026,
        parentId: await byCode('VI'),
        code: '5',
        description: 'Edilizia residenziale pubblica',
      },
    });
    await rgd.data(PublishTitolarioVersionDocument, {
      input: { versionId: v2026, approvalAct: 'Delibera di Giunta n. 150 del 15 settembre 2025' },
    });
    const stillOld = await tree(rgd);
    assert.equal(stillOld?.id, v2025, 'the 2025 version stays in force until 31 December');
    assert.equal(stillOld?.validUntil, '2025-12-31');
  });

  it('the trees at 2025-06-01 and 2026-06-01 are those of each version', async () => {
    clock.set('2026-03-01T09:00:00Z');
    const lettore = await as('lettore');
    const t2025 = await tree(lettore, '2025-06-01');
    const t2026 = await tree(lettore, '2026-06-01');
    assert.equal(t2025?.id, v2025);
    assert.equal(t2026?.id, v2026);
    assert.deepEqual(shape(t2025), [
      'I Amministrazione generale [I/1 Legislazione e circolari esplicative]',
      'VI Pianificazione e gestione del territorio [VI/3 Edilizia privata; VI/4 Edilizia pubblica]',
    ]);
    assert.deepEqual(shape(t2026), [
      'I Amministrazione generale [I/1 Legislazione e circolari esplicative]',
      'VI Pianificazione e gestione del territorio [VI/3 Edilizia privata e sportello unico; VI/5 Edilizia residenziale pubblica]',
    ]);
    assert.equal((await tree(lettore, '2024-12-31'))?.id, undefined, 'nothing before the first version');
    assert.equal((await tree(lettore, '2025-12-31'))?.id, v2025);
    assert.equal((await tree(lettore, '2026-01-01'))?.id, v2026);
    const versions = await lettore.data(TitolarioVersionsDocument, { aooId: ids.aooId });
    assert.deepEqual(
      versions.titolarioVersions.map((v) => [v.label, v.validFrom, v.validUntil]),
      [
        ['Titolario 2026', '2026-01-01', null],
        ['Titolario 2025', '2025-01-01', '2025-12-31'],
      ],
    );
  });

  it('the Europe/Rome new year decides which version today is in', async () => {
    // 31 December 2025, 23:30 UTC is already 1 January 2026, 00:30 in Rome.
    clock.set('2025-12-31T22:59:00Z');
    assert.equal((await tree(await as('lettore')))?.id, v2025);
    clock.set('2025-12-31T23:30:00Z');
    assert.equal((await tree(await as('lettore')))?.id, v2026);
  });

  it('the classification made under 2025 keeps its node after 2026 takes effect', async () => {
    clock.set('2026-06-01T09:00:00Z');
    const protocollista = await as('protocollista');
    const node = await protocollista.data(TitolarioNodeDocument, { id: classified });
    assert.equal(node.titolarioNode.fullCode, 'VI/3');
    assert.equal(
      node.titolarioNode.description,
      'Edilizia privata',
      'the 2025 description, not the 2026 one',
    );
    assert.equal(node.titolarioNode.version.id, v2025);
    assert.deepEqual(
      node.titolarioNode.indexTerms.map((t) => t.term),
      ['Licenze edilizie'],
    );
    const ctx = await systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'test' });
    // It stays a valid classification of something made in 2025 …
    const then = await withTransaction(ctx, (tx) =>
      resolveClassification(tx, { aooId: ids.aooId, nodeId: classified, day: '2025-06-01' }),
    );
    assert.equal(then.node.id, classified);
    // … and new classifications use the 2026 node.
    await assert.rejects(
      withTransaction(ctx, (tx) =>
        resolveClassification(tx, { aooId: ids.aooId, nodeId: classified, day: romeDay(tx.clock.now()) }),
      ),
      (e: { extensions?: { code?: string } }) => e.extensions?.code === 'CLASSIFICATION_NOT_IN_FORCE',
    );
    // A version in force can no longer be revised in place.
    const rgd = await as('rgd');
    const r = await rgd.request(UpdateTitolarioNodeDocument, {
      input: { nodeId: classified, description: 'x' },
    });
    assert.equal(errorCode(r), 'TITOLARIO_VERSION_PUBLISHED');
  });
});
