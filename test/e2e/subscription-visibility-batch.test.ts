import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  EndMembershipDocument,
  LiveSmistaDocument,
  RegisterProtocolDocument,
} from '../../clients/sdk/generated/graphql.js';
import { findVisibleRecord, visibleRecordRow } from '../../schema/protocollo/index.js';
import { activeCaller } from '../../server/auth/authenticate.js';
import { createContext, type RequestContext } from '../../server/context.js';
import { NotFoundError } from '../../server/errors/domain-error.js';
import { demoIds, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember } from '../harness/org-fixtures.js';
import { draftDocuments } from '../harness/protocol-fixtures.js';
import { traceSql } from '../harness/sql-trace.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The visibility check that subscriptions make for every subscriber of an event, asked by all of
 * them in the same turn: each answer is the one the subscriber's own check gives, and
 * subscribers with the same rights share one predicate (evaluated over the list of their ids),
 * so that the user's own facts (a CC to them, being the creator) still decide per user.
 */
describe('row visibility of one record for many subscribers at once', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let protocollista: GraphqlClient;
  const usernames = ['gruppo.a', 'gruppo.b', 'lettore', 'rpa.tecnico', 'protocollista'];
  const userIds = new Map<string, string>();

  before(async () => {
    env = await startTestEnv();
    ids = await demoIds(env);
    protocollista = await env.asUser('protocollista');
    const admin = await env.asUser('admin');
    // Two members of TEC with the same profile: the same grants, told apart only by their id.
    for (const username of ['gruppo.a', 'gruppo.b'])
      userIds.set(
        username,
        await createMember(admin, ids.aooId, ids.uor['TEC'] ?? '', username, 'READ_ONLY'),
      );
  });
  after(async () => {
    await env.close();
  });

  /** A registration of the protocol office, sent as given. */
  async function sent(input: {
    competenza?: string[];
    conoscenza?: Array<{ userId: string }>;
  }): Promise<string> {
    const [documentId] = await draftDocuments(env, ids.uor['PROT'] ?? '', 1, 'protocollista');
    const r = await protocollista.data(RegisterProtocolDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: documentId ?? '',
        oggetto: 'Istanza',
        correspondents: [{ kind: 'PERSONA_GIURIDICA', denominazione: 'Impresa Srl' }],
      },
    });
    const recordId = r.registerProtocol.id;
    await protocollista.data(LiveSmistaDocument, { input: { recordId, ...input } });
    return recordId;
  }

  /** A subscriber's context: the user with the rights they have now. */
  async function subscriberContext(username: string): Promise<RequestContext> {
    const id = ids.user[username] ?? userIds.get(username) ?? '';
    const caller = await activeCaller(env.platform, { id }, null);
    assert.ok(caller, username);
    return createContext(env.platform, caller.user, caller.grants, {
      requestId: `subscriber ${username}`,
      clientIp: null,
      userAgent: null,
      baseUrl: '',
    });
  }

  /** Whether each subscriber sees the record: asked together, and each alone. */
  async function together(recordId: string): Promise<{ batch: boolean[]; alone: boolean[]; sql: string[] }> {
    const contexts = await Promise.all(usernames.map(subscriberContext));
    let rows: unknown[] = [];
    const traced = await traceSql(env, [], async () => {
      rows = await Promise.all(contexts.map((c) => visibleRecordRow(c, recordId)));
    });
    const alone = await Promise.all(
      contexts.map((c) =>
        findVisibleRecord(c, env.platform.orm.em.fork(), recordId).then(
          () => true,
          (e: unknown) => {
            if (e instanceof NotFoundError) return false;
            throw e;
          },
        ),
      ),
    );
    return { batch: rows.map((r) => r !== null), alone, sql: traced.map((t) => t.sql) };
  }

  it('answers each subscriber as their own check does, telling apart users with the same rights by their own facts', async () => {
    // CC to gruppo.a only: TEC's readers do not see the protocol office's records, gruppo.a now does.
    const cc = await sent({ conoscenza: [{ userId: userIds.get('gruppo.a') ?? '' }] });
    const r = await together(cc);
    assert.deepEqual(r.batch, r.alone);
    assert.deepEqual(Object.fromEntries(usernames.map((u, i) => [u, r.batch[i]])), {
      'gruppo.a': true,
      'gruppo.b': false,
      lettore: false,
      'rpa.tecnico': false,
      protocollista: true,
    });
    // One statement for all; the two members of TEC share one predicate (one list of ids).
    const visibility = r.sql.filter((s) => s.includes('from protocol_record r where r.id'));
    assert.equal(visibility.length, 1, r.sql.join('\n'));
    assert.equal(
      visibility[0]?.split('from unnest(').length,
      usernames.length, // 4 lists (occurrences + 1 = 5): five subscribers, four distinct rights
      visibility[0],
    );
  });

  it('answers alike when the office sees the record (competenza to TEC)', async () => {
    const tec = await sent({ competenza: [ids.uor['TEC'] ?? ''] });
    const r = await together(tec);
    assert.deepEqual(r.batch, r.alone);
    assert.deepEqual(Object.fromEntries(usernames.map((u, i) => [u, r.batch[i]])), {
      'gruppo.a': true,
      'gruppo.b': true,
      lettore: false,
      'rpa.tecnico': true,
      protocollista: true,
    });
  });

  it('answers with the rights of now: a member of the pair whose membership ends stops seeing, the other still sees', async () => {
    const tec = await sent({ competenza: [ids.uor['TEC'] ?? ''] });
    const admin = await env.asUser('admin');
    const [membership] = await sql<{ id: string }>(
      env,
      'select id from membership where user_id = $1 and ended_at is null',
      [userIds.get('gruppo.b')],
    );
    assert.ok(membership);
    await admin.data(EndMembershipDocument, { id: membership.id });
    const r = await together(tec);
    assert.deepEqual(r.batch, r.alone);
    assert.deepEqual(Object.fromEntries(usernames.map((u, i) => [u, r.batch[i]])), {
      'gruppo.a': true,
      'gruppo.b': false,
      lettore: false,
      'rpa.tecnico': true,
      protocollista: true,
    });
  });
});
