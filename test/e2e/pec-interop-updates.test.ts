import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import {
  AnnulProtocolDocument,
  CreateDocumentDocument,
  GenerateDevelopmentSegnaturaSealDocument,
  RegisterProtocolDocument,
} from '../../clients/sdk/generated/graphql.js';
import {
  PecDeliveryChangedDocument,
  ProtocolRecordPecDeliveriesDocument,
  SendPecAggiornamentoDocument,
  SendProtocolByPecDocument,
} from '../../clients/sdk/generated/plugins.js';
import {
  buildAggiornamento,
  buildAnnullamento,
  buildConferma,
  buildEccezione,
  checkInteropXml,
  type InteropIdentifierInput,
} from '../../plugins/pec/interop/index.js';
import { buildSegnatura, generateDevelopmentSeal, sealSegnaturaXml } from '../../schema/segnatura/index.js';
import type { SegnaturaInput } from '../../schema/segnatura/index.js';
import { CORRESPONDENTS, OWN_AOO, segnaturaInput } from '../fixtures/segnatura-fixture.js';
import {
  demoIds,
  errorCode,
  sleep,
  sql,
  uniqueBytes,
  upload,
  type DemoIds,
} from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import {
  DEMO_MAILBOXES,
  imapAccount,
  startTestPecProvider,
  type PecProvider,
} from '../harness/pec-provider.js';
import { createIngestMailbox, eventually, type IngestMailbox } from '../harness/pec-ingest-helpers.js';
import { TypedSubscriber } from '../harness/typed-subscriber.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const A = DEMO_MAILBOXES[0]; // the other AOO
const B = DEMO_MAILBOXES[1]; // ours

const PDF = Buffer.from('%PDF-1.4\n% atto di prova\n%%EOF\n');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The other AOO's registration of our message, as its Conferma/Aggiornamento names it. */
const theirs = (numero: number, ora = '10:00:00'): InteropIdentifierInput => ({
  codiceAmministrazione: 'c_x000',
  codiceAOO: 'A1B2C3D',
  codiceRegistro: 'PG',
  numero,
  data: '2026-06-20',
  ora,
});

/** A Segnatura of AOO A for its registration `numero`, sealed with A's key, asking for a Conferma. */
async function segnaturaOfA(numero: number): Promise<Buffer> {
  const base = segnaturaInput('PARTENZA', CORRESPONDENTS.amministrazione, numero);
  const input = {
    ...base,
    kind: 'PARTENZA',
    oggetto: `Trasmissione atti n. ${numero}`,
    mittente: { ...OWN_AOO, aoo: { ...OWN_AOO.aoo, contatti: { pec: [A.address] } } },
    destinatari: [{ ...CORRESPONDENTS.amministrazione, confermaRicezione: true }],
    documentoPrimario: {
      nomeFile: 'atto.pdf',
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

/**
 * Allegato 6 messages after a registration, both ways, through the PEC provider simulator (real
 * SMTP, dovecot IMAP, signed bustas) and the ingest loop:
 * - what the recipient AOO tells us about a record we sent (Conferma, Aggiornamento, Eccezione,
 *   Annullamento of its registration) shows on our delivery and record through GraphQL, and the
 *   delivery's subscribers see it arrive;
 * - sendPecAggiornamento: our AggiornamentoConferma to the sender of a message we registered
 *   from its Segnatura, its errors and who may send it.
 */
describe('PEC interoperability updates: what the counterpart told us, and our Aggiornamento', () => {
  let env: TestEnv;
  let provider: PecProvider;
  let ids: DemoIds;
  let prot: GraphqlClient;
  let mailbox: IngestMailbox;
  let ours: InteropIdentifierInput;

  /** A (the other AOO) mails our mailbox a message with these attachments. */
  async function fromA(subject: string, attachments: Array<{ filename: string; content: Buffer }>) {
    const transport = nodemailer.createTransport({
      host: provider.smtp.host,
      port: provider.smtp.port,
      secure: false,
      ignoreTLS: true,
      auth: { user: A.address, pass: A.password },
    });
    await transport.sendMail({ from: A.address, to: B.address, subject, text: 'Messaggio.', attachments });
    await provider.settled();
  }
  const xml = (filename: string, content: Buffer) => [{ filename, content, contentType: 'application/xml' }];

  async function registeredFrom(subject: string): Promise<string> {
    const row = await eventually(`"${subject}" registered`, async () => {
      const rows = await sql<{ state: string; record_id: string | null }>(
        env,
        `select state, record_id from pec_message where mailbox_id = $1 and summary -> 'original' ->> 'subject' = $2`,
        [mailbox.id, subject],
      );
      return rows[0]?.state === 'REGISTERED' ? rows[0] : undefined;
    });
    return row.record_id ?? '';
  }

  before(async () => {
    provider = await startTestPecProvider();
    const anchors = path.join(provider.dovecot.dir, 'provider-ca.pem');
    await writeFile(anchors, provider.caCertificatePem);
    env = await startTestEnv({
      plugins: ['pec'],
      env: { PEC_INGEST: 'true', PEC_POLL_SECONDS: '1', PEC_TRUST_ANCHORS: anchors },
    });
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
    prot = await env.asUser('protocollista');
    mailbox = await createIngestMailbox(await env.asUser('rgd'), {
      aooId: ids.aooId,
      uorId: ids.uor['PROT'] ?? '',
      account: imapAccount(provider, B.address),
      registrarId: ids.user['protocollista'] ?? '',
      autoRegister: true,
      smtp: provider.smtp,
    });
    const [aoo] = await sql<{ ipa: string; code: string; register: string }>(
      env,
      `select adm.ipa_code as ipa, a.code, a.register_code as register
         from aoo a join administration adm on adm.id = a.administration_id where a.id = $1`,
      [ids.aooId],
    );
    assert.ok(aoo);
    ours = {
      codiceAmministrazione: aoo.ipa,
      codiceAOO: aoo.code,
      codiceRegistro: aoo.register,
      numero: 1,
      data: '',
    };
  });

  after(async () => {
    await env?.close();
    await provider?.stop();
  });

  it('Conferma, Aggiornamento, Eccezione and Annullamento from the recipient show on our delivery and record; subscribers see them', async () => {
    const file = await upload(env, 'protocollista', uniqueBytes('delibera', 2048), 'delibera.pdf');
    const doc = await prot.data(CreateDocumentDocument, {
      input: { oggetto: 'Trasmissione delibera', uorId: ids.uor['PROT'] ?? '', primaryFileId: file.id },
    });
    const record = (
      await prot.data(RegisterProtocolDocument, {
        input: {
          kind: 'PARTENZA',
          documentId: doc.createDocument.id,
          oggetto: 'Trasmissione delibera',
          correspondents: [
            {
              kind: 'AMMINISTRAZIONE_ITALIANA',
              denominazione: 'Comune A',
              ipaAmministrazione: 'c_x000',
              pec: A.address,
            },
          ],
        },
      })
    ).registerProtocol;
    const [delivery] = (
      await prot.data(SendProtocolByPecDocument, { recordId: record.id, mailboxId: mailbox.id })
    ).sendProtocolByPec;
    assert.ok(delivery);
    assert.equal(delivery.counterpartRegistration, null);
    assert.deepEqual(delivery.interopMessages, []);
    const ourReg = { ...ours, numero: record.number, data: record.date };

    const sub = await TypedSubscriber.open(
      env.wsUrl,
      await env.tokenFor('protocollista'),
      PecDeliveryChangedDocument,
      { recordId: record.id },
      (d) => d.pecDeliveryChanged,
    );
    try {
      await sleep(200);
      await fromA(
        'Conferma',
        xml(
          'Conferma.xml',
          await buildConferma({ identificatore: theirs(555), messaggioRicevuto: ourReg }, null, new Date()),
        ),
      );
      const [changed] = await sub.until(1, 60_000);
      assert.equal(changed?.id, delivery.id, 'the Conferma is published as a change of the delivery');
    } finally {
      sub.ws.close();
    }
    const view = async () =>
      (await prot.data(ProtocolRecordPecDeliveriesDocument, { id: record.id })).protocolRecord;
    let seen = await view();
    assert.equal(seen?.pecDeliveries[0]?.counterpartRegistration?.numero, '0000555');
    assert.equal(seen?.pecDeliveries[0]?.counterpartRegistration?.codiceAOO, 'A1B2C3D');
    assert.deepEqual(
      seen?.pecDeliveries[0]?.interopMessages.map((m) => [m.kind, m.schemaValid, m.deliveryId]),
      [['CONFERMA', true, delivery.id]],
    );

    // Item 3: an incoming AggiornamentoConferma updates the counterpart's registration shown.
    await fromA(
      'Aggiornamento',
      xml(
        'Aggiornamento.xml',
        await buildAggiornamento(
          { identificatore: theirs(556, '11:30:00'), messaggioRicevuto: ourReg },
          null,
          new Date(),
        ),
      ),
    );
    seen = await eventually('the Aggiornamento applied', async () => {
      const r = await view();
      return r?.pecDeliveries[0]?.interopMessages.length === 2 ? r : undefined;
    });
    const d = seen.pecDeliveries[0];
    assert.deepEqual(
      d?.interopMessages.map((m) => m.kind),
      ['CONFERMA', 'AGGIORNAMENTO'],
    );
    assert.deepEqual(d?.counterpartRegistration, {
      codiceAmministrazione: 'c_x000',
      codiceAOO: 'A1B2C3D',
      codiceRegistro: 'PG',
      numero: '0000556',
      data: '2026-06-20',
      ora: '11:30:00',
    });

    await fromA(
      'Eccezione',
      xml(
        'Eccezione.xml',
        await buildEccezione(
          {
            code: '002_AnomaliaImpronta',
            detail: 'impronta di delibera.pdf errata',
            messaggioRicevuto: { identificatore: ourReg },
          },
          null,
          new Date(),
        ),
      ),
    );
    await fromA(
      'Annullamento',
      xml(
        'Annullamento.xml',
        await buildAnnullamento(
          { identificatore: theirs(556), motivo: 'Registrato due volte', provvedimento: 'Determina 4/2026' },
          null,
          new Date(),
        ),
      ),
    );
    seen = await eventually('the Eccezione and the Annullamento applied', async () => {
      const r = await view();
      return r?.pecDeliveries[0]?.interopMessages.length === 4 ? r : undefined;
    });
    const [, , eccezione, annullamento] = seen.pecDeliveries[0]?.interopMessages ?? [];
    assert.equal(eccezione?.kind, 'ECCEZIONE');
    assert.equal(eccezione?.eccezioneCode, '002_AnomaliaImpronta');
    assert.equal(eccezione?.description, 'impronta di delibera.pdf errata');
    assert.equal(annullamento?.kind, 'ANNULLAMENTO');
    assert.equal(annullamento?.description, 'Registrato due volte');
    assert.equal(annullamento?.act, 'Determina 4/2026');
    assert.equal(annullamento?.registration?.numero, '0000556', 'the registration annulled');
    assert.equal(annullamento?.deliveryId, delivery.id);
    // The record lists them too, in the order received.
    assert.deepEqual(
      seen.pecInteropMessages.map((m) => m.kind),
      ['CONFERMA', 'AGGIORNAMENTO', 'ECCEZIONE', 'ANNULLAMENTO'],
    );
    // Visible to whoever sees the record, and only to them.
    const rgdView = await (
      await env.asUser('rgd')
    ).data(ProtocolRecordPecDeliveriesDocument, { id: record.id });
    assert.equal(rgdView.protocolRecord?.pecInteropMessages.length, 4);
    const admin = await env.asUser('admin');
    const other = await createSecondAoo(admin);
    await createMember(admin, other.aooId, other.uorId, 'altrove.upd', 'RGD');
    const hidden = await (
      await env.asUser('altrove.upd')
    ).request(ProtocolRecordPecDeliveriesDocument, { id: record.id });
    assert.equal(errorCode(hidden), 'NOT_FOUND');
  });

  it('sendPecAggiornamento: an unsealed, XSD-valid Aggiornamento.xml to the Segnatura’s sender, each request one row', async () => {
    await fromA('Trasmissione atti n. 301', [
      { filename: 'atto.pdf', content: PDF },
      ...xml('Segnatura.xml', await segnaturaOfA(301)),
    ]);
    const recordId = await registeredFrom('Trasmissione atti n. 301');
    const [record] = await sql<{ number: number }>(env, 'select number from protocol_record where id = $1', [
      recordId,
    ]);
    const first = await prot.data(SendPecAggiornamentoDocument, {
      recordId,
      note: 'Assegnato all’ufficio tecnico',
    });
    const second = await prot.data(SendPecAggiornamentoDocument, { recordId });
    assert.equal(first.sendPecAggiornamento.length, 1);
    assert.equal(second.sendPecAggiornamento.length, 1);
    const sent = await sql<{ delivery_ids: string[]; pec_message_id: string }>(
      env,
      `select delivery_ids::text[] as delivery_ids, pec_message_id from pec_interop_sent
        where kind = 'aggiornamento' and record_id = $1 order by created_at`,
      [recordId],
    );
    assert.deepEqual(
      sent.map((s) => s.delivery_ids),
      [[first.sendPecAggiornamento[0]?.id], [second.sendPecAggiornamento[0]?.id]],
    );
    const [content] = await sql<{ bytes: Buffer; body: string; recipient_address: string; state: string }>(
      env,
      `select a.bytes, c.body, d.recipient_address, d.state from pec_delivery d
         join pec_outgoing_content c on c.id = d.content_id
         join pec_outgoing_attachment a on a.content_id = c.id and a.file_name = 'Aggiornamento.xml'
        where d.id = $1`,
      [first.sendPecAggiornamento[0]?.id],
    );
    assert.ok(content);
    assert.equal(content.recipient_address, A.address);
    assert.equal(content.state, 'QUEUED');
    assert.match(content.body, /Assegnato all’ufficio tecnico/);
    const check = await checkInteropXml('Aggiornamento.xml', content.bytes, 'aggiornamento');
    assert.equal(check.kind, 'aggiornamento');
    assert.ok(check.schemaValid, check.problems.join('; '));
    assert.equal(check.seal, 'unsigned', 'unsealed (Decisions)');
    assert.equal(check.reference?.codiceAOO, 'A1B2C3D');
    assert.equal(Number(check.reference?.numero), 301);
    assert.equal(Number(check.counterpart?.numero), record?.number);
    assert.equal(check.counterpart?.codiceAOO, ours.codiceAOO);
    // One job per delivery, one audit row per request, as the requester.
    const jobs = await sql(
      env,
      `select id from pgboss.job where name = 'pec.send' and data->'data'->>'deliveryId' = $1`,
      [first.sendPecAggiornamento[0]?.id],
    );
    assert.equal(jobs.length, 1);
    const audits = await sql<{ actor: string }>(
      env,
      `select u.username as actor from audit_event e join app_user u on u.id = e.actor_id
        where e.operation = 'pec.aggiornamento.send' and e.target_id = $1`,
      [recordId],
    );
    assert.deepEqual(
      audits.map((a) => a.actor),
      ['protocollista', 'protocollista'],
    );
    // Listed with the record's outgoing messages.
    const listed = await prot.data(ProtocolRecordPecDeliveriesDocument, { id: recordId });
    assert.ok(listed.protocolRecord?.pecDeliveries.some((x) => x.id === first.sendPecAggiornamento[0]?.id));
  });

  it('sendPecAggiornamento refuses: not from PEC, no Segnatura, annulled; who may send it', async () => {
    await fromA('Trasmissione atti n. 302', [
      { filename: 'atto.pdf', content: PDF },
      ...xml('Segnatura.xml', await segnaturaOfA(302)),
    ]);
    const recordId = await registeredFrom('Trasmissione atti n. 302');
    const count = async () =>
      Number(
        (
          await sql<{ n: string }>(
            env,
            `select count(*) as n from pec_interop_sent where kind = 'aggiornamento' and record_id = $1`,
            [recordId],
          )
        )[0]?.n,
      );
    const send = (who: GraphqlClient, id = recordId) =>
      who.request(SendPecAggiornamentoDocument, { recordId: id });

    // Without PEC_MAILBOX_USE.
    assert.equal(errorCode(await send(await env.asUser('lettore'))), 'FORBIDDEN');
    // Sees the record, holds PEC_MAILBOX_USE, but no send grant on the mailbox.
    const admin = await env.asUser('admin');
    await createMember(admin, ids.aooId, ids.uor['PROT'] ?? '', 'prot.senza.invio', 'PROTOCOLLISTA');
    const noGrant = await env.asUser('prot.senza.invio');
    assert.equal(errorCode(await send(noGrant)), 'FORBIDDEN');
    // Another AOO's user (made in the first test) does not see the record.
    assert.equal(errorCode(await send(await env.asUser('altrove.upd'))), 'NOT_FOUND');
    assert.equal(await count(), 0);
    // The RGD holds every right on the AOO's mailboxes.
    assert.equal((await send(await env.asUser('rgd'))).errors, undefined);
    assert.equal(await count(), 1);

    // A record not registered from a PEC message.
    const file = await upload(env, 'protocollista', uniqueBytes('interno', 512), 'interno.pdf');
    const doc = await prot.data(CreateDocumentDocument, {
      input: { oggetto: 'Partenza', uorId: ids.uor['PROT'] ?? '', primaryFileId: file.id },
    });
    const partenza = (
      await prot.data(RegisterProtocolDocument, {
        input: {
          kind: 'PARTENZA',
          documentId: doc.createDocument.id,
          oggetto: 'Partenza',
          correspondents: [{ kind: 'AMMINISTRAZIONE_ITALIANA', denominazione: 'Ente', pec: A.address }],
        },
      })
    ).registerProtocol;
    assert.equal(errorCode(await send(prot, partenza.id)), 'PEC_AGGIORNAMENTO_NOT_FROM_PEC');
    // A message without a Segnatura, registered.
    await fromA('Richiesta semplice', [{ filename: 'atto.pdf', content: PDF }]);
    const plain = await registeredFrom('Richiesta semplice');
    assert.equal(errorCode(await send(prot, plain)), 'PEC_AGGIORNAMENTO_NO_SEGNATURA');
    // An annulled record.
    await (
      await env.asUser('rgd')
    ).data(AnnulProtocolDocument, {
      input: { id: recordId, reason: 'Registrato per errore', authorisation: 'Provvedimento 5/2026' },
    });
    assert.equal(errorCode(await send(prot)), 'PROTOCOL_ANNULLED');
    assert.equal(await count(), 1);
  });
});
