import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreatePecMailboxDocument,
  ProtocolRecordsPecInteropDocument,
} from '../../clients/sdk/generated/plugins.js';
import { RegisterProtocolDocument } from '../../clients/sdk/generated/graphql.js';
import { draftDocuments } from '../harness/protocol-fixtures.js';
import { demoIds, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * What counterparts told us (ProtocolRecord.pecInteropMessages, PecDelivery.interopMessages and
 * counterpartRegistration) is read through per-request DataLoaders: a page of records with
 * their deliveries costs the same statements whatever its size (no N+1).
 */
describe('PEC interoperability messages: SQL statements per query', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let rgd: GraphqlClient;
  let statements = 0;

  before(async () => {
    env = await startTestEnv({ plugins: ['pec'], env: { GRAPHQL_MAX_COST: '1000000000' } });
    ids = await demoIds(env);
    rgd = await env.asUser('rgd');
    const server = { host: 'mail.example.it', port: 993, tls: true, user: 'u' };
    const mailbox = await rgd.data(CreatePecMailboxDocument, {
      input: {
        aooId: ids.aooId,
        uorId: ids.uor['PROT'] ?? '',
        address: 'protocollo@pec.comune.esempio.it',
        kind: 'PEC',
        description: 'invii',
        imap: server,
        smtp: server,
        password: 'segreta',
      },
    });
    for (const documentId of await draftDocuments(env, ids.uor['PROT'] ?? '', 40, 'rgd')) {
      await rgd.data(RegisterProtocolDocument, {
        input: {
          kind: 'PARTENZA',
          documentId,
          oggetto: 'Trasmissione',
          correspondents: [
            { kind: 'AMMINISTRAZIONE_ITALIANA', denominazione: 'Ente', pec: 'ente@pec.ente.it' },
          ],
        },
      });
    }
    // Two deliveries for every record of the AOO, straight to the database.
    await sql(
      env,
      `insert into pec_delivery (id, aoo_id, mailbox_id, record_id, send_request_id, recipient_address,
                                 recipient_is_person, message_id, queued_at, state_changed_at)
       select gen_random_uuid(), r.aoo_id, $1, r.id, gen_random_uuid(), 'ente' || g || '@pec.ente.it', false,
              '<' || gen_random_uuid() || '@pec.comune.esempio.it>', now(), now()
         from protocol_record r, generate_series(1, 2) g where r.aoo_id = $2`,
      [mailbox.createPecMailbox.id, ids.aooId],
    );
    env.platform.orm.em
      .getConnection()
      .getKnex()
      .on('query', () => {
        statements++;
      });
  });
  after(async () => {
    await env?.close();
  });

  async function page(first: number): Promise<{ statements: number; nodes: number; deliveries: number }> {
    statements = 0;
    const r = await rgd.data(ProtocolRecordsPecInteropDocument, { first });
    const nodes = r.protocolRecords.edges.map((e) => e.node);
    return { statements, nodes: nodes.length, deliveries: nodes.flatMap((n) => n.pecDeliveries).length };
  }

  it('a page of 5 and a page of 40 records, each with its deliveries and their interop messages, cost the same statements', async () => {
    const small = await page(5);
    const large = await page(40);
    assert.equal(small.nodes, 5);
    assert.equal(large.nodes, 40);
    assert.equal(large.deliveries, 80);
    assert.equal(large.statements, small.statements);
  });
});
