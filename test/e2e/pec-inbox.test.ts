import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreatePecMailboxDocument,
  DiscardPecMessageDocument,
  PecMailboxChangedDocument,
  PecMessageDocument,
  PecMessagesDocument,
  RegisterPecMessageDocument,
  SetPecMailboxGrantsDocument,
  UpdatePecMailboxDocument,
  type PecMailboxChangedSubscription,
} from '../../clients/sdk/generated/plugins.js';
import {
  storeIncomingMessage,
  summariseInterop,
  type IncomingReaders,
  type ImapRef,
} from '../../plugins/pec/index.js';
import type { InteropCheck } from '../../plugins/pec/interop/index.js';
import type { ParsedIncoming } from '../../plugins/pec/inbox/stored-summary.js';
import { collectOrphanBlobs } from '../../schema/documents/blob-maintenance.js';
import { systemContext } from '../../server/context.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo, type SecondAoo } from '../harness/org-fixtures.js';
import { PEO_READERS, parsePeoForTests, peoMessage } from '../harness/pec-peo-parse.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';
import { TypedSubscriber } from '../harness/typed-subscriber.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

type Change = PecMailboxChangedSubscription['pecMailboxChanged'];

/**
 * Incoming messages of the PEC plugin: stored once whatever happens (the same bytes twice, in
 * parallel, the same Message-ID after a UIDVALIDITY change), registered in the protocol as an
 * ARRIVO record with the message's files (or the Segnatura's data), discarded with a reason,
 * each at most once, with events and the live subscription for the mailbox's readers only.
 */
describe('PEC incoming messages', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let other: SecondAoo;
  const clients = new Map<string, GraphqlClient>();
  const c = (u: string): GraphqlClient => {
    const client = clients.get(u);
    assert.ok(client, u);
    return client;
  };
  let peoBox = '';
  let pecBox = '';
  let serial = 0;

  const store = async (
    mailboxId: string,
    raw: Buffer,
    imapRef: ImapRef | null = null,
    readers: IncomingReaders = PEO_READERS,
  ): Promise<{ id: string; created: boolean }> => {
    const ctx = await systemContext(env.platform, {
      actorId: null,
      requestId: `ingest-${++serial}`,
      agent: 'test ingest',
    });
    const r = await storeIncomingMessage(ctx, mailboxId, raw, imapRef, readers);
    return { id: r.message.id, created: r.created };
  };

  before(async () => {
    env = await startTestEnv({ plugins: ['pec'] });
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    other = await createSecondAoo(admin);
    await createMember(admin, other.aooId, other.uorId, 'altrove.rgd', 'RGD');
    for (const u of ['rgd', 'protocollista', 'rpa.ragioneria', 'rpa.tecnico', 'altrove.rgd']) {
      clients.set(u, await env.asUser(u));
    }
    const server = { host: 'mail.example.it', port: 993, tls: true, user: 'protocollo' };
    const mk = async (address: string, kind: 'PEC' | 'PEO'): Promise<string> =>
      (
        await c('rgd').data(CreatePecMailboxDocument, {
          input: {
            aooId: ids.aooId,
            uorId: ids.uor['PROT'] ?? '',
            address,
            kind,
            description: kind,
            imap: server,
            smtp: { ...server, port: 465 },
          },
        })
      ).createPecMailbox.id;
    peoBox = await mk('protocollo@comune.esempio.it', 'PEO');
    pecBox = await mk('protocollo@pec.comune.esempio.it', 'PEC');
    for (const box of [peoBox, pecBox]) {
      await c('rgd').data(SetPecMailboxGrantsDocument, {
        mailboxId: box,
        grants: [
          { userId: ids.user['protocollista'], canRead: true, canRegister: true, canSend: false },
          { uorId: ids.uor['TEC'], canRead: true, canRegister: false, canSend: false },
        ],
      });
    }
  });
  after(async () => {
    await env?.close();
  });

  it('stores a message once: the same bytes twice give the same row, raw bytes in the blob store by SHA-256', async () => {
    const raw = peoMessage({ messageId: '<idem-1@example.it>', subject: 'Domanda di contributo' });
    const first = await store(peoBox, raw, { uidValidity: 7, uid: 1 });
    const again = await store(peoBox, raw, { uidValidity: 7, uid: 1 });
    assert.equal(first.created, true);
    assert.equal(again.created, false);
    assert.equal(again.id, first.id);
    const rows = await sql<{
      sha256: string;
      raw_blob_key: string;
      state: string;
      kind: string;
      size: string;
    }>(
      env,
      'select sha256, raw_blob_key, state, kind, size from pec_message where mailbox_id = $1 and message_id = $2',
      [peoBox, '<idem-1@example.it>'],
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.sha256, sha(raw));
    assert.equal(rows[0]?.state, 'TO_REGISTER');
    assert.equal(rows[0]?.kind, 'PEO');
    assert.equal(Number(rows[0]?.size), raw.length);
    const stored = Buffer.concat(
      (await (await env.platform.blobs.get(rows[0]?.raw_blob_key ?? '')).toArray()) as Buffer[],
    );
    assert.ok(stored.equals(raw));
    const m = await c('protocollista').data(PecMessageDocument, { id: first.id });
    assert.equal(m.pecMessage.subject, 'Domanda di contributo');
    // The parser gives the address (parsePecMessage: `from` is the sender's address).
    assert.equal(m.pecMessage.from, 'mario.rossi@example.it');
    assert.deepEqual(
      m.pecMessage.attachments.map((a) => [a.fileName, a.mediaType]),
      [['domanda.pdf', 'application/pdf']],
    );
  });

  it('stores a message once when the same bytes arrive in parallel (the unique constraints decide)', async () => {
    const raw = peoMessage({ messageId: '<parallel-1@example.it>', subject: 'In parallelo' });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => store(peoBox, raw, { uidValidity: 7, uid: 10 + i })),
    );
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.id)).size, 1);
    const [n] = await sql<{ n: string }>(env, 'select count(*) as n from pec_message where sha256 = $1', [
      sha(raw),
    ]);
    assert.equal(Number(n?.n), 1);
    const received = await sql<{ n: string }>(
      env,
      `select count(*) as n from audit_event where operation = 'pec.message.receive' and target_id = $1`,
      [results[0]?.id],
    );
    assert.equal(Number(received[0]?.n), 1);
  });

  it('after a UIDVALIDITY change the same Message-ID (bytes touched by the server) is the same row, at its new place', async () => {
    const raw = peoMessage({ messageId: '<uidv-1@example.it>', subject: 'Rinumerato' });
    const first = await store(peoBox, raw, { uidValidity: 7, uid: 20 });
    const touched = peoMessage({
      messageId: '<uidv-1@example.it>',
      subject: 'Rinumerato',
      extraHeader: 'Received: from mx by imap (renumbered mailbox)',
    });
    assert.notEqual(sha(touched), sha(raw));
    const second = await store(peoBox, touched, { uidValidity: 8, uid: 3 });
    assert.equal(second.created, false);
    assert.equal(second.id, first.id);
    const rows = await sql<{ imap_uid_validity: string; imap_uid: string }>(
      env,
      'select imap_uid_validity, imap_uid from pec_message where mailbox_id = $1 and message_id = $2',
      [peoBox, '<uidv-1@example.it>'],
    );
    assert.deepEqual(rows, [{ imap_uid_validity: '8', imap_uid: '3' }]);
  });

  it('keeps receipts as RECEIPT (for the send side), which are never registered', async () => {
    const raw = Buffer.from(
      [
        'X-Ricevuta: accettazione',
        'X-Riferimento-Message-ID: <sent-1@comune.esempio.it>',
        'From: posta-certificata@pec.provider.it',
        'To: protocollo@pec.comune.esempio.it',
        'Subject: ACCETTAZIONE: Invio',
        'Message-ID: <receipt-1@pec.provider.it>',
        'Content-Type: text/plain',
        '',
        'Ricevuta di accettazione',
        '',
      ].join('\r\n'),
    );
    const r = await store(pecBox, raw);
    const m = await c('protocollista').data(PecMessageDocument, { id: r.id });
    assert.equal(m.pecMessage.state, 'RECEIPT');
    assert.equal(m.pecMessage.kind, 'RECEIPT');
    assert.equal(m.pecMessage.receiptKind, 'accettazione');
    const refused = await c('protocollista').request(RegisterPecMessageDocument, { id: r.id });
    assert.equal(errorCode(refused), 'PEC_MESSAGE_STATE');
    const events = await sql(env, `select 1 from pec_message where id = $1 and state = 'RECEIPT'`, [r.id]);
    assert.equal(events.length, 1);
  });

  it('registers an ordinary message as an ARRIVO record by e-mail: sender, oggetto, the message and its attachment as files', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% domanda firmata\n%%EOF\n');
    const raw = peoMessage({ messageId: '<reg-1@example.it>', subject: 'Richiesta accesso atti', pdf });
    const { id } = await store(peoBox, raw);
    const r = await c('protocollista').data(RegisterPecMessageDocument, { id });
    assert.equal(r.registerPecMessage.state, 'REGISTERED');
    assert.ok(r.registerPecMessage.recordId);
    const m = await c('protocollista').data(PecMessageDocument, { id });
    const record = m.pecMessage.record;
    assert.ok(record);
    assert.equal(record.kind, 'ARRIVO');
    assert.equal(record.oggetto, 'Richiesta accesso atti');
    assert.equal(record.meansOfTransmission, 'EMAIL');
    assert.equal(record.attachmentCount, 1);
    assert.equal(record.uor?.id, ids.uor['PROT']);
    assert.deepEqual(
      record.correspondents.map((x) => [x.role, x.kind, x.denominazione, x.email, x.pec]),
      [['MITTENTE', 'PERSONA_GIURIDICA', 'mario.rossi@example.it', 'mario.rossi@example.it', null]],
    );
    const files = await sql<{
      position: number;
      sha256: string;
      original_name: string;
      media_type: string;
      format: string;
    }>(
      env,
      `select df.position, f.sha256, f.original_name, f.media_type, f.format
         from protocol_record r join document_file df on df.document_id = r.document_id join stored_file f on f.id = df.file_id
        where r.id = $1 order by df.position`,
      [record.id],
    );
    assert.deepEqual(
      files.map((f) => [f.position, f.sha256, f.original_name, f.media_type, f.format]),
      [
        [0, sha(raw), 'postacert.eml', 'message/rfc822', 'EML'],
        [1, sha(pdf), 'domanda.pdf', 'application/pdf', 'PDF'],
      ],
    );
    // The record binds the digest of the primary file.
    const [bound] = await sql<{ primary_sha256: string }>(
      env,
      'select primary_sha256 from protocol_record where id = $1',
      [record.id],
    );
    assert.equal(bound?.primary_sha256, sha(raw));
    // At most once: again, or discarding it now, is refused.
    assert.equal(
      errorCode(await c('protocollista').request(RegisterPecMessageDocument, { id })),
      'PEC_MESSAGE_ALREADY_REGISTERED',
    );
    assert.equal(
      errorCode(await c('rgd').request(DiscardPecMessageDocument, { id, reason: 'doppio' })),
      'PEC_MESSAGE_ALREADY_REGISTERED',
    );
    const [count] = await sql<{ n: string }>(
      env,
      `select count(*) as n from protocol_record where oggetto = 'Richiesta accesso atti'`,
    );
    assert.equal(Number(count?.n), 1);
  });

  it('registers twice at once: one record, the other refused', async () => {
    const { id } = await store(peoBox, peoMessage({ messageId: '<race-1@example.it>', subject: 'Corsa' }));
    const both = await Promise.all([
      c('protocollista').request(RegisterPecMessageDocument, { id }),
      c('rgd').request(RegisterPecMessageDocument, { id }),
    ]);
    assert.deepEqual(both.map((r) => errorCode(r) ?? 'ok').sort(), ['PEC_MESSAGE_ALREADY_REGISTERED', 'ok']);
    const [count] = await sql<{ n: string }>(
      env,
      `select count(*) as n from protocol_record where oggetto = 'Corsa'`,
    );
    assert.equal(Number(count?.n), 1);
  });

  it('registers a PEC message with a valid Segnatura from its data: the administration with IPA codes, its oggetto, the named primary document', async () => {
    const delibera = Buffer.from('%PDF-1.4\n% delibera\n%%EOF\n');
    const allegato = Buffer.from('%PDF-1.4\n% allegato tecnico\n%%EOF\n');
    const segnaturaXml = Buffer.from('<Segnatura/>');
    const postacert = Buffer.from(
      'From: protocollo@pec.altrocomune.it\r\nSubject: Trasmissione delibera\r\n\r\ncorpo\r\n',
    );
    const part = (fileName: string, mediaType: string, bytes: Buffer) => ({
      fileName,
      mediaType,
      size: bytes.length,
      sha256: sha(bytes),
      bytes,
    });
    const parsed: ParsedIncoming = {
      kind: 'busta',
      transport: 'posta-certificata',
      receipt: null,
      messageId: '<busta-1@pec.provider.it>',
      riferimentoMessageId: null,
      from: '"Per conto di: protocollo@pec.altrocomune.it" <posta-certificata@pec.provider.it>',
      to: ['protocollo@pec.comune.esempio.it'],
      subject: 'POSTA CERTIFICATA: Trasmissione delibera',
      date: '2026-12-04T10:00:00+01:00',
      signature: { outcome: 'valid', reason: null, signer: 'pec.provider.it' },
      daticert: {
        mittente: 'protocollo@pec.altrocomune.it',
        oggetto: 'Trasmissione delibera',
        identificativo: 'opec-1',
        dataOra: '2026-12-04T10:00:00+01:00',
      },
      original: {
        messageId: '<orig-1@altrocomune.it>',
        from: 'protocollo@pec.altrocomune.it',
        subject: 'Trasmissione delibera',
        date: null,
        raw: postacert,
      },
      attachments: [
        part('Segnatura.xml', 'application/xml', segnaturaXml),
        part('allegato.pdf', 'application/pdf', allegato),
        part('delibera.pdf', 'application/pdf', delibera),
      ],
      problems: [],
    };
    const readers: IncomingReaders = {
      parse: () => Promise.resolve(parsed),
      findInterop: () =>
        Promise.resolve({
          kind: 'segnatura',
          fileName: 'Segnatura.xml',
          schemaValid: true,
          seal: 'valid',
          problems: [],
          segnatura: {
            oggetto: 'Delibera n. 12/2026 di approvazione del progetto',
            mittente: {
              denominazione: 'Comune di Altrocomune',
              pec: 'protocollo@pec.altrocomune.it',
              codiceAmministrazione: 'c_a000',
              codiceAOO: 'AOO01',
            },
            primaryName: 'delibera.pdf',
          },
        }),
    };
    const { id } = await store(pecBox, Buffer.from('busta di prova 1'), null, readers);
    await c('protocollista').data(RegisterPecMessageDocument, { id });
    const m = await c('protocollista').data(PecMessageDocument, { id });
    assert.equal(m.pecMessage.interopKind, 'segnatura');
    const record = m.pecMessage.record;
    assert.ok(record);
    assert.equal(record.oggetto, 'Delibera n. 12/2026 di approvazione del progetto');
    assert.equal(record.meansOfTransmission, 'PEC');
    assert.deepEqual(
      record.correspondents.map((x) => [x.kind, x.denominazione, x.pec, x.ipaAmministrazione, x.ipaAoo]),
      [
        [
          'AMMINISTRAZIONE_ITALIANA',
          'Comune di Altrocomune',
          'protocollo@pec.altrocomune.it',
          'c_a000',
          'AOO01',
        ],
      ],
    );
    const files = await sql<{ position: number; sha256: string; original_name: string }>(
      env,
      `select df.position, f.sha256, f.original_name from protocol_record r join document_file df on df.document_id = r.document_id
         join stored_file f on f.id = df.file_id where r.id = $1 order by df.position`,
      [record.id],
    );
    assert.deepEqual(
      files.map((f) => [f.position, f.original_name, f.sha256]),
      [
        [0, 'delibera.pdf', sha(delibera)],
        [1, 'Segnatura.xml', sha(segnaturaXml)],
        [2, 'allegato.pdf', sha(allegato)],
      ],
    );
    // The operator's oggetto wins over the Segnatura's; without a valid Segnatura the certified sender is the PEC correspondent.
    const plain: IncomingReaders = {
      parse: () => Promise.resolve({ ...parsed, messageId: '<busta-2@pec.provider.it>' }),
    };
    const second = await store(pecBox, Buffer.from('busta di prova 2'), null, plain);
    await c('protocollista').data(RegisterPecMessageDocument, {
      id: second.id,
      input: { oggetto: 'Oggetto scelto' },
    });
    const m2 = await c('protocollista').data(PecMessageDocument, { id: second.id });
    assert.equal(m2.pecMessage.record?.oggetto, 'Oggetto scelto');
    assert.deepEqual(
      m2.pecMessage.record?.correspondents.map((x) => [x.kind, x.denominazione, x.pec]),
      [['PERSONA_GIURIDICA', 'protocollo@pec.altrocomune.it', 'protocollo@pec.altrocomune.it']],
    );
  });

  it('keeps of the interop check what registration uses, and a Segnatura with a broken seal is not trusted', async () => {
    const check: InteropCheck = {
      kind: 'segnatura',
      fileName: 'Segnatura.xml',
      namespace: 'http://www.agid.gov.it/protocollo/',
      schemaValid: true,
      schemaErrors: [],
      seal: 'invalid',
      sealReason: 'the digest does not match the document',
      signer: null,
      problems: ['seal invalid: the digest does not match the document'],
      segnatura: {
        codiceAmministrazione: 'c_b000',
        codiceAOO: 'AOO02',
        codiceRegistro: 'REG',
        numero: '0000042',
        data: '2026-12-04',
        ora: null,
        identificatore: null,
        primaRegistrazione: null,
        oggetto: 'Oggetto della Segnatura',
        mittente: {
          tipo: 'amministrazione',
          denominazione: 'Comune di Beta',
          codiceAmministrazione: 'c_b000',
          codiceAOO: 'AOO02',
          codiceUO: null,
          codiceFiscale: null,
          email: ['protocollo@pec.beta.it'],
          pec: 'protocollo@pec.beta.it',
        },
        destinatari: [],
        confermaRichiesta: false,
        classifica: null,
        fascicolo: null,
        riservato: false,
        riferimento: null,
        documenti: [
          {
            ruolo: 'allegato',
            nomeFile: 'b.pdf',
            mimeType: null,
            descrizione: null,
            impronta: null,
            algoritmo: 'SHA-256',
            digestHex: null,
            firmatoDigitalmente: false,
          },
          {
            ruolo: 'primario',
            nomeFile: 'a.pdf',
            mimeType: null,
            descrizione: null,
            impronta: null,
            algoritmo: 'SHA-256',
            digestHex: null,
            firmatoDigitalmente: false,
          },
        ],
        missing: [],
      },
    };
    const summary = summariseInterop(check);
    assert.deepEqual(summary.segnatura, {
      oggetto: 'Oggetto della Segnatura',
      mittente: {
        denominazione: 'Comune di Beta',
        pec: 'protocollo@pec.beta.it',
        codiceAmministrazione: 'c_b000',
        codiceAOO: 'AOO02',
      },
      primaryName: 'a.pdf',
    });
    const postacert = Buffer.from('From: x@pec.beta.it\r\nSubject: Da Beta\r\n\r\ncorpo\r\n');
    const parsed: ParsedIncoming = {
      ...(await parsePeoForTests(
        peoMessage({ messageId: '<beta-1@pec.beta.it>', subject: 'Da Beta', from: 'x@pec.beta.it' }),
      )),
      kind: 'busta',
      daticert: { mittente: 'x@pec.beta.it', oggetto: 'Da Beta', identificativo: null, dataOra: null },
    };
    parsed.original = parsed.original ? { ...parsed.original, raw: postacert } : null;
    const { id } = await store(pecBox, Buffer.from('busta con sigillo rotto'), null, {
      parse: () => Promise.resolve(parsed),
      findInterop: () => Promise.resolve(summary),
    });
    await c('protocollista').data(RegisterPecMessageDocument, { id });
    const m = await c('protocollista').data(PecMessageDocument, { id });
    assert.deepEqual(m.pecMessage.problems, []);
    assert.equal(m.pecMessage.record?.oggetto, 'Da Beta');
    assert.deepEqual(
      m.pecMessage.record?.correspondents.map((x) => [x.kind, x.denominazione, x.pec]),
      [['PERSONA_GIURIDICA', 'x@pec.beta.it', 'x@pec.beta.it']],
    );
  });

  it('discards only with a reason, once, and a discarded message is not registered', async () => {
    const { id } = await store(
      peoBox,
      peoMessage({ messageId: '<spam-1@example.it>', subject: 'Offerta imperdibile' }),
    );
    assert.equal(
      errorCode(await c('protocollista').request(DiscardPecMessageDocument, { id, reason: '   ' })),
      'PEC_DISCARD_REASON_REQUIRED',
    );
    const d = await c('protocollista').data(DiscardPecMessageDocument, {
      id,
      reason: 'Pubblicità non pertinente',
    });
    assert.equal(d.discardPecMessage.state, 'DISCARDED');
    assert.equal(d.discardPecMessage.discardReason, 'Pubblicità non pertinente');
    assert.ok(d.discardPecMessage.discardedAt);
    assert.equal(
      errorCode(await c('protocollista').request(RegisterPecMessageDocument, { id })),
      'PEC_MESSAGE_STATE',
    );
    assert.equal(
      errorCode(await c('protocollista').request(DiscardPecMessageDocument, { id, reason: 'ancora' })),
      'PEC_MESSAGE_STATE',
    );
    // The database refuses a discarded row without its reason, whatever a service does.
    await assert.rejects(sql(env, `update pec_message set discard_reason = null where id = $1`, [id]));
  });

  it('lets only the mailbox grant decide: read-only sees and cannot act, ungranted and other AOO get NOT_FOUND', async () => {
    const { id } = await store(peoBox, peoMessage({ messageId: '<acl-1@example.it>', subject: 'Permessi' }));
    const outcome = async (u: string, op: 'read' | 'register' | 'discard'): Promise<unknown> => {
      const r =
        op === 'read'
          ? await c(u).request(PecMessageDocument, { id })
          : op === 'register'
            ? await c(u).request(RegisterPecMessageDocument, { id })
            : await c(u).request(DiscardPecMessageDocument, { id, reason: 'prova' });
      return errorCode(r) ?? 'ok';
    };
    const got: Record<string, unknown[]> = {};
    for (const u of ['rpa.tecnico', 'rpa.ragioneria', 'altrove.rgd']) {
      got[u] = [await outcome(u, 'read'), await outcome(u, 'register'), await outcome(u, 'discard')];
    }
    assert.deepEqual(got, {
      'rpa.tecnico': ['ok', 'FORBIDDEN', 'FORBIDDEN'],
      'rpa.ragioneria': ['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND'],
      'altrove.rgd': ['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND'],
    });
    assert.equal(
      errorCode(await c('altrove.rgd').request(PecMessagesDocument, { mailboxId: peoBox })),
      'NOT_FOUND',
    );
  });

  it('pages the messages of a mailbox by state, newest first', async () => {
    const all = await c('protocollista').data(PecMessagesDocument, { mailboxId: peoBox, first: 100 });
    const toRegister = await c('protocollista').data(PecMessagesDocument, {
      mailboxId: peoBox,
      state: 'TO_REGISTER',
      first: 2,
    });
    assert.ok(all.pecMessages.totalCount >= 6);
    assert.ok(toRegister.pecMessages.edges.every((e) => e.node.state === 'TO_REGISTER'));
    assert.equal(toRegister.pecMessages.edges.length, 2);
    assert.equal(toRegister.pecMessages.pageInfo.hasNextPage, true);
    const next = await c('protocollista').data(PecMessagesDocument, {
      mailboxId: peoBox,
      state: 'TO_REGISTER',
      first: 100,
      after: toRegister.pecMessages.pageInfo.endCursor,
    });
    const seen = [...toRegister.pecMessages.edges, ...next.pecMessages.edges].map((e) => e.node.id);
    assert.equal(new Set(seen).size, seen.length);
    assert.equal(seen.length, toRegister.pecMessages.totalCount);
    const times = all.pecMessages.edges.map((e) => e.node.receivedAt);
    assert.deepEqual([...times].sort().reverse(), times);
  });

  it('delivers the mailbox changes live to a granted operator, not to an ungranted one, and stops when the grant goes', async () => {
    const granted = await TypedSubscriber.open(
      env.wsUrl,
      await env.tokenFor('protocollista'),
      PecMailboxChangedDocument,
      { mailboxId: peoBox },
      (d) => d.pecMailboxChanged,
    );
    const reader = await TypedSubscriber.open(
      env.wsUrl,
      await env.tokenFor('rpa.tecnico'),
      PecMailboxChangedDocument,
      { mailboxId: peoBox },
      (d) => d.pecMailboxChanged,
    );
    const ungranted = await TypedSubscriber.open(
      env.wsUrl,
      await env.tokenFor('rpa.ragioneria'),
      PecMailboxChangedDocument,
      { mailboxId: peoBox },
      (d) => d.pecMailboxChanged,
    );
    try {
      await ungranted.ws.next(() => ungranted.errors().length > 0, 5000);
      assert.equal(
        (ungranted.errors()[0] as { extensions?: { code?: string } }).extensions?.code,
        'NOT_FOUND',
      );
      let probe = 0;
      await granted.ready(async () => {
        await store(peoBox, peoMessage({ messageId: `<probe-${++probe}@example.it>`, subject: 'Sonda' }));
      });
      const { id } = await store(
        peoBox,
        peoMessage({ messageId: '<live-1@example.it>', subject: 'In diretta' }),
      );
      const received = await waitFor(granted, (x) => x.messageId === id && x.change === 'RECEIVED');
      assert.equal(received.state, 'TO_REGISTER');
      await c('protocollista').data(RegisterPecMessageDocument, { id });
      const registered = await waitFor(granted, (x) => x.messageId === id && x.change === 'REGISTERED');
      assert.ok(registered.recordId);
      await waitFor(reader, (x) => x.messageId === id && x.change === 'REGISTERED');
      // The office's grant goes: the next change no longer reaches its member.
      await c('rgd').data(SetPecMailboxGrantsDocument, {
        mailboxId: peoBox,
        grants: [{ userId: ids.user['protocollista'], canRead: true, canRegister: true, canSend: false }],
      });
      const late = await store(
        peoBox,
        peoMessage({ messageId: '<live-2@example.it>', subject: 'Dopo la revoca' }),
      );
      await waitFor(granted, (x) => x.messageId === late.id);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(
        reader.items().some((x) => x.messageId === late.id),
        false,
      );
    } finally {
      granted.ws.close();
      reader.ws.close();
      ungranted.ws.close();
    }
  });

  it('the orphan collector keeps the blobs of a message waiting for an operator (raw, postacert, attachments)', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% in attesa\n%%EOF\n');
    const raw = peoMessage({ messageId: '<waiting-1@example.it>', subject: 'In attesa', pdf });
    const { id } = await store(peoBox, raw);
    const before = new Set<string>();
    for await (const b of env.platform.blobs.list()) before.add(b.key);
    const report = await collectOrphanBlobs(env.platform, 0);
    const [row] = await sql<{
      raw_blob_key: string;
      summary: { attachments: Array<{ blobKey: string }>; postacert: { blobKey: string } };
    }>(env, 'select raw_blob_key, summary from pec_message where id = $1', [id]);
    assert.ok(row);
    const kept = [
      row.raw_blob_key,
      row.summary.postacert.blobKey,
      ...row.summary.attachments.map((a) => a.blobKey),
    ];
    for (const key of kept) {
      assert.ok(before.has(key), key);
      assert.equal(report.removed.includes(key), false, key);
      assert.ok(await env.platform.blobs.stat(key), key);
    }
    // And it still registers with its bytes.
    await c('protocollista').data(RegisterPecMessageDocument, { id });
    const files = await sql<{ sha256: string }>(
      env,
      `select f.sha256 from pec_message m join protocol_record r on r.id = m.record_id join document_file df on df.document_id = r.document_id
         join stored_file f on f.id = df.file_id where m.id = $1 order by df.position`,
      [id],
    );
    assert.deepEqual(
      files.map((f) => f.sha256),
      [sha(raw), sha(pdf)],
    );
  });

  it('stores nothing into a deactivated mailbox (PEC_MAILBOX_INACTIVE), and again once reactivated', async () => {
    await c('rgd').data(UpdatePecMailboxDocument, { input: { id: pecBox, active: false } });
    const raw = peoMessage({ messageId: '<inactive-1@example.it>', subject: 'Casella spenta' });
    await assert.rejects(
      store(pecBox, raw),
      (e: unknown) => (e as { extensions?: { code?: string } }).extensions?.code === 'PEC_MAILBOX_INACTIVE',
    );
    assert.equal((await sql(env, 'select 1 from pec_message where sha256 = $1', [sha(raw)])).length, 0);
    await c('rgd').data(UpdatePecMailboxDocument, { input: { id: pecBox, active: true } });
    assert.equal((await store(pecBox, raw)).created, true);
  });

  it('writes an audit row for each stored, registered and discarded message', async () => {
    const rows = await sql<{ operation: string; n: string }>(
      env,
      `select operation, count(*) as n from audit_event where operation like 'pec.message.%' group by operation order by operation`,
    );
    const byOp = Object.fromEntries(rows.map((r) => [r.operation, Number(r.n)]));
    const [counts] = await sql<{ received: string; registered: string; discarded: string }>(
      env,
      `select count(*) as received, count(*) filter (where state = 'REGISTERED') as registered,
              count(*) filter (where state = 'DISCARDED') as discarded from pec_message`,
    );
    assert.equal(byOp['pec.message.receive'], Number(counts?.received));
    assert.equal(byOp['pec.message.register'], Number(counts?.registered));
    assert.equal(byOp['pec.message.discard'], Number(counts?.discarded));
  });
});

async function waitFor(
  s: TypedSubscriber<PecMailboxChangedSubscription, Change>,
  match: (c: Change) => boolean,
  timeoutMs = 8000,
): Promise<Change> {
  await s.ws.next(() => s.items().some(match), timeoutMs);
  const found = s.items().find(match);
  assert.ok(found);
  return found;
}
