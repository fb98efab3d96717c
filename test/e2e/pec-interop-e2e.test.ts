import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateDocumentDocument,
  GenerateDevelopmentSegnaturaSealDocument,
  RegisterProtocolDocument,
} from '../../clients/sdk/generated/graphql.js';
import {
  PecMessageDocument,
  ProtocolRecordPecDeliveriesDocument,
  SendProtocolByPecDocument,
} from '../../clients/sdk/generated/plugins.js';
import { demoIds, sql, uniqueBytes, upload, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo, type SecondAoo } from '../harness/org-fixtures.js';
import { imapAccount, startTestPecProvider, type PecProvider } from '../harness/pec-provider.js';
import { createIngestMailbox, eventually, type IngestMailbox } from '../harness/pec-ingest-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

// Each AOO's mailbox is the PEC address it declares (the demo AOO's, and createSecondAoo's):
// the Segnatura names it as the sender's address, where the Conferma goes.
const A = { address: 'protocollo@pec.comune.esempio.it', password: 'password-a' };
const B = { address: 'protocollo@pec.altrove.it', password: 'password-b' };

/**
 * Issue 14's "done when": two AOOs exchange a registered document through real servers (the
 * provider simulator's SMTP and dovecot IMAP). AOO A registers a partenza and sends it by PEC;
 * the provider accepts it and delivers a signed busta to B; B's ingest registers it from its
 * Segnatura and answers with a sealed Conferma; A's ingest matches the accettazione and the
 * avvenuta-consegna to its delivery and applies B's Conferma to it (B's registration number).
 * Everything runs through the job queue and the IMAP loops, nothing called by hand.
 */
describe('PEC interoperability end to end: AOO A sends, AOO B registers and confirms', () => {
  let env: TestEnv;
  let provider: PecProvider;
  let ids: DemoIds;
  let aooB: SecondAoo;
  let protA: GraphqlClient;
  let protB: GraphqlClient;
  let mailboxA: IngestMailbox;
  let mailboxB: IngestMailbox;

  before(async () => {
    provider = await startTestPecProvider({
      domains: ['pec.comune.esempio.it', 'pec.altrove.it'],
      mailboxes: [A, B],
    });
    const anchors = path.join(provider.dovecot.dir, 'provider-ca.pem');
    await writeFile(anchors, provider.caCertificatePem);
    env = await startTestEnv({
      plugins: ['pec'],
      env: { PEC_INGEST: 'true', PEC_POLL_SECONDS: '2', PEC_TRUST_ANCHORS: anchors, JOBS_ENABLED: 'true' },
    });
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    aooB = await createSecondAoo(admin);
    await createMember(admin, aooB.aooId, aooB.uorId, 'b.rgd', 'RGD');
    const bProtocollista = await createMember(
      admin,
      aooB.aooId,
      aooB.uorId,
      'b.protocollista',
      'PROTOCOLLISTA',
    );
    await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
    await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: aooB.aooId });
    protA = await env.asUser('protocollista');
    protB = await env.asUser('b.protocollista');
    mailboxA = await createIngestMailbox(await env.asUser('rgd'), {
      aooId: ids.aooId,
      uorId: ids.uor['PROT'] ?? '',
      account: imapAccount(provider, A.address),
      registrarId: ids.user['protocollista'] ?? '',
      autoRegister: false,
      smtp: provider.smtp,
    });
    mailboxB = await createIngestMailbox(await env.asUser('b.rgd'), {
      aooId: aooB.aooId,
      uorId: aooB.uorId,
      account: imapAccount(provider, B.address),
      registrarId: bProtocollista,
      autoRegister: true,
      smtp: provider.smtp,
    });
  });

  after(async () => {
    await env?.close();
    await provider?.stop();
  });

  it('A sends a registered record to B; B registers it and its Conferma reaches A; A sees accettazione and avvenuta-consegna', async () => {
    const file = await upload(env, 'protocollista', uniqueBytes('delibera', 4096), 'delibera.pdf');
    const doc = await protA.data(CreateDocumentDocument, {
      input: {
        oggetto: 'Trasmissione della delibera n. 12',
        uorId: ids.uor['PROT'] ?? '',
        primaryFileId: file.id,
      },
    });
    const recordA = (
      await protA.data(RegisterProtocolDocument, {
        input: {
          kind: 'PARTENZA',
          documentId: doc.createDocument.id,
          oggetto: 'Trasmissione della delibera n. 12',
          correspondents: [
            {
              kind: 'AMMINISTRAZIONE_ITALIANA',
              denominazione: 'Comune di Altrove',
              ipaAmministrazione: 'c_altrove',
              pec: B.address,
            },
          ],
        },
      })
    ).registerProtocol;
    const sent = await protA.data(SendProtocolByPecDocument, {
      recordId: recordA.id,
      mailboxId: mailboxA.id,
    });
    assert.equal(sent.sendProtocolByPec.length, 1);
    const deliveryId = sent.sendProtocolByPec[0]?.id ?? '';

    // B: the busta ingested and registered automatically from its Segnatura.
    const atB = await eventually(
      'the busta registered at B',
      async () => {
        const rows = await sql<{ id: string; record_id: string | null; problems: string[] }>(
          env,
          `select id, record_id, problems from pec_message where mailbox_id = $1 and kind = 'BUSTA' and state = 'REGISTERED'`,
          [mailboxB.id],
        );
        return rows[0];
      },
      60_000,
    );
    const seenByB = await protB.data(PecMessageDocument, { id: atB.id });
    assert.equal(seenByB.pecMessage?.interopKind, 'segnatura');
    assert.equal(seenByB.pecMessage?.record?.oggetto, 'Trasmissione della delibera n. 12');
    const [recordB] = await sql<{ number: number }>(env, 'select number from protocol_record where id = $1', [
      atB.record_id,
    ]);
    assert.ok(recordB);

    // A: the provider's receipts matched, and B's Conferma applied to A's delivery.
    const deliveries = await eventually(
      'accettazione and avvenuta-consegna at A',
      async () => {
        const r = await protA.data(ProtocolRecordPecDeliveriesDocument, { id: recordA.id });
        const d = r.protocolRecord?.pecDeliveries[0];
        const kinds = new Set(d?.receipts.map((x) => x.kind));
        return d && kinds.has('accettazione') && kinds.has('avvenuta-consegna')
          ? r.protocolRecord
          : undefined;
      },
      60_000,
    );
    assert.equal(deliveries?.sentByPec, true);
    assert.equal(deliveries?.pecDeliveries[0]?.state, 'DELIVERED');
    const conferma = await eventually(
      "B's Conferma applied at A",
      async () => {
        const rows = await sql<{
          delivery_id: string | null;
          counterpart: { numero: string; codiceAOO: string };
        }>(
          env,
          `select delivery_id, counterpart from pec_interop_received where kind = 'conferma' and record_id = $1`,
          [recordA.id],
        );
        return rows[0];
      },
      60_000,
    ).catch(async (e: unknown) => {
      const dump = {
        sent: await sql(env, 'select kind, delivery_ids::text from pec_interop_sent'),
        deliveries: await sql(
          env,
          'select id, recipient_address, state, last_error, attempts from pec_delivery',
        ),
        atA: await sql(
          env,
          `select kind, state, problems, summary -> 'interop' as interop, summary -> 'original' ->> 'from' as f from pec_message where mailbox_id = $1`,
          [mailboxA.id],
        ),
        atB: await sql(
          env,
          `select kind, state, problems, summary -> 'interop' -> 'segnatura' as s from pec_message where mailbox_id = $1`,
          [mailboxB.id],
        ),
      };
      throw new Error(`${String(e)} ${JSON.stringify(dump, null, 1)}`);
    });
    assert.equal(conferma.delivery_id, deliveryId);
    assert.equal(conferma.counterpart.codiceAOO, 'AALTR01');
    assert.equal(Number(conferma.counterpart.numero), recordB.number);
    // A's own view through GraphQL: B's registration of the message, from its Conferma, on A's delivery.
    const viewA = (await protA.data(ProtocolRecordPecDeliveriesDocument, { id: recordA.id })).protocolRecord;
    const deliveryA = viewA?.pecDeliveries.find((d) => d.id === deliveryId);
    assert.equal(deliveryA?.counterpartRegistration?.codiceAOO, 'AALTR01');
    assert.equal(Number(deliveryA?.counterpartRegistration?.numero), recordB.number);
    assert.deepEqual(
      deliveryA?.interopMessages.map((m) => [m.kind, m.schemaValid, Number(m.registration?.numero)]),
      [['CONFERMA', true, recordB.number]],
    );
    assert.deepEqual(
      viewA?.pecInteropMessages.map((m) => m.kind),
      ['CONFERMA'],
    );
    // Nothing twice: one busta at B, one record there, one Conferma sent.
    assert.equal(
      (await sql(env, `select id from pec_message where mailbox_id = $1 and kind = 'BUSTA'`, [mailboxB.id]))
        .length,
      1,
    );
    assert.equal((await sql(env, `select id from pec_interop_sent where kind = 'conferma'`)).length, 1);
  });
});
