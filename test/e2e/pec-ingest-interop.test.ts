import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import {
  AnnulProtocolDocument,
  GenerateDevelopmentSegnaturaSealDocument,
} from '../../clients/sdk/generated/graphql.js';
import { buildAnnullamento, buildEccezione, checkInteropXml } from '../../plugins/pec/interop/index.js';
import { reconcileInteropReplies } from '../../plugins/pec/ingest/index.js';
import { buildSegnatura, generateDevelopmentSeal, sealSegnaturaXml } from '../../schema/segnatura/index.js';
import type { SegnaturaInput } from '../../schema/segnatura/index.js';
import { systemContext } from '../../server/context.js';
import { handcraftReceipt } from '../fixtures/pec-receipts.js';
import { CORRESPONDENTS, OWN_AOO, segnaturaInput } from '../fixtures/segnatura-fixture.js';
import { withFailingStatement } from '../harness/faults.js';
import { demoIds, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import {
  DEMO_MAILBOXES,
  imapAccount,
  startTestPecProvider,
  type PecProvider,
} from '../harness/pec-provider.js';
import {
  createIngestMailbox,
  deliver,
  eventually,
  type IngestMailbox,
} from '../harness/pec-ingest-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const A = DEMO_MAILBOXES[0]; // the other AOO, which sends
const B = DEMO_MAILBOXES[1]; // ours, which ingests

const PDF = Buffer.from('%PDF-1.4\n% richiesta di prova\n%%EOF\n');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A Segnatura of AOO A (c_x000 / A1B2C3D) for its registration `numero`, sealed with A's key. */
async function segnaturaOfA(numero: number, primaryName: string): Promise<Buffer> {
  const base = segnaturaInput('PARTENZA', CORRESPONDENTS.amministrazione, numero);
  const input: SegnaturaInput = {
    ...base,
    kind: 'PARTENZA',
    oggetto: `Trasmissione atti n. ${numero}`,
    mittente: { ...OWN_AOO, aoo: { ...OWN_AOO.aoo, contatti: { pec: [A.address] } } },
    destinatari: [{ ...CORRESPONDENTS.amministrazione, confermaRicezione: true }],
    documentoPrimario: {
      nomeFile: primaryName,
      mimeType: 'application/pdf',
      descrizione: 'Atto',
      sha256: sha(PDF),
      firmatoDigitalmente: false,
    },
    allegati: [],
  } as SegnaturaInput;
  const seal = generateDevelopmentSeal('Sigillo AOO A', 'Comune di Esempio', new Date());
  return Buffer.from(await sealSegnaturaXml(buildSegnatura(input), seal, new Date()), 'utf8');
}

/** A sends B a message with the PDF and Segnatura.xml through the provider (a busta reaches B's INBOX). */
async function sendFromA(
  provider: PecProvider,
  subject: string,
  segnatura: Buffer,
  attachPdfAs: string | null,
  xmlName = 'Segnatura.xml',
) {
  const transport = nodemailer.createTransport({
    host: provider.smtp.host,
    port: provider.smtp.port,
    secure: false,
    ignoreTLS: true,
    auth: { user: A.address, pass: A.password },
  });
  const info = await transport.sendMail({
    from: A.address,
    to: B.address,
    subject,
    text: 'In allegato gli atti.',
    attachments: [
      ...(attachPdfAs ? [{ filename: attachPdfAs, content: PDF, contentType: 'application/pdf' }] : []),
      { filename: xmlName, content: segnatura, contentType: 'application/xml' },
    ],
  });
  await provider.settled();
  return info.messageId;
}

interface SentRow {
  kind: string;
  pec_message_id: string | null;
  record_id: string | null;
  eccezione_code: string | null;
  delivery_ids: string[];
}

async function sentFor(env: TestEnv, where: string, params: unknown[]): Promise<SentRow[]> {
  return sql<SentRow>(
    env,
    `select kind, pec_message_id, record_id, eccezione_code, delivery_ids::text[] as delivery_ids from pec_interop_sent where ${where}`,
    params,
  );
}

async function attachmentOf(env: TestEnv, deliveryId: string, fileName: string): Promise<Buffer> {
  const rows = await sql<{ bytes: Buffer }>(
    env,
    `select a.bytes from pec_outgoing_attachment a join pec_delivery d on d.content_id = a.content_id
      where d.id = $1 and a.file_name = $2`,
    [deliveryId, fileName],
  );
  assert.equal(rows.length, 1, `${fileName} of delivery ${deliveryId}`);
  return rows[0]?.bytes ?? Buffer.alloc(0);
}

/** The row of the busta whose postacert has this subject, once registered. */
async function registeredBusta(env: TestEnv, mailboxId: string, subject: string) {
  return eventually(`busta "${subject}" registered`, async () => {
    const rows = await sql<{ id: string; state: string; record_id: string | null; problems: string[] }>(
      env,
      `select id, state, record_id, problems from pec_message
        where mailbox_id = $1 and kind = 'BUSTA' and summary -> 'original' ->> 'subject' = $2`,
      [mailboxId, subject],
    );
    return rows[0]?.state === 'REGISTERED' ? rows[0] : undefined;
  });
}

/**
 * The dispatch of what the ingest brings in, through the PEC provider simulator (real SMTP, real
 * dovecot, signed bustas): a Segnatura asking for confirmation registered automatically and
 * answered with a Conferma (and the receipt of registration), an irregular one answered with an
 * Eccezione of the right code, a provider's receipt matched to the delivery of that Conferma,
 * and the annulment of a record registered from a Segnatura answered with an Annullamento once,
 * even when the event handler fails.
 */
describe('PEC ingest: dispatch, interoperability replies, annulment', () => {
  let env: TestEnv;
  let provider: PecProvider;
  let ids: DemoIds;
  let rgd: GraphqlClient;
  let mailbox: IngestMailbox;
  let confermaDeliveryId = '';
  let confermaRecordId = '';

  before(async () => {
    provider = await startTestPecProvider();
    const anchors = path.join(provider.dovecot.dir, 'provider-ca.pem');
    await writeFile(anchors, provider.caCertificatePem);
    env = await startTestEnv({
      plugins: ['pec'],
      env: { PEC_INGEST: 'true', PEC_POLL_SECONDS: '2', PEC_TRUST_ANCHORS: anchors },
    });
    ids = await demoIds(env);
    rgd = await env.asUser('rgd');
    await (await env.asUser('admin')).data(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
    mailbox = await createIngestMailbox(rgd, {
      aooId: ids.aooId,
      uorId: ids.uor['PROT'] ?? '',
      account: imapAccount(provider, B.address),
      registrarId: ids.user['protocollista'] ?? '',
      autoRegister: true,
      sendRegistrationReceipt: true,
      smtp: provider.smtp,
    });
  });

  after(async () => {
    await env?.close();
    await provider?.stop();
  });

  it('a Segnatura asking for confirmation: registered automatically, one Conferma (XSD-valid, unsealed) and one receipt of registration to the sender', async () => {
    await sendFromA(provider, 'Trasmissione atti 101', await segnaturaOfA(101, 'atto.pdf'), 'atto.pdf');
    const busta = await registeredBusta(env, mailbox.id, 'Trasmissione atti 101');
    assert.ok(busta.record_id);
    confermaRecordId = busta.record_id;
    const sent = await eventually('the replies claimed', async () => {
      const rows = await sentFor(env, 'pec_message_id = $1', [busta.id]);
      return rows.length === 2 ? rows : undefined;
    });
    const conferma = sent.find((r) => r.kind === 'conferma');
    const ricevuta = sent.find((r) => r.kind === 'ricevuta');
    assert.ok(conferma && ricevuta, JSON.stringify(sent));
    assert.equal(conferma.delivery_ids.length, 1);
    assert.equal(ricevuta.delivery_ids.length, 1);
    confermaDeliveryId = conferma.delivery_ids[0] ?? '';
    const [delivery] = await sql<{ recipient_address: string; related_record_id: string }>(
      env,
      'select recipient_address, related_record_id from pec_delivery where id = $1',
      [confermaDeliveryId],
    );
    assert.equal(delivery?.recipient_address, A.address);
    const xml = await attachmentOf(env, confermaDeliveryId, 'Conferma.xml');
    const check = await checkInteropXml('Conferma.xml', xml, 'conferma');
    assert.equal(check.kind, 'conferma');
    assert.ok(check.schemaValid, check.problems.join('; '));
    // Unsealed: pec_message.xsd has no place for a signature (a strict receiver refuses one).
    assert.equal(check.seal, 'unsigned');
    assert.equal(check.reference?.codiceAOO, 'A1B2C3D');
    assert.equal(Number(check.reference?.numero), 101);
    const [record] = await sql<{ number: number }>(env, 'select number from protocol_record where id = $1', [
      busta.record_id,
    ]);
    assert.equal(Number(check.counterpart?.numero), record?.number);
    // The durable path finds nothing left to do: each reply once.
    const ctx = await systemContext(env.platform, {
      actorId: null,
      requestId: 'test-reconcile',
      agent: 'test',
    });
    assert.deepEqual(await reconcileInteropReplies(ctx), { replies: 0, annulments: 0 });
  });

  it('a Segnatura naming a document that is not attached: registered, marked, answered with Eccezione 003 and no Conferma', async () => {
    await sendFromA(provider, 'Trasmissione atti 102', await segnaturaOfA(102, 'mancante.pdf'), 'altro.pdf');
    const busta = await registeredBusta(env, mailbox.id, 'Trasmissione atti 102');
    const sent = await eventually('the Eccezione claimed', async () => {
      const rows = await sentFor(env, `pec_message_id = $1 and kind in ('conferma', 'eccezione')`, [
        busta.id,
      ]);
      return rows.length > 0 ? rows : undefined;
    });
    assert.deepEqual(
      sent.map((r) => [r.kind, r.eccezione_code]),
      [['eccezione', '003_DocumentoAllegatiNonLeggibili']],
    );
    const xml = await attachmentOf(env, sent[0]?.delivery_ids[0] ?? '', 'Eccezione.xml');
    const check = await checkInteropXml('Eccezione.xml', xml, 'eccezione');
    assert.ok(check.schemaValid, check.problems.join('; '));
    assert.equal(check.eccezione?.code, '003_DocumentoAllegatiNonLeggibili');
    assert.equal(Number(check.reference?.numero), 102);
  });

  it("a provider's receipt of the Conferma is ingested and matched to that delivery", async () => {
    const [delivery] = await sql<{ message_id: string }>(
      env,
      'select message_id from pec_delivery where id = $1',
      [confermaDeliveryId],
    );
    assert.ok(delivery);
    const receipt = handcraftReceipt({
      kind: 'accettazione',
      riferimento: delivery.message_id,
      sender: B.address,
      recipients: [A.address],
    });
    await deliver(imapAccount(provider, B.address), receipt.raw);
    const matched = await eventually('the receipt matched', async () => {
      const rows = await sql<{ delivery_id: string | null; kind: string }>(
        env,
        `select r.delivery_id, r.kind from pec_receipt r join pec_message m on m.id = r.pec_message_id
          where m.message_id = $1`,
        [receipt.messageId],
      );
      return rows[0];
    });
    assert.equal(matched.delivery_id, confermaDeliveryId);
    assert.equal(matched.kind, 'accettazione');
    const [state] = await sql<{ state: string }>(env, 'select state from pec_delivery where id = $1', [
      confermaDeliveryId,
    ]);
    assert.equal(state?.state, 'ACCEPTED');
  });

  it('annulling a record registered from a Segnatura enqueues one Annullamento, by the reconciliation job when the handler failed', async () => {
    const annul = () =>
      rgd.data(AnnulProtocolDocument, {
        input: {
          id: confermaRecordId,
          reason: 'Registrato per errore',
          authorisation: 'Provvedimento RGD n. 7/2026',
        },
      });
    // The handler's claim fails (as if the process died after the commit): nothing enqueued.
    await withFailingStatement(
      env.databaseUrl,
      { table: 'pec_interop_sent', event: 'insert', when: `NEW.kind = 'annullamento'` },
      async () => {
        await annul();
        await new Promise((resolve) => setTimeout(resolve, 500));
      },
    );
    assert.equal(
      (await sentFor(env, `kind = 'annullamento' and record_id = $1`, [confermaRecordId])).length,
      0,
    );
    const ctx = await systemContext(env.platform, {
      actorId: null,
      requestId: 'test-reconcile',
      agent: 'test',
    });
    assert.deepEqual(await reconcileInteropReplies(ctx), { replies: 0, annulments: 1 });
    assert.deepEqual(await reconcileInteropReplies(ctx), { replies: 0, annulments: 0 });
    const [sent] = await sentFor(env, `kind = 'annullamento' and record_id = $1`, [confermaRecordId]);
    assert.ok(sent);
    assert.equal(sent.delivery_ids.length, 1);
    const xml = await attachmentOf(env, sent.delivery_ids[0] ?? '', 'Annullamento.xml');
    const check = await checkInteropXml('Annullamento.xml', xml, 'annullamento');
    assert.ok(check.schemaValid, check.problems.join('; '));
    assert.equal(check.annullamento?.reason, 'Registrato per errore');
    assert.equal(check.annullamento?.act, 'Provvedimento RGD n. 7/2026');
    const [to] = await sql<{ recipient_address: string }>(
      env,
      'select recipient_address from pec_delivery where id = $1',
      [sent.delivery_ids[0]],
    );
    assert.equal(to?.recipient_address, A.address);
  });

  it("an incoming Annullamento naming the sender's registration we registered is kept with our record and closed; an Eccezione naming nothing of ours waits for an operator", async () => {
    const sender = {
      codiceAmministrazione: 'c_x000',
      codiceAOO: 'A1B2C3D',
      codiceRegistro: 'PG',
      numero: 101,
      data: '2026-06-15',
    };
    const annullamento = await buildAnnullamento(
      { identificatore: sender, motivo: 'Protocollato per errore', provvedimento: 'Determina n. 9/2026' },
      null,
      new Date(),
    );
    await sendFromA(provider, 'Annullamento protocollo 101', annullamento, null, 'Annullamento.xml');
    const received = await eventually('the Annullamento applied', async () => {
      const rows = await sql<{
        record_id: string;
        description: string;
        act: string;
        state: string;
        reason: string;
      }>(
        env,
        `select r.record_id, r.description, r.act, m.state, m.discard_reason as reason
           from pec_interop_received r join pec_message m on m.id = r.pec_message_id where r.kind = 'annullamento'`,
      );
      return rows[0];
    });
    assert.equal(received.record_id, confermaRecordId);
    assert.equal(received.description, 'Protocollato per errore');
    assert.equal(received.act, 'Determina n. 9/2026');
    assert.equal(received.state, 'DISCARDED');
    assert.match(received.reason, /Annullamento\.xml \(annullamento\) applied/);
    const notes = await sql<{ text: string; created_by: string }>(
      env,
      'select text, created_by from protocol_annotation where record_id = $1',
      [confermaRecordId],
    );
    assert.equal(notes.length, 1);
    assert.match(
      notes[0]?.text ?? '',
      /Annullamento ricevuto via PEC .* A1B2C3D PG n\. 0000101 del 2026-06-15\. Motivo: Protocollato per errore\. Provvedimento: Determina n\. 9\/2026/,
    );
    assert.equal(notes[0]?.created_by, ids.user['protocollista'], "written as the mailbox's acting user");

    const eccezione = await buildEccezione(
      {
        code: '007_ErroreIdentificatoreNonTrovato',
        messaggioRicevuto: {
          identificatore: {
            ...sender,
            codiceAmministrazione: 'c_demo',
            codiceAOO: 'ADEMO01',
            numero: 999999,
          },
        },
      },
      null,
      new Date(),
    );
    await sendFromA(provider, 'Eccezione sconosciuta', eccezione, null, 'Eccezione.xml');
    const waiting = await eventually('the Eccezione kept for an operator', async () => {
      const rows = await sql<{ state: string; problems: string[] }>(
        env,
        `select state, problems from pec_message where mailbox_id = $1 and summary -> 'original' ->> 'subject' = $2`,
        [mailbox.id, 'Eccezione sconosciuta'],
      );
      return rows[0];
    });
    assert.equal(waiting.state, 'TO_REGISTER', 'never registered automatically as a document');
    assert.ok(
      waiting.problems.some((p) => p.includes('not a registration of this AOO')),
      JSON.stringify(waiting.problems),
    );
  });
});
