import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import {
  AnnulProtocolDocument,
  CreateDocumentDocument,
  GenerateDevelopmentSegnaturaSealDocument,
  ProtocolSegnaturaDocument,
  RegisterProtocolDocument,
  type RegisterProtocolInput,
} from '../../clients/sdk/generated/graphql.js';
import {
  CreatePecMailboxDocument,
  PecDeliveryChangedDocument,
  ProtocolRecordPecDeliveriesDocument,
  SendProtocolByPecDocument,
  SetPecMailboxGrantsDocument,
  UpdatePecMailboxDocument,
} from '../../clients/sdk/generated/plugins.js';
import { systemContext } from '../../server/context.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import {
  enqueuePecMessage,
  enqueueRegistrationReceipt,
  matchReceipt,
  runSend,
  SEND_RETRY_DELAY_SECONDS,
  SEND_RETRY_LIMIT,
  type ParsedReceipt,
} from '../../plugins/pec/send/index.js';
import { storeIncomingMessage } from '../../plugins/pec/index.js';
import { handcraftReceipt, type ReceiptSpec } from '../fixtures/pec-receipts.js';
import {
  demoIds,
  download,
  errorCode,
  sleep,
  sql,
  uniqueBytes,
  upload,
  type DemoIds,
} from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo, type SecondAoo } from '../harness/org-fixtures.js';
import { TypedSubscriber } from '../harness/typed-subscriber.js';
import { startSmtpTestServer, type SmtpTestServer } from '../harness/smtp-server.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const MAILBOX = 'protocollo@pec.comune.esempio.it';
const ACCOUNT = { user: MAILBOX, password: 'segreta-di-prova' };

interface QueuedJob {
  id: string;
  data: {
    data: { deliveryId: string };
    origin: { actorId: string | null; requestId: string; agent: string };
  };
}

/**
 * Sending records by PEC (pec-send), end to end on the real stack with a real SMTP server:
 * the messages and their attachments as the provider receives them, retries and failures,
 * never two sends once one is committed, receipts matched (also before the send commits, and
 * twice), the ACL of the mutation, and the audit trail. The send job's handler is run on the
 * jobs the mutation really enqueued (the queue's workers are off, so no test waits hours).
 */
describe('PEC send', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let smtp: SmtpTestServer;
  let prot: GraphqlClient;
  let mailboxId = '';
  let other: SecondAoo;
  let acceptHook: ((raw: string) => Promise<void>) | null = null;

  before(async () => {
    smtp = await startSmtpTestServer({
      account: ACCOUNT,
      beforeAccept: (raw) => acceptHook?.(raw),
    });
    env = await startTestEnv({ plugins: ['pec'] });
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
    other = await createSecondAoo(admin);
    await createMember(admin, other.aooId, other.uorId, 'altrove.prot', 'PROTOCOLLISTA');
    await createMember(admin, other.aooId, other.uorId, 'altrove.rgd', 'RGD');
    prot = await env.asUser('protocollista');
    mailboxId = await createMailbox(ids.aooId, MAILBOX, { sendRegistrationReceipt: true });
    await grant(mailboxId, 'protocollista', { canSend: true });
  });
  after(async () => {
    await env?.close();
    await smtp?.stop();
  });

  /** A mailbox of the AOO pointing at the test SMTP server, made through pec-core's API by its RGD. */
  async function createMailbox(
    aooId: string,
    address: string,
    options: { sendRegistrationReceipt?: boolean; active?: boolean } = {},
  ): Promise<string> {
    const manager = await env.asUser(aooId === ids.aooId ? 'rgd' : 'altrove.rgd');
    const [uor] = await sql<{ id: string }>(env, 'select id from uor where aoo_id = $1 limit 1', [aooId]);
    const created = await manager.data(CreatePecMailboxDocument, {
      input: {
        aooId,
        uorId: uor?.id ?? '',
        address,
        kind: 'PEC',
        description: 'Protocollo',
        imap: { host: '127.0.0.1', port: 1143, tls: false, user: address },
        smtp: { host: '127.0.0.1', port: smtp.port, tls: false, user: ACCOUNT.user },
        password: ACCOUNT.password,
        sendRegistrationReceipt: options.sendRegistrationReceipt ?? false,
      },
    });
    const id = created.createPecMailbox.id;
    if (options.active === false) {
      await manager.data(UpdatePecMailboxDocument, { input: { id, active: false } });
    }
    return id;
  }

  /** The grants given so far per mailbox: setPecMailboxGrants replaces the list. */
  const grants = new Map<string, Array<{ userId: string; canSend: boolean }>>();
  async function grant(mailbox: string, username: string, rights: { canSend: boolean }): Promise<void> {
    const list = [
      ...(grants.get(mailbox) ?? []),
      { userId: ids.user[username] ?? '', canSend: rights.canSend },
    ];
    grants.set(mailbox, list);
    await (
      await env.asUser('rgd')
    ).data(SetPecMailboxGrantsDocument, {
      mailboxId: mailbox,
      grants: list.map((g) => ({ userId: g.userId, canRead: true, canRegister: false, canSend: g.canSend })),
    });
  }

  async function documentWith(files: Array<{ bytes: Buffer; name: string }>, uor = 'PROT'): Promise<string> {
    const [primary, ...rest] = await Promise.all(
      files.map((f) => upload(env, 'protocollista', f.bytes, f.name)),
    );
    const r = await prot.data(CreateDocumentDocument, {
      input: {
        oggetto: 'Trasmissione atti',
        uorId: ids.uor[uor] ?? '',
        primaryFileId: primary?.id ?? '',
        attachments: rest.map((f, i) => ({ fileId: f.id, description: `Allegato ${i + 1}` })),
      },
    });
    return r.createDocument.id;
  }

  async function register(
    kind: RegisterProtocolInput['kind'],
    pecs: Array<string | null>,
    files = [{ bytes: uniqueBytes('atto', 2048), name: 'atto.pdf' }],
  ) {
    const documentId = await documentWith(files);
    const r = await prot.data(RegisterProtocolDocument, {
      input: {
        kind,
        documentId,
        oggetto: 'Trasmissione della delibera n. 12',
        correspondents: pecs.map((pec, i) => ({
          kind: 'AMMINISTRAZIONE_ITALIANA' as const,
          denominazione: `Ente destinatario ${i + 1}`,
          ipaAmministrazione: `c_ente${i + 1}`,
          ...(pec ? { pec } : {}),
        })),
      },
    });
    return r.registerProtocol;
  }

  async function jobsOf(deliveryIds: readonly string[]): Promise<QueuedJob[]> {
    const jobs = await sql<QueuedJob>(
      env,
      `select id, data from pgboss.job where name = 'pec.send' and data->'data'->>'deliveryId' = any($1::text[])`,
      [deliveryIds],
    );
    return deliveryIds.map((d) => {
      const job = jobs.find((j) => j.data.data.deliveryId === d);
      if (!job) throw new Error(`no pec.send job for delivery ${d}`);
      return job;
    });
  }

  /** Runs the send job's handler on a queued job, as the queue's worker does (its origin, its data). */
  async function runJob(job: QueuedJob) {
    const ctx = await systemContext(env.platform, { ...job.data.origin, agent: 'job pec.send' });
    return runSend(ctx, job.data.data);
  }

  async function deliveriesOf(recordId: string, as: GraphqlClient = prot) {
    return (await as.data(ProtocolRecordPecDeliveriesDocument, { id: recordId })).protocolRecord;
  }

  async function parsed(raw: string): Promise<ParsedMail> {
    return simpleParser(Buffer.from(raw, 'utf8'));
  }

  function sha(bytes: Buffer): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  /**
   * Stores a receipt through pec-core's storeIncomingMessage, as the ingest loop does, with the
   * facts pec-parse reads from it (the parser's place is taken by what the fixture wrote).
   */
  async function storeReceipt(mailbox: string, spec: ReceiptSpec) {
    const receipt = handcraftReceipt(spec);
    const daticert = {
      destinatari: spec.recipients.map((address) => ({ address, tipo: 'certificato' as const })),
      consegna: spec.consegna ?? null,
      dataOra: '2026-12-05T10:20:38+01:00',
      identificativo: receipt.identificativo,
      errore: spec.errore ?? 'nessuno',
      erroreEsteso: null,
    };
    const ctx = await systemContext(env.platform, {
      actorId: null,
      requestId: randomUUID(),
      agent: 'test ingest',
    });
    const { message } = await storeIncomingMessage(ctx, mailbox, receipt.raw, null, {
      parse: () =>
        Promise.resolve({
          kind: 'receipt',
          transport: null,
          receipt: spec.kind,
          messageId: receipt.messageId,
          riferimentoMessageId: spec.riferimento,
          from: 'posta-certificata@provider.test',
          to: [MAILBOX],
          subject: 'Ricevuta',
          date: '2026-12-05T10:20:38+01:00',
          signature: { outcome: 'unsigned', reason: 'handcrafted test receipt', signer: null },
          daticert: {
            mittente: MAILBOX,
            oggetto: 'Prova',
            identificativo: receipt.identificativo,
            dataOra: daticert.dataOra,
          },
          original: null,
          attachments: [],
          problems: [],
        }),
    });
    const parsedReceipt: ParsedReceipt = {
      receipt: spec.kind,
      riferimentoMessageId: spec.riferimento,
      daticert,
    };
    return { message, parsedReceipt, receipt };
  }

  async function match(stored: Awaited<ReturnType<typeof storeReceipt>>) {
    const ctx = await systemContext(env.platform, {
      actorId: null,
      requestId: randomUUID(),
      agent: 'test ingest',
    });
    return withTransaction(ctx, (tx) => matchReceipt(tx, stored.message, stored.parsedReceipt));
  }

  it('sends one record to two recipients: two messages with the documents and Segnatura.xml, SENT, sentByPec, never annulled', async () => {
    const files = [
      { bytes: uniqueBytes('delibera', 4096), name: 'delibera.pdf' },
      { bytes: uniqueBytes('allegato', 1500), name: 'allegato tecnico.pdf' },
    ];
    const record = await register('PARTENZA', ['Uno@pec.ente1.it', 'due@pec.ente2.it', null], files);
    const before = smtp.received.length;
    const sent = await prot.data(SendProtocolByPecDocument, { recordId: record.id, mailboxId });
    const deliveries = sent.sendProtocolByPec;
    assert.deepEqual(deliveries.map((d) => [d.recipientAddress, d.state]).sort(), [
      ['due@pec.ente2.it', 'QUEUED'],
      ['uno@pec.ente1.it', 'QUEUED'],
    ]);
    assert.equal(new Set(deliveries.map((d) => d.messageId)).size, 2);
    for (const d of deliveries) assert.match(d.messageId, /^<[0-9a-f-]{36}@pec\.comune\.esempio\.it>$/);

    // The queue holds one job per delivery, with DOMAIN §8's retry policy.
    const [queue] = await sql<{ retry_limit: number; retry_delay: number; retry_backoff: boolean }>(
      env,
      `select retry_limit, retry_delay, retry_backoff from pgboss.queue where name = 'pec.send'`,
    );
    assert.deepEqual(queue, { retry_limit: 3, retry_delay: 3600, retry_backoff: true });
    assert.equal(SEND_RETRY_LIMIT, 3);
    assert.equal(SEND_RETRY_DELAY_SECONDS, 3600);

    const jobs = await jobsOf(deliveries.map((d) => d.id));
    for (const job of jobs) assert.equal((await runJob(job)).outcome, 'sent');
    const mails = smtp.received.slice(before);
    assert.equal(mails.length, 2);
    const segnatura = (await prot.data(ProtocolSegnaturaDocument, { id: record.id })).segnatura;
    assert.ok(segnatura);
    for (const mail of mails) {
      const d = deliveries.find((x) => x.recipientAddress === mail.to[0]);
      assert.ok(d, `a message to ${mail.to.join(',')}`);
      assert.equal(mail.from, MAILBOX);
      assert.equal(mail.authUser, ACCOUNT.user);
      assert.equal(mail.headers.get('message-id'), d.messageId);
      assert.match(
        mail.subject,
        new RegExp(
          `^Prot\\. n\\. ${record.formattedNumber} del \\d{2}/\\d{2}/\\d{4} - Trasmissione della delibera n\\. 12$`,
        ),
      );
      const m = await parsed(mail.raw);
      assert.match(m.text ?? '', new RegExp(record.formattedNumber));
      assert.deepEqual(
        m.attachments.map((a) => a.filename),
        ['delibera.pdf', 'allegato tecnico.pdf', 'Segnatura.xml'],
      );
      assert.equal(
        sha(m.attachments[0]?.content ?? Buffer.alloc(0)),
        sha(files[0]?.bytes ?? Buffer.alloc(1)),
      );
      assert.equal(
        sha(m.attachments[1]?.content ?? Buffer.alloc(0)),
        sha(files[1]?.bytes ?? Buffer.alloc(1)),
      );
      assert.equal(m.attachments[2]?.content.toString('utf8'), segnatura.xml);
    }
    const after = await deliveriesOf(record.id);
    assert.ok(after?.sentByPec);
    assert.deepEqual(
      after?.pecDeliveries.map((d) => [d.state, d.attempts]),
      [
        ['SENT', 1],
        ['SENT', 1],
      ],
    );
    // A job run again sends nothing.
    assert.deepEqual(await runJob(jobs[0]), { outcome: 'skipped', state: 'SENT' });
    assert.equal(smtp.received.length, before + 2);

    const rgd = await env.asUser('rgd');
    const annul = await rgd.request(AnnulProtocolDocument, {
      input: { id: record.id, reason: 'Errore', authorisation: 'Provvedimento 1/2026' },
    });
    assert.equal(errorCode(annul), 'PROTOCOL_SENT_BY_PEC');
    const audit = await sql<{ operation: string; n: string }>(
      env,
      `select operation, count(*) as n from audit_event
        where operation in ('protocol.sendByPec', 'pec.delivery.send', 'protocol.sentByPec')
          and (target_id = $1 or target_id = any($2::text[])) group by operation order by operation`,
      [record.id, deliveries.map((d) => d.id)],
    );
    assert.deepEqual(
      audit.map((a) => [a.operation, Number(a.n)]),
      [
        ['pec.delivery.send', 2],
        ['protocol.sendByPec', 1],
        ['protocol.sentByPec', 1],
      ],
    );
  });

  it('a 4xx is retried and sent once; retries run out after 3; a 5xx fails at once with the server’s answer', async () => {
    const record = await register('PARTENZA', ['ritenta@pec.ente1.it']);
    const [d] = (await prot.data(SendProtocolByPecDocument, { recordId: record.id, mailboxId }))
      .sendProtocolByPec;
    assert.ok(d);
    const [job] = await jobsOf([d.id]);
    assert.ok(job);
    const before = smtp.received.length;
    smtp.rejectNext(1, 451);
    await assert.rejects(runJob(job), /retried: 451/);
    let state = (await deliveriesOf(record.id))?.pecDeliveries[0];
    assert.equal(state?.state, 'QUEUED');
    assert.equal(state?.attempts, 1);
    assert.match(state?.lastError ?? '', /^451 /);
    assert.equal((await deliveriesOf(record.id))?.sentByPec, false);
    assert.equal((await runJob(job)).outcome, 'sent');
    assert.equal((await runJob(job)).outcome, 'skipped');
    const toHim = smtp.received.slice(before).filter((m) => m.to.includes('ritenta@pec.ente1.it'));
    assert.equal(toHim.length, 1);
    state = (await deliveriesOf(record.id))?.pecDeliveries[0];
    assert.deepEqual([state?.state, state?.attempts, state?.lastError], ['SENT', 2, null]);

    // Every attempt refused: the first and its 3 retries, then FAILED (the queue stops too).
    const stubborn = await register('PARTENZA', ['mai@pec.ente1.it']);
    const [s] = (await prot.data(SendProtocolByPecDocument, { recordId: stubborn.id, mailboxId }))
      .sendProtocolByPec;
    const [sJob] = await jobsOf([s?.id ?? '']);
    smtp.rejectNext(4, 421);
    for (let i = 0; i < 3; i++) await assert.rejects(runJob(sJob), /retried/);
    assert.equal((await runJob(sJob)).outcome, 'failed');
    const failed = (await deliveriesOf(stubborn.id))?.pecDeliveries[0];
    assert.deepEqual([failed?.state, failed?.attempts], ['FAILED', 4]);
    assert.match(failed?.lastError ?? '', /^421 /);
    assert.equal(smtp.refusedCount >= 5, true);

    // Permanent refusal: 550 to the recipient.
    smtp.refuseRecipient('nessuno@pec.ente1.it');
    const refused = await register('PARTENZA', ['nessuno@pec.ente1.it']);
    const [r] = (await prot.data(SendProtocolByPecDocument, { recordId: refused.id, mailboxId }))
      .sendProtocolByPec;
    const [rJob] = await jobsOf([r?.id ?? '']);
    assert.equal((await runJob(rJob)).outcome, 'failed');
    const view = await deliveriesOf(refused.id);
    assert.equal(view?.pecDeliveries[0]?.state, 'FAILED');
    assert.match(view?.pecDeliveries[0]?.lastError ?? '', /^550 .*No such mailbox/);
    assert.equal(view?.sentByPec, false, 'a message never accepted leaves the record annullable');
  });

  it('a crash between the server’s acceptance and the commit sends again with the same Message-ID; a receipt before the retry stops it', async () => {
    const record = await register('PARTENZA', ['crash@pec.ente1.it', 'ricevuta@pec.ente2.it']);
    const deliveries = (await prot.data(SendProtocolByPecDocument, { recordId: record.id, mailboxId }))
      .sendProtocolByPec;
    const [first, second] = await jobsOf(deliveries.map((d) => d.id));
    const before = smtp.received.length;
    // The job's connection dies while the server has the message and has not answered yet.
    const killJobConnection = async (): Promise<void> => {
      acceptHook = null;
      await sql(
        env,
        `select pg_terminate_backend(l.pid) from pg_locks l
          where l.relation = 'pec_delivery'::regclass and l.mode = 'RowShareLock' and l.pid <> pg_backend_pid()`,
      );
    };
    acceptHook = killJobConnection;
    await assert.rejects(runJob(first));
    let view = await deliveriesOf(record.id);
    const crashed = view?.pecDeliveries.find((d) => d.recipientAddress === 'crash@pec.ente1.it');
    assert.equal(crashed?.state, 'QUEUED', 'the commit was lost');
    assert.equal((await runJob(first)).outcome, 'sent');
    const copies = smtp.received.slice(before).filter((m) => m.to.includes('crash@pec.ente1.it'));
    assert.equal(copies.length, 2);
    assert.equal(copies[0]?.headers.get('message-id'), crashed?.messageId);
    assert.equal(copies[1]?.headers.get('message-id'), crashed?.messageId);

    // The other one: crash, then the provider's accettazione arrives before the retry.
    acceptHook = killJobConnection;
    await assert.rejects(runJob(second));
    const pending = deliveries.find((d) => d.recipientAddress === 'ricevuta@pec.ente2.it');
    const accettazione = await storeReceipt(mailboxId, {
      kind: 'accettazione',
      riferimento: pending?.messageId ?? '',
      sender: MAILBOX,
      recipients: ['ricevuta@pec.ente2.it'],
    });
    const matched = await match(accettazione);
    assert.deepEqual(matched?.moved, { from: 'QUEUED', to: 'ACCEPTED' });
    assert.deepEqual(await runJob(second), { outcome: 'skipped', state: 'ACCEPTED' });
    assert.equal(smtp.received.slice(before).filter((m) => m.to.includes('ricevuta@pec.ente2.it')).length, 1);
    view = await deliveriesOf(record.id);
    assert.equal(view?.sentByPec, true);
  });

  it('receipts are matched per recipient, only move forward, are kept once, and a receipt racing the send’s commit waits for it', async () => {
    const record = await register('PARTENZA', ['a@pec.ente1.it', 'b@pec.ente2.it']);
    const deliveries = (await prot.data(SendProtocolByPecDocument, { recordId: record.id, mailboxId }))
      .sendProtocolByPec;
    const a = deliveries.find((d) => d.recipientAddress === 'a@pec.ente1.it');
    const b = deliveries.find((d) => d.recipientAddress === 'b@pec.ente2.it');
    const [jobA, jobB] = await jobsOf([a?.id ?? '', b?.id ?? '']);

    // The provider's accettazione is ingested while the job still holds the delivery (before its commit).
    let racing: Promise<unknown> | undefined;
    let sendDone = false;
    let matchedAfterSend: boolean | undefined;
    acceptHook = async () => {
      acceptHook = null;
      const stored = await storeReceipt(mailboxId, {
        kind: 'accettazione',
        riferimento: a?.messageId ?? '',
        sender: MAILBOX,
        recipients: ['a@pec.ente1.it'],
      });
      racing = match(stored).then((m) => {
        matchedAfterSend = sendDone;
        return m;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
    };
    assert.equal((await runJob(jobA)).outcome, 'sent');
    sendDone = true;
    await racing;
    assert.equal(matchedAfterSend, true, 'the receipt waited for the send’s commit');
    assert.equal((await runJob(jobB)).outcome, 'sent');

    const consegnaA = await storeReceipt(mailboxId, {
      kind: 'avvenuta-consegna',
      riferimento: a?.messageId ?? '',
      sender: MAILBOX,
      recipients: ['a@pec.ente1.it'],
      consegna: 'a@pec.ente1.it',
    });
    assert.deepEqual((await match(consegnaA))?.moved, { from: 'ACCEPTED', to: 'DELIVERED' });
    // Seen twice (the ingest after a crash): one receipt.
    const again = await match(consegnaA);
    assert.equal(again?.created, false);
    // A late accettazione after the avvenuta-consegna is kept; the state stays.
    const lateAcc = await storeReceipt(mailboxId, {
      kind: 'accettazione',
      riferimento: a?.messageId ?? '',
      sender: MAILBOX,
      recipients: ['a@pec.ente1.it'],
    });
    assert.equal((await match(lateAcc))?.moved, null);
    // B: the provider could not deliver.
    const erroreB = await storeReceipt(mailboxId, {
      kind: 'errore-consegna',
      riferimento: b?.messageId ?? '',
      sender: MAILBOX,
      recipients: ['b@pec.ente2.it'],
      consegna: 'b@pec.ente2.it',
      errore: 'no-dest',
    });
    assert.deepEqual((await match(erroreB))?.moved, { from: 'SENT', to: 'DELIVERY_ERROR' });
    // A receipt about a message we never sent: kept, with no delivery.
    const stray = await storeReceipt(mailboxId, {
      kind: 'accettazione',
      riferimento: '<altro@webmail.example>',
      sender: MAILBOX,
      recipients: ['x@pec.ente1.it'],
    });
    const strayMatch = await match(stray);
    assert.equal(strayMatch?.delivery, null);
    assert.equal(
      (
        await sql(env, 'select 1 from pec_receipt where pec_message_id = $1 and delivery_id is null', [
          stray.message.id,
        ])
      ).length,
      1,
    );

    const view = await deliveriesOf(record.id);
    const viewA = view?.pecDeliveries.find((d) => d.recipientAddress === 'a@pec.ente1.it');
    const viewB = view?.pecDeliveries.find((d) => d.recipientAddress === 'b@pec.ente2.it');
    assert.equal(viewA?.state, 'DELIVERED');
    assert.deepEqual(
      viewA?.receipts.map((r) => r.kind),
      ['accettazione', 'avvenuta-consegna', 'accettazione'],
    );
    assert.equal(viewA?.receipts[1]?.recipientAddress, 'a@pec.ente1.it');
    assert.equal(viewA?.receipts[1]?.providerAt, '2026-12-05T09:20:38.000Z');
    assert.equal(viewB?.state, 'DELIVERY_ERROR');
    assert.equal(viewB?.receipts[0]?.errore, 'no-dest');
    await assert.rejects(
      sql(env, `update pec_delivery set state = 'SENT' where id = $1`, [viewA?.id]),
      /never moves back/,
    );

    // The raw receipt, over HTTP beside GraphQL, under the record's visibility.
    const rawUrl = viewA?.receipts[1]?.rawUrl ?? '';
    const got = await download(env, rawUrl, { token: await env.tokenFor('protocollista') });
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('content-type'), 'message/rfc822');
    assert.deepEqual(got.body, consegnaA.receipt.raw);
    assert.equal((await download(env, rawUrl, { token: await env.tokenFor('altrove.prot') })).status, 404);
    assert.equal((await download(env, rawUrl)).status, 401);
  });

  it('a presa in carico is kept without moving; a preavviso moves to PREAVVISO, the consegna after it to DELIVERED; a virus notice is final', async () => {
    const record = await register('PARTENZA', ['c@pec.ente1.it', 'd@pec.ente2.it']);
    const deliveries = (await prot.data(SendProtocolByPecDocument, { recordId: record.id, mailboxId }))
      .sendProtocolByPec;
    const c = deliveries.find((d) => d.recipientAddress === 'c@pec.ente1.it');
    const d = deliveries.find((x) => x.recipientAddress === 'd@pec.ente2.it');
    assert.ok(c && d);
    for (const job of await jobsOf([c.id, d.id])) assert.equal((await runJob(job)).outcome, 'sent');
    const about = async (kind: string, delivery: { messageId: string; recipientAddress: string | null }) =>
      match(
        await storeReceipt(mailboxId, {
          kind,
          riferimento: delivery.messageId,
          sender: MAILBOX,
          recipients: [delivery.recipientAddress ?? ''],
          consegna: delivery.recipientAddress ?? '',
        }),
      );

    const presa = await about('presa-in-carico', c);
    assert.equal(presa?.delivery?.id, c.id);
    assert.equal(presa?.moved, null);
    assert.deepEqual((await about('preavviso-errore-consegna', c))?.moved, { from: 'SENT', to: 'PREAVVISO' });
    assert.deepEqual((await about('avvenuta-consegna', c))?.moved, { from: 'PREAVVISO', to: 'DELIVERED' });
    assert.deepEqual((await about('rilevazione-virus', d))?.moved, { from: 'SENT', to: 'VIRUS' });
    // A consegna read after the virus notice is kept; a final state stays.
    assert.equal((await about('avvenuta-consegna', d))?.moved, null);

    const view = await deliveriesOf(record.id);
    const viewC = view?.pecDeliveries.find((x) => x.recipientAddress === 'c@pec.ente1.it');
    const viewD = view?.pecDeliveries.find((x) => x.recipientAddress === 'd@pec.ente2.it');
    assert.equal(viewC?.state, 'DELIVERED');
    assert.deepEqual(
      viewC?.receipts.map((r) => r.kind),
      ['presa-in-carico', 'preavviso-errore-consegna', 'avvenuta-consegna'],
    );
    assert.equal(viewD?.state, 'VIRUS');
    assert.deepEqual(
      viewD?.receipts.map((r) => r.kind),
      ['rilevazione-virus', 'avvenuta-consegna'],
    );
  });

  it('who may send: the mailbox’s send grant, PEC_MAILBOX_USE, the record’s visibility, partenza only, recipients needed', async () => {
    const record = await register('PARTENZA', ['acl@pec.ente1.it']);
    const send = (who: GraphqlClient, recordId = record.id, mailbox = mailboxId, recipients?: string[]) =>
      who.request(SendProtocolByPecDocument, { recordId, mailboxId: mailbox, recipients });
    const countDeliveries = async () =>
      Number(
        (
          await sql<{ n: string }>(env, 'select count(*) as n from pec_delivery where record_id = $1', [
            record.id,
          ])
        )[0]?.n,
      );

    // No grant on the mailbox (PROTOCOLLISTA of TEC? an RPA holds PEC_MAILBOX_USE but no grant): like a missing mailbox.
    const rpa = await env.asUser('rpa.ragioneria');
    assert.equal(errorCode(await send(rpa)), 'NOT_FOUND');
    // A read-only grant is not a send grant.
    await grant(mailboxId, 'rpa.ragioneria', { canSend: false });
    assert.equal(errorCode(await send(rpa)), 'NOT_FOUND');
    // Without PEC_MAILBOX_USE at all.
    assert.equal(errorCode(await send(await env.asUser('lettore'))), 'FORBIDDEN');
    // Another AOO: neither the record nor the mailbox is theirs.
    assert.equal(errorCode(await send(await env.asUser('altrove.prot'))), 'NOT_FOUND');
    const otherMailbox = await createMailbox(other.aooId, 'protocollo@pec.altrove.it');
    assert.equal(errorCode(await send(prot, record.id, otherMailbox)), 'NOT_FOUND');
    assert.equal(await countDeliveries(), 0);

    // The RGD holds every right on the AOO's mailboxes, no grant needed.
    const rgd = await env.asUser('rgd');
    const byRgd = await send(rgd, record.id, mailboxId, ['Altro@PEC.ente9.it', 'altro@pec.ente9.it']);
    assert.deepEqual(
      byRgd.data?.sendProtocolByPec.map((d) => d.recipientAddress),
      ['altro@pec.ente9.it'],
    );
    assert.equal(await countDeliveries(), 1);

    const arrivo = await register('ARRIVO', ['mittente@pec.ente1.it']);
    const notPartenza = await send(prot, arrivo.id);
    assert.equal(errorCode(notPartenza), 'PEC_SEND_NOT_PARTENZA');
    const noPec = await register('PARTENZA', [null]);
    assert.equal(errorCode(await send(prot, noPec.id)), 'PEC_SEND_NO_RECIPIENTS');
    assert.equal(errorCode(await send(prot, noPec.id, mailboxId, ['non un indirizzo'])), 'BAD_USER_INPUT');
    const inactive = await createMailbox(ids.aooId, 'spenta@pec.comune.esempio.it', { active: false });
    await grant(inactive, 'protocollista', { canSend: true });
    assert.equal(errorCode(await send(prot, record.id, inactive)), 'PEC_SEND_MAILBOX_UNUSABLE');

    const annulled = await register('PARTENZA', ['annullato@pec.ente1.it']);
    await rgd.data(AnnulProtocolDocument, {
      input: { id: annulled.id, reason: 'Errore materiale', authorisation: 'Provvedimento 2/2026' },
    });
    assert.equal(errorCode(await send(prot, annulled.id)), 'PROTOCOL_ANNULLED');

    // Only the successful send left an audit row, in its transaction.
    const audits = await sql<{ actor: string }>(
      env,
      `select u.username as actor from audit_event e join app_user u on u.id = e.actor_id
        where e.operation = 'protocol.sendByPec' and e.target_id = any($1::text[])`,
      [[record.id, arrivo.id, noPec.id, annulled.id]],
    );
    assert.deepEqual(
      audits.map((a) => a.actor),
      ['rgd'],
    );
  });

  it('a person’s address and name are personal data on deliveries, as on the record', async () => {
    const documentId = await documentWith([{ bytes: uniqueBytes('nota', 512), name: 'nota.pdf' }], 'RAG');
    const record = (
      await prot.data(RegisterProtocolDocument, {
        input: {
          kind: 'PARTENZA',
          documentId,
          oggetto: 'Comunicazione',
          correspondents: [
            {
              kind: 'PERSONA_FISICA',
              nome: 'Maria',
              cognome: 'Bianchi',
              pec: 'maria.bianchi@pec.privato.it',
            },
            { kind: 'PERSONA_GIURIDICA', denominazione: 'Verde Srl', pec: 'verde@pec.verde.it' },
          ],
        },
      })
    ).registerProtocol;
    await prot.data(SendProtocolByPecDocument, { recordId: record.id, mailboxId });
    const seen = (list: Array<{ recipientAddress: string | null; recipientName: string | null }>) =>
      list
        .map((d) => [d.recipientAddress, d.recipientName])
        .sort((a, b) => String(b[1]).localeCompare(String(a[1])));
    const full = await deliveriesOf(record.id);
    assert.deepEqual(seen(full?.pecDeliveries ?? []), [
      ['verde@pec.verde.it', 'Verde Srl'],
      ['maria.bianchi@pec.privato.it', 'Maria Bianchi'],
    ]);
    // lettore sees the record (RAG) without PROTOCOL_READ_PERSONAL_DATA: the person's data are masked.
    const lettore = await env.asUser('lettore');
    const r = await lettore.request(ProtocolRecordPecDeliveriesDocument, { id: record.id });
    assert.deepEqual(seen(r.data?.protocolRecord?.pecDeliveries ?? []), [
      ['verde@pec.verde.it', 'Verde Srl'],
      [null, null],
    ]);
    assert.ok(r.errors?.some((e) => e.extensions?.['code'] === 'FIELD_MASKED'));
  });

  it('subscribers of a record see its deliveries change, as committed; others cannot subscribe', async () => {
    const record = await register('PARTENZA', ['live@pec.ente1.it']);
    const sub = await TypedSubscriber.open(
      env.wsUrl,
      await env.tokenFor('protocollista'),
      PecDeliveryChangedDocument,
      { recordId: record.id },
      (d) => d.pecDeliveryChanged,
    );
    const hidden = await TypedSubscriber.open(
      env.wsUrl,
      await env.tokenFor('altrove.prot'),
      PecDeliveryChangedDocument,
      { recordId: record.id },
      (d) => d.pecDeliveryChanged,
    );
    try {
      await sleep(200);
      const [d] = (await prot.data(SendProtocolByPecDocument, { recordId: record.id, mailboxId }))
        .sendProtocolByPec;
      const [job] = await jobsOf([d?.id ?? '']);
      assert.ok(job);
      assert.equal((await runJob(job)).outcome, 'sent');
      const items = await sub.until(2);
      assert.deepEqual(
        items.map((i) => [i.recipientAddress, i.state, i.messageId]),
        [
          ['live@pec.ente1.it', 'QUEUED', d?.messageId],
          ['live@pec.ente1.it', 'SENT', d?.messageId],
        ],
      );
      await hidden.ws.next((m) => m.type === 'error' || m.type === 'complete', 5000);
      assert.equal(hidden.items().length, 0);
      assert.match(JSON.stringify(hidden.errors()), /NOT_FOUND/);
    } finally {
      sub.ws.close();
      hidden.ws.close();
    }
  });

  it('a record annulled after the send request is not sent', async () => {
    const record = await register('PARTENZA', ['tardi@pec.ente1.it']);
    const [d] = (await prot.data(SendProtocolByPecDocument, { recordId: record.id, mailboxId }))
      .sendProtocolByPec;
    await (
      await env.asUser('rgd')
    ).data(AnnulProtocolDocument, {
      input: { id: record.id, reason: 'Ritirato', authorisation: 'Provvedimento 3/2026' },
    });
    const before = smtp.received.length;
    const [job] = await jobsOf([d?.id ?? '']);
    assert.deepEqual(await runJob(job), {
      outcome: 'failed',
      error: 'the record was annulled before it was sent',
    });
    assert.equal(smtp.received.length, before);
  });

  it('the receipt of registration and interoperability messages go out through the same deliveries', async () => {
    const record = await register('ARRIVO', ['mittente@pec.privato.it']);
    const ctx = await systemContext(env.platform, {
      actorId: null,
      requestId: randomUUID(),
      agent: 'test ingest',
    });
    const delivery = await withTransaction(ctx, (tx) =>
      enqueueRegistrationReceipt(tx, record.id, mailboxId, 'Mittente@pec.privato.it'),
    );
    assert.ok(delivery);
    const conferma = Buffer.from('<ConfermaRicezione xmlns="http://www.agid.gov.it/protocollo/"/>');
    const [interop] = await withTransaction(ctx, (tx) =>
      enqueuePecMessage(tx, {
        mailboxId,
        to: ['protocollo@pec.altrove.it'],
        subject: 'Conferma di ricezione',
        text: 'Conferma di ricezione',
        attachments: [{ fileName: 'Conferma.xml', mediaType: 'application/xml', bytes: conferma }],
        inReplyTo: '<originale@pec.altrove.it>',
        recordId: record.id,
      }),
    );
    const before = smtp.received.length;
    for (const job of await jobsOf([delivery.id, interop?.id ?? ''])) {
      assert.equal((await runJob(job)).outcome, 'sent');
    }
    const [receiptMail, confermaMail] = smtp.received.slice(before);
    const receipt = await parsed(receiptMail?.raw ?? '');
    assert.deepEqual(receiptMail?.to, ['mittente@pec.privato.it']);
    assert.match(
      receipt.subject ?? '',
      new RegExp(`^Ricevuta di protocollazione: Prot\\. n\\. ${record.formattedNumber}`),
    );
    assert.equal(receipt.attachments[0]?.contentType, 'application/pdf');
    assert.equal(receipt.attachments[0]?.content.subarray(0, 5).toString(), '%PDF-');
    const c = await parsed(confermaMail?.raw ?? '');
    assert.equal(c.inReplyTo, '<originale@pec.altrove.it>');
    assert.deepEqual(
      c.attachments.map((a) => [a.filename, a.content.toString()]),
      [['Conferma.xml', conferma.toString()]],
    );
    // Both are listed with the record they concern.
    const listed = (await deliveriesOf(record.id))?.pecDeliveries.map((d) => d.state);
    assert.deepEqual(listed, ['SENT', 'SENT']);
    // A mailbox not configured for it sends no receipt of registration.
    const quiet = await createMailbox(ids.aooId, 'silenziosa@pec.comune.esempio.it');
    assert.equal(
      await withTransaction(ctx, (tx) =>
        enqueueRegistrationReceipt(tx, record.id, quiet, 'mittente@pec.privato.it'),
      ),
      null,
    );
  });
});
