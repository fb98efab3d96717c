import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { buildSchema } from 'graphql';
import { MutationFieldsDocument } from '../../clients/sdk/generated/graphql.js';
import {
  CreatePecMailboxDocument,
  DiscardPecMessageDocument,
  RegisterPecMessageDocument,
  SendPecAggiornamentoDocument,
  SendProtocolByPecDocument,
  SetPecMailboxGrantsDocument,
  UpdatePecMailboxDocument,
} from '../../clients/sdk/generated/plugins.js';
import { storeIncomingMessage, type IncomingReaders } from '../../plugins/pec/index.js';
import { systemContext } from '../../server/context.js';
import { demoIds, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { PEO_READERS, peoMessage } from '../harness/pec-peo-parse.js';
import { draftDocuments } from '../harness/protocol-fixtures.js';
import { RegisterProtocolDocument } from '../../clients/sdk/generated/graphql.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

interface Step {
  mutation: string;
  /** The audit rows of one run, in order (registering a message also registers a protocol record). */
  operations: string[];
  run(round: number): Promise<{ response: GraphqlResponse<unknown>; target: string }>;
}

/**
 * Every change of the PEC plugin is audited (DOMAIN §7), as audit-every-change.test.ts checks for
 * the core: each mutation, each time it succeeds, writes its audit row naming the operation and
 * its target in the change's transaction; the list names every mutation the plugin adds.
 */
describe('every PEC change writes its audit row', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let rgd: GraphqlClient;
  let mailboxId = '';
  const messages: Record<string, string> = {};

  const stored = async (key: string): Promise<string> => {
    const ctx = await systemContext(env.platform, {
      actorId: null,
      requestId: `audit-${key}`,
      agent: 'test',
    });
    const r = await storeIncomingMessage(
      ctx,
      mailboxId,
      peoMessage({ messageId: `<${key}@example.it>`, subject: key }),
      null,
      PEO_READERS,
    );
    return r.message.id;
  };

  before(async () => {
    env = await startTestEnv({ plugins: ['pec'] });
    ids = await demoIds(env);
    rgd = await env.asUser('rgd');
  });
  after(async () => {
    await env?.close();
  });

  const server = { host: 'mail.example.it', port: 993, tls: true, user: 'u' };
  const steps: Step[] = [
    {
      mutation: 'createPecMailbox',
      operations: ['pec.mailbox.create'],
      run: async (round) => {
        const response = await rgd.request(CreatePecMailboxDocument, {
          input: {
            aooId: ids.aooId,
            uorId: ids.uor['PROT'] ?? '',
            address: `casella${round}@comune.esempio.it`,
            kind: 'PEO',
            description: 'audit',
            imap: server,
            smtp: server,
            password: 'segreta',
          },
        });
        mailboxId =
          (response.data as { createPecMailbox?: { id: string } } | null)?.createPecMailbox?.id ?? '';
        return { response, target: mailboxId };
      },
    },
    {
      mutation: 'updatePecMailbox',
      operations: ['pec.mailbox.update'],
      run: async (round) => ({
        response: await rgd.request(UpdatePecMailboxDocument, {
          input: { id: mailboxId, description: `giro ${round}` },
        }),
        target: mailboxId,
      }),
    },
    {
      mutation: 'setPecMailboxGrants',
      operations: ['pec.mailbox.grants'],
      run: async () => ({
        response: await rgd.request(SetPecMailboxGrantsDocument, {
          mailboxId,
          grants: [{ uorId: ids.uor['PROT'], canRead: true, canRegister: true, canSend: false }],
        }),
        target: mailboxId,
      }),
    },
    {
      mutation: 'registerPecMessage',
      operations: ['protocol.register', 'pec.message.register'],
      run: async (round) => {
        const id = (messages[`r${round}`] = await stored(`register-${round}`));
        return { response: await rgd.request(RegisterPecMessageDocument, { id }), target: id };
      },
    },
    {
      mutation: 'discardPecMessage',
      operations: ['pec.message.discard'],
      run: async (round) => {
        const id = (messages[`d${round}`] = await stored(`discard-${round}`));
        return {
          response: await rgd.request(DiscardPecMessageDocument, { id, reason: 'non pertinente' }),
          target: id,
        };
      },
    },
    {
      mutation: 'sendProtocolByPec',
      operations: ['protocol.sendByPec'],
      run: async (round) => {
        const mailbox = await rgd.data(CreatePecMailboxDocument, {
          input: {
            aooId: ids.aooId,
            uorId: ids.uor['PROT'] ?? '',
            address: `protocollo${round}@pec.comune.esempio.it`,
            kind: 'PEC',
            description: 'invii',
            imap: server,
            smtp: server,
            password: 'segreta',
          },
        });
        const [documentId = ''] = await draftDocuments(env, ids.uor['PROT'] ?? '', 1, 'rgd');
        const record = await rgd.data(RegisterProtocolDocument, {
          input: {
            kind: 'PARTENZA',
            documentId,
            oggetto: `Trasmissione ${round}`,
            correspondents: [
              { kind: 'AMMINISTRAZIONE_ITALIANA', denominazione: 'Ente', pec: 'protocollo@pec.ente.it' },
            ],
          },
        });
        const target = record.registerProtocol.id;
        return {
          response: await rgd.request(SendProtocolByPecDocument, {
            recordId: target,
            mailboxId: mailbox.createPecMailbox.id,
          }),
          target,
        };
      },
    },
    {
      mutation: 'sendPecAggiornamento',
      operations: ['pec.message.enqueue', 'pec.aggiornamento.send'],
      run: async (round) => {
        // A record registered from a PEC message whose Segnatura named the sender's registration.
        const mailbox = await rgd.data(CreatePecMailboxDocument, {
          input: {
            aooId: ids.aooId,
            uorId: ids.uor['PROT'] ?? '',
            address: `arrivi${round}@pec.comune.esempio.it`,
            kind: 'PEC',
            description: 'arrivi',
            imap: server,
            smtp: server,
            password: 'segreta',
          },
        });
        const withSegnatura: IncomingReaders = {
          parse: (raw) => PEO_READERS.parse(raw),
          findInterop: () =>
            Promise.resolve({
              kind: 'segnatura',
              fileName: 'Segnatura.xml',
              schemaValid: true,
              seal: 'valid',
              problems: [],
              segnatura: {
                oggetto: 'Trasmissione',
                mittente: { denominazione: 'Ente', pec: 'protocollo@pec.ente.it' },
                primaryName: null,
                identificatore: {
                  codiceAmministrazione: 'c_ente',
                  codiceAOO: 'AENTE01',
                  codiceRegistro: 'PG',
                  numero: `000000${round}`,
                  data: '2026-06-01',
                  ora: null,
                },
                confermaRichiesta: false,
              } as NonNullable<Awaited<ReturnType<NonNullable<IncomingReaders['findInterop']>>>>['segnatura'],
            }),
        };
        const ctx = await systemContext(env.platform, {
          actorId: null,
          requestId: `audit-aggiornamento-${round}`,
          agent: 'test',
        });
        const message = await storeIncomingMessage(
          ctx,
          mailbox.createPecMailbox.id,
          peoMessage({ messageId: `<aggiornamento-${round}@example.it>`, subject: `aggiornamento ${round}` }),
          null,
          withSegnatura,
        );
        const registered = await rgd.data(RegisterPecMessageDocument, { id: message.message.id });
        const target = registered.registerPecMessage.recordId ?? '';
        return {
          response: await rgd.request(SendPecAggiornamentoDocument, {
            recordId: target,
            note: `giro ${round}`,
          }),
          target,
        };
      },
    },
  ];

  it('names every mutation the plugin adds to the schema', async () => {
    const r = await rgd.data(MutationFieldsDocument);
    const served = (r.__schema.mutationType?.fields ?? []).map((f) => f.name);
    const core = new Set(
      Object.keys(
        buildSchema(await readFile(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'))
          .getMutationType()
          ?.getFields() ?? {},
      ),
    );
    assert.deepEqual(steps.map((s) => s.mutation).sort(), served.filter((m) => !core.has(m)).sort());
  });

  it('each mutation, each time, adds its rows with operation, target, actor and request', async () => {
    for (const round of [1, 2]) {
      for (const step of steps) {
        // Storing a message (the ingest's change, audited on its own) happens inside some steps.
        const { response, target } = await step.run(round);
        assert.equal(response.errors, undefined, `${step.mutation} (round ${round})`);
        const rows = await sql<{
          operation: string;
          target_id: string;
          actor_username: string;
          request_id: string;
        }>(
          env,
          `select operation, target_id, actor_username, request_id from audit_event
            where request_id = (select request_id from audit_event where operation = $1 and target_id = $2 order by id desc limit 1)
            order by id`,
          [step.operations.at(-1), target],
        );
        assert.deepEqual(
          rows.map((r) => r.operation),
          step.operations,
          `${step.mutation} (round ${round})`,
        );
        assert.equal(rows.at(-1)?.target_id, target);
        assert.equal(rows.at(-1)?.actor_username, 'rgd');
        assert.ok(rows.at(-1)?.request_id);
      }
    }
  });

  it('storing a message is audited once, as the ingest (no user)', async () => {
    const id = await stored('ingest-only');
    const rows = await sql<{ operation: string; actor_id: string | null }>(
      env,
      'select operation, actor_id from audit_event where target_id = $1',
      [id],
    );
    assert.deepEqual(rows, [{ operation: 'pec.message.receive', actor_id: null }]);
  });
});
