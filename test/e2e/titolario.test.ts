import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AddTitolarioIndexTermDocument,
  AddTitolarioNodeDocument,
  CreateTitolarioDraftDocument,
  DeleteTitolarioDraftDocument,
  PublishTitolarioVersionDocument,
  RemoveTitolarioIndexTermDocument,
  RemoveTitolarioNodeDocument,
  TitolarioDocument,
  TitolarioNodeByCodeDocument,
  TitolarioNodeDocument,
  TitolarioNodesDocument,
  type TitolarioNodesQuery,
  TitolarioVersionDocument,
  TitolarioVersionsDocument,
  UpdateTitolarioDraftDocument,
  UpdateTitolarioIndexTermDocument,
  UpdateTitolarioNodeDocument,
} from '../../clients/sdk/generated/graphql.js';
import { TitolarioVersionPublished } from '../../schema/titolario/index.js';
import { defineModule } from '../../server/modules/module.js';
import { SettableClock } from '../harness/clock.js';
import { comparable, demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { traceSql } from '../harness/sql-trace.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The titolario through GraphQL: drafts built node by node, typed errors for bad input,
 * publication (never retroactive, events after the commit), the tree in force on a day loaded
 * without N+1, and who sees what: members read published versions, managers also drafts,
 * everybody else sees nothing (like a missing id).
 */
describe('titolario through GraphQL', () => {
  // 10 March 2026 in Rome: a draft can take effect from 1 January 2027 at the earliest.
  const clock = new SettableClock('2026-03-10T10:00:00Z');
  const published: Array<{ versionId: string; aooId: string; validFrom: string }> = [];
  const probe = defineModule({
    name: 'titolario-probe',
    eventHandlers: [
      {
        event: TitolarioVersionPublished,
        handle: (_ctx, event) => {
          published.push(event.data as { versionId: string; aooId: string; validFrom: string });
          return Promise.resolve();
        },
      },
    ],
  });
  let env: TestEnv;
  let ids: DemoIds;
  let admin: GraphqlClient;
  let rgd: GraphqlClient;
  let protocollista: GraphqlClient;
  let outsider: GraphqlClient;
  let outsiderAdmin: GraphqlClient;
  let outsiderAooId: string;
  let draftId: string;
  const node: Record<string, string> = {};

  before(async () => {
    env = await startTestEnv({ clock, modules: [probe] });
    ids = await demoIds(env);
    admin = await env.asUser('admin');
    rgd = await env.asUser('rgd');
    protocollista = await env.asUser('protocollista');
    const second = await createSecondAoo(admin);
    outsiderAooId = second.aooId;
    await createMember(admin, second.aooId, second.uorId, 'altrove.protocollo', 'PROTOCOLLISTA');
    await createMember(admin, second.aooId, second.uorId, 'altrove.admin', 'SYSTEM_ADMIN');
    outsider = await env.asUser('altrove.protocollo');
    outsiderAdmin = await env.asUser('altrove.admin');
  });
  after(async () => {
    await env?.close();
  });

  const code = (r: GraphqlResponse<unknown>) => errorCode(r);
  const field = (r: GraphqlResponse<unknown>) => r.errors?.[0]?.extensions?.['field'];

  async function add(parent: string | null, c: string, description: string): Promise<string> {
    const r = await rgd.data(AddTitolarioNodeDocument, {
      input: { versionId: draftId, parentId: parent, code: c, description },
    });
    node[r.addTitolarioNode.fullCode] = r.addTitolarioNode.id;
    return r.addTitolarioNode.id;
  }

  it('builds a draft node by node: codes normalised, paths, natural order, leaves', async () => {
    const draft = await rgd.data(CreateTitolarioDraftDocument, {
      input: { aooId: ids.aooId, label: 'Titolario 2027', validFrom: '2027-01-01' },
    });
    draftId = draft.createTitolarioDraft.id;
    assert.equal(draft.createTitolarioDraft.state, 'DRAFT');
    assert.equal(draft.createTitolarioDraft.nodeCount, 0);
    // Added out of order: the tree shows them in natural order.
    const x = await add(null, 'X', 'Oggetti diversi');
    const vi = await add(null, 'vi', 'Pianificazione e gestione del territorio');
    await add(null, 'I', 'Amministrazione generale');
    await add(null, 'IX', 'Ambiente');
    await add(vi, '10', 'Protezione civile');
    await add(vi, '2', 'Pianificazione territoriale');
    const c3 = await add(vi, ' 3 ', 'Edilizia privata');
    await add(c3, '1', 'Permessi di costruire');
    assert.ok(node['VI/3/1'], 'the sottoclasse path is VI/3/1');
    await rgd.data(AddTitolarioIndexTermDocument, {
      input: {
        nodeId: c3,
        term: 'Licenze edilizie',
        variants: ['concessione edilizia', 'permesso di costruire'],
      },
    });
    const tree = await rgd.data(TitolarioNodesDocument, { versionId: draftId, first: 100 });
    const nodes = tree.titolarioVersion.nodes;
    assert.equal(nodes.totalCount, 8);
    assert.deepEqual(
      nodes.edges.map((e) => e.node.fullCode),
      ['I', 'VI', 'VI/2', 'VI/3', 'VI/3/1', 'VI/10', 'IX', 'X'],
    );
    const byCode = Object.fromEntries(nodes.edges.map((e) => [e.node.fullCode, e.node]));
    assert.equal(byCode['VI']?.leaf, false);
    assert.equal(byCode['VI/3']?.leaf, false);
    assert.equal(byCode['VI/3/1']?.leaf, true);
    assert.equal(byCode['X']?.id, x);
    assert.equal(byCode['VI/3/1']?.level, 3);
    assert.equal(byCode['VI/3/1']?.parentId, c3);
    // Paging: two at a time reaches the same list.
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: TitolarioNodesQuery = await rgd.data(TitolarioNodesDocument, {
        versionId: draftId,
        first: 3,
        after,
      });
      const conn = page.titolarioVersion.nodes;
      seen.push(...conn.edges.map((e) => e.node.fullCode));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor ?? null;
    }
    assert.deepEqual(
      seen,
      nodes.edges.map((e) => e.node.fullCode),
    );
  });

  it('refuses bad input with typed errors naming the field', async () => {
    const cases: Array<[Promise<GraphqlResponse<unknown>>, string, string]> = [
      [
        rgd.request(AddTitolarioNodeDocument, { input: { versionId: draftId, code: '4', description: 'x' } }),
        'TITOLARIO_CODE_INVALID',
        'code',
      ],
      [
        rgd.request(AddTitolarioNodeDocument, {
          input: { versionId: draftId, code: 'IIII', description: 'x' },
        }),
        'TITOLARIO_CODE_INVALID',
        'code',
      ],
      [
        rgd.request(AddTitolarioNodeDocument, {
          input: { versionId: draftId, parentId: node['VI'], code: 'II', description: 'x' },
        }),
        'TITOLARIO_CODE_INVALID',
        'code',
      ],
      [
        rgd.request(AddTitolarioNodeDocument, {
          input: { versionId: draftId, parentId: node['VI'], code: '03', description: 'x' },
        }),
        'TITOLARIO_CODE_INVALID',
        'code',
      ],
      [
        rgd.request(AddTitolarioNodeDocument, {
          input: { versionId: draftId, code: 'VI', description: 'x' },
        }),
        'TITOLARIO_CODE_IN_USE',
        'code',
      ],
      [
        rgd.request(AddTitolarioNodeDocument, {
          input: { versionId: draftId, code: 'XI', description: '  ' },
        }),
        'BAD_USER_INPUT',
        'description',
      ],
      [
        rgd.request(CreateTitolarioDraftDocument, {
          input: { aooId: ids.aooId, label: 'x', validFrom: '2028-02-01' },
        }),
        'TITOLARIO_VALID_FROM_INVALID',
        'validFrom',
      ],
      [
        rgd.request(CreateTitolarioDraftDocument, {
          input: { aooId: ids.aooId, label: 'x', validFrom: '2027-01-01' },
        }),
        'TITOLARIO_VERSION_EXISTS',
        'validFrom',
      ],
      [
        rgd.request(AddTitolarioIndexTermDocument, {
          input: {
            nodeId: node['VI/3'] ?? '',
            term: 'x',
            variants: Array.from({ length: 21 }, (_, i) => `v${i}`),
          },
        }),
        'BAD_USER_INPUT',
        'variants',
      ],
      [rgd.request(TitolarioDocument, { aooId: ids.aooId, at: '2026-02-30' }), 'BAD_USER_INPUT', 'at'],
    ];
    for (const [pending, expected, name] of cases) {
      const r = await pending;
      assert.equal(code(r), expected, JSON.stringify(r.errors));
      assert.equal(field(r), name, JSON.stringify(r.errors));
    }
    const count = await rgd.data(TitolarioVersionDocument, { id: draftId });
    assert.equal(count.titolarioVersion.nodeCount, 8, 'nothing was added by the refused requests');
  });

  it('edits a draft: a new code moves the subtree, removal takes the subtree and restores the leaf', async () => {
    const moved = await rgd.data(UpdateTitolarioNodeDocument, {
      input: { nodeId: node['VI/3'] ?? '', code: '4', description: 'Edilizia privata e pubblica' },
    });
    assert.equal(moved.updateTitolarioNode.fullCode, 'VI/4');
    const child = await rgd.data(TitolarioNodeDocument, { id: node['VI/3/1'] ?? '' });
    assert.equal(child.titolarioNode.fullCode, 'VI/4/1', 'the descendant follows its parent');
    assert.equal(child.titolarioNode.parent?.fullCode, 'VI/4');
    const clash = await rgd.request(UpdateTitolarioNodeDocument, {
      input: { nodeId: node['VI/10'] ?? '', code: '2' },
    });
    assert.equal(code(clash), 'TITOLARIO_CODE_IN_USE');

    const term = await rgd.data(AddTitolarioIndexTermDocument, {
      input: { nodeId: node['VI/10'] ?? '', term: 'Calamità naturali', variants: [] },
    });
    const changed = await rgd.data(UpdateTitolarioIndexTermDocument, {
      input: {
        indexTermId: term.addTitolarioIndexTerm.id,
        variants: ['terremoto', 'alluvione', 'terremoto'],
      },
    });
    assert.deepEqual(changed.updateTitolarioIndexTerm.variants, ['terremoto', 'alluvione']);
    assert.equal(changed.updateTitolarioIndexTerm.term, 'Calamità naturali');

    const removed = await rgd.data(RemoveTitolarioNodeDocument, { nodeId: node['VI/10'] ?? '' });
    assert.equal(removed.removeTitolarioNode, node['VI/10']);
    const gone = await rgd.request(RemoveTitolarioIndexTermDocument, {
      indexTermId: term.addTitolarioIndexTerm.id,
    });
    assert.equal(code(gone), 'NOT_FOUND', 'the index term went with its node');
    const leafAgain = await rgd.data(AddTitolarioNodeDocument, {
      input: { versionId: draftId, parentId: node['IX'], code: '1', description: 'Tutela delle acque' },
    });
    await rgd.data(RemoveTitolarioNodeDocument, { nodeId: leafAgain.addTitolarioNode.id });
    const ix = await rgd.data(TitolarioNodeDocument, { id: node['IX'] ?? '' });
    assert.equal(ix.titolarioNode.leaf, true, 'IX is a leaf again once its only child is gone');
    assert.deepEqual(ix.titolarioNode.children, []);
    const audit = await sql<{ operation: string }>(
      env,
      `select operation from audit_event where operation like 'titolario.%' order by id`,
    );
    assert.ok(audit.some((a) => a.operation === 'titolario.node.update'));
    assert.ok(audit.some((a) => a.operation === 'titolario.node.remove'));
    assert.equal(audit.filter((a) => a.operation === 'titolario.node.add').length, 9);
  });

  it('members read published versions only; drafts are seen by managers; others see nothing, like a missing id', async () => {
    const forbidden = await protocollista.request(AddTitolarioNodeDocument, {
      input: { versionId: draftId, code: 'XII', description: 'x' },
    });
    assert.equal(code(forbidden), 'FORBIDDEN');
    // A member without TITOLARIO_MANAGE does not see the draft: not in the list, not by id.
    const missing = randomUUID();
    for (const client of [protocollista, outsider, outsiderAdmin]) {
      const draft = await client.request(TitolarioVersionDocument, { id: draftId });
      const none = await client.request(TitolarioVersionDocument, { id: missing });
      assert.equal(code(draft), 'NOT_FOUND');
      assert.equal(comparable(draft.errors, draftId), comparable(none.errors, missing));
      const n = await client.request(TitolarioNodeDocument, { id: node['VI/3/1'] ?? '' });
      assert.equal(code(n), 'NOT_FOUND');
    }
    // The same statements and rows for the hidden draft as for a missing id.
    const hiddenSql = await traceSql(env, [draftId], () =>
      protocollista.request(TitolarioVersionDocument, { id: draftId }),
    );
    const missingSql = await traceSql(env, [missing], () =>
      protocollista.request(TitolarioVersionDocument, { id: missing }),
    );
    assert.deepEqual(hiddenSql, missingSql);
    const hiddenNode = await traceSql(env, [node['VI/3/1'] ?? ''], () =>
      outsider.request(TitolarioNodeDocument, { id: node['VI/3/1'] ?? '' }),
    );
    const missingNode = await traceSql(env, [missing], () =>
      outsider.request(TitolarioNodeDocument, { id: missing }),
    );
    assert.deepEqual(hiddenNode, missingNode);
    const list = await protocollista.data(TitolarioVersionsDocument, { aooId: ids.aooId });
    assert.deepEqual(list.titolarioVersions, []);
    const managers = await admin.data(TitolarioVersionsDocument, { aooId: ids.aooId });
    assert.deepEqual(
      managers.titolarioVersions.map((v) => v.id),
      [draftId],
    );
    // Another AOO's manager cannot change it and is told it does not exist.
    const foreign = await outsiderAdmin.request(AddTitolarioNodeDocument, {
      input: { versionId: draftId, code: 'XII', description: 'x' },
    });
    const foreignMissing = await outsiderAdmin.request(AddTitolarioNodeDocument, {
      input: { versionId: missing, code: 'XII', description: 'x' },
    });
    assert.equal(code(foreign), 'NOT_FOUND');
    assert.equal(comparable(foreign.errors, draftId), comparable(foreignMissing.errors, missing));
    const foreignList = await outsider.request(TitolarioVersionsDocument, { aooId: ids.aooId });
    assert.equal(code(foreignList), 'NOT_FOUND');
    const foreignTree = await outsider.request(TitolarioDocument, { aooId: ids.aooId });
    const noAoo = await outsider.request(TitolarioDocument, { aooId: missing });
    assert.equal(comparable(foreignTree.errors, ids.aooId), comparable(noAoo.errors, missing));
    const ownTree = await outsider.data(TitolarioDocument, { aooId: outsiderAooId });
    assert.equal(ownTree.titolario, null, 'the other AOO has no titolario yet');
  });

  it('publishing is never retroactive and needs nodes; a published version is immutable', async () => {
    const thisYear = await rgd.data(CreateTitolarioDraftDocument, {
      input: { aooId: ids.aooId, label: 'Troppo tardi', validFrom: '2026-01-01' },
    });
    const tooLate = await rgd.request(PublishTitolarioVersionDocument, {
      input: { versionId: thisYear.createTitolarioDraft.id, approvalAct: 'Delibera n. 1' },
    });
    assert.equal(code(tooLate), 'TITOLARIO_VALID_FROM_INVALID');
    const later = await rgd.data(UpdateTitolarioDraftDocument, {
      input: { versionId: thisYear.createTitolarioDraft.id, validFrom: '2029-01-01', label: 'Vuoto' },
    });
    assert.equal(later.updateTitolarioDraft.validFrom, '2029-01-01');
    const empty = await rgd.request(PublishTitolarioVersionDocument, {
      input: { versionId: thisYear.createTitolarioDraft.id, approvalAct: 'Delibera n. 1' },
    });
    assert.equal(code(empty), 'TITOLARIO_VERSION_EMPTY');
    const deleted = await rgd.data(DeleteTitolarioDraftDocument, {
      versionId: thisYear.createTitolarioDraft.id,
    });
    assert.equal(deleted.deleteTitolarioDraft, thisYear.createTitolarioDraft.id);
    assert.equal(published.length, 0, 'no event for a refused publication');

    const done = await rgd.data(PublishTitolarioVersionDocument, {
      input: { versionId: draftId, approvalAct: 'Delibera di Giunta n. 45 del 10 marzo 2026' },
    });
    assert.equal(done.publishTitolarioVersion.state, 'PUBLISHED');
    assert.equal(done.publishTitolarioVersion.approvedAt, '2026-03-10T10:00:00.000Z');
    assert.equal(done.publishTitolarioVersion.validUntil, null);
    await env.platform.events.drain();
    assert.deepEqual(published, [{ versionId: draftId, aooId: ids.aooId, validFrom: '2027-01-01' }]);

    for (const r of [
      await rgd.request(AddTitolarioNodeDocument, {
        input: { versionId: draftId, code: 'XII', description: 'x' },
      }),
      await rgd.request(UpdateTitolarioNodeDocument, {
        input: { nodeId: node['I'] ?? '', description: 'x' },
      }),
      await rgd.request(RemoveTitolarioNodeDocument, { nodeId: node['I'] ?? '' }),
      await rgd.request(DeleteTitolarioDraftDocument, { versionId: draftId }),
      await rgd.request(PublishTitolarioVersionDocument, { input: { versionId: draftId, approvalAct: 'x' } }),
    ]) {
      assert.equal(code(r), 'TITOLARIO_VERSION_PUBLISHED', JSON.stringify(r.errors));
    }
  });

  it('the titolario at a day is the version in force then, its tree loaded with a fixed number of statements', async () => {
    const before2027 = await protocollista.data(TitolarioDocument, { aooId: ids.aooId, at: '2026-12-31' });
    assert.equal(before2027.titolario, null);
    const today = await protocollista.data(TitolarioDocument, { aooId: ids.aooId });
    assert.equal(today.titolario, null, 'by the request clock (2026) the 2027 version is not in force yet');
    const statements = await traceSql(env, [], () =>
      protocollista.data(TitolarioDocument, { aooId: ids.aooId, at: '2027-02-01' }),
    );
    const r = await protocollista.data(TitolarioDocument, { aooId: ids.aooId, at: '2027-02-01' });
    const t = r.titolario;
    assert.ok(t);
    assert.equal(t.id, draftId);
    assert.deepEqual(
      t.titoli.map((n) => n.fullCode),
      ['I', 'VI', 'IX', 'X'],
    );
    const vi = t.titoli.find((n) => n.code === 'VI');
    assert.deepEqual(
      vi?.children.map((c) => c.fullCode),
      ['VI/2', 'VI/4'],
    );
    // Version, validUntil, nodeCount, titoli, children (of every titolo at once): one statement each.
    const own = statements.filter((s) => s.sql.includes('titolario'));
    assert.equal(own.length, 5, own.map((s) => s.sql).join('\n'));
    assert.equal(
      statements.filter((s) => s.sql.includes('"titolario_node"')).length,
      2,
      'titoli, then all children',
    );
    // The flat list with index terms: one statement for the page, one for all its index terms.
    const flat = await traceSql(env, [], () =>
      protocollista.data(TitolarioNodesDocument, { versionId: draftId, first: 100 }),
    );
    assert.equal(flat.filter((s) => s.sql.includes('titolario_index_term')).length, 1);
    const nodes = await protocollista.data(TitolarioNodesDocument, { versionId: draftId, first: 100 });
    assert.deepEqual(
      nodes.titolarioVersion.nodes.edges
        .filter((e) => e.node.indexTerms.length > 0)
        .map((e) => [e.node.fullCode, e.node.indexTerms.map((x) => [x.term, x.variants])]),
      [['VI/4', [['Licenze edilizie', ['concessione edilizia', 'permesso di costruire']]]]],
    );
    const byCode = await protocollista.data(TitolarioNodeByCodeDocument, {
      versionId: draftId,
      fullCode: 'vi/4/1',
    });
    assert.equal(byCode.titolarioVersion.node?.id, node['VI/3/1']);
    const published2 = await outsider.request(TitolarioNodeDocument, { id: node['VI/3/1'] ?? '' });
    assert.equal(code(published2), 'NOT_FOUND', 'published nodes stay hidden from other AOOs');
  });
});
