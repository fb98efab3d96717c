import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PecMessageDocument } from '../../clients/sdk/generated/plugins.js';
import { startDovecot, type DovecotServer, type ImapAccount } from '../harness/dovecot.js';
import { withFailingStatement } from '../harness/faults.js';
import { demoIds, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import {
  clearFlag,
  createIngestMailbox,
  deliver,
  eventually,
  inboxFlags,
  messagesOf,
  peoMessage,
  type IngestMailbox,
} from '../harness/pec-ingest-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const KEYWORD = '$DmsIngested';
const ADDRESS = 'protocollo@pec.comune.esempio.it';
const PASSWORD = 'casella-di-prova';

async function rowsFor(env: TestEnv, mailboxId: string, messageId: string) {
  return sql<{ id: string; state: string; record_id: string | null; imap_uid_validity: string }>(
    env,
    'select id, state, record_id, imap_uid_validity::text from pec_message where mailbox_id = $1 and message_id = $2',
    [mailboxId, messageId],
  );
}

/** Waits until the message is stored and registered; returns its row. */
async function registered(env: TestEnv, mailboxId: string, messageId: string, timeoutMs = 15_000) {
  return eventually(
    `${messageId} registered`,
    async () => {
      const rows = await rowsFor(env, mailboxId, messageId);
      return rows.length === 1 && rows[0]?.state === 'REGISTERED' ? rows[0] : undefined;
    },
    timeoutMs,
  );
}

async function allMarked(account: ImapAccount): Promise<boolean> {
  const flags = await inboxFlags(account);
  return [...flags.values()].every((f) => f.has(KEYWORD));
}

/**
 * The IMAP ingest on a real dovecot: IDLE brings a message in within a second, each message is
 * stored and registered once whatever happens (the commit failing, the marking lost, the
 * mailbox renumbered by a UIDVALIDITY change, the server down, the same bytes delivered twice),
 * and a message is marked on the server only once its record is committed.
 */
describe('PEC ingest over IMAP (dovecot, IDLE)', () => {
  let env: TestEnv;
  let dovecot: DovecotServer;
  let ids: DemoIds;
  let rgd: GraphqlClient;
  let mailbox: IngestMailbox;
  let account: ImapAccount;

  before(async () => {
    dovecot = await startDovecot({ users: [{ user: ADDRESS, password: PASSWORD }] });
    account = { host: dovecot.host, port: dovecot.port, user: ADDRESS, password: PASSWORD };
    // A long poll interval: only IDLE can bring a message in within seconds.
    env = await startTestEnv({ plugins: ['pec'], env: { PEC_INGEST: 'true', PEC_POLL_SECONDS: '60' } });
    ids = await demoIds(env);
    rgd = await env.asUser('rgd');
    mailbox = await createIngestMailbox(rgd, {
      aooId: ids.aooId,
      uorId: ids.uor['PROT'] ?? '',
      account,
      registrarId: ids.user['protocollista'] ?? '',
      autoRegister: true,
    });
    // The first message shows the session is up (the supervisor looks at new mailboxes every 10 s).
    const first = peoMessage({
      from: 'mario.rossi@example.it',
      to: ADDRESS,
      subject: 'Richiesta di accesso agli atti',
    });
    await deliver(account, first.raw);
    await registered(env, mailbox.id, first.messageId, 30_000);
  });

  after(async () => {
    await env?.close();
    await dovecot?.close();
  });

  it('a message delivered to the INBOX becomes a registered record within seconds through IDLE, then is marked', async () => {
    const m = peoMessage({ from: 'anna.bianchi@example.it', to: ADDRESS, subject: 'Istanza di contributo' });
    const started = performance.now();
    await deliver(account, m.raw);
    const row = await registered(env, mailbox.id, m.messageId, 5_000);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 5_000, `registered after ${Math.round(elapsed)} ms (poll interval is 60 s)`);
    assert.ok(row.record_id);
    const seen = await rgd.data(PecMessageDocument, { id: row.id });
    assert.equal(seen.pecMessage?.state, 'REGISTERED');
    assert.equal(seen.pecMessage?.record?.oggetto, 'Istanza di contributo');
    assert.equal(seen.pecMessage?.record?.kind, 'ARRIVO');
    await eventually(
      'the keyword on the server',
      async () => ((await allMarked(account)) ? true : undefined),
      5_000,
    );
  });

  it('the same bytes delivered twice are one message and one record; both copies are marked', async () => {
    const m = peoMessage({ from: 'luca.verdi@example.it', to: ADDRESS, subject: 'Doppio invio' });
    await deliver(account, m.raw);
    await deliver(account, m.raw);
    await registered(env, mailbox.id, m.messageId);
    await eventually(
      'both copies marked',
      async () => ((await allMarked(account)) ? true : undefined),
      5_000,
    );
    assert.equal((await rowsFor(env, mailbox.id, m.messageId)).length, 1);
    const records = await sql(env, 'select id from protocol_record where oggetto = $1', ['Doppio invio']);
    assert.equal(records.length, 1);
  });

  it('a commit that fails leaves the message unmarked on the server; once the database answers it is stored once', async () => {
    const m = peoMessage({ from: 'giulia.neri@example.it', to: ADDRESS, subject: 'Commit fallito' });
    await withFailingStatement(env.databaseUrl, { table: 'pec_message', event: 'insert' }, async () => {
      await deliver(account, m.raw);
      // The session fetches it, the transaction fails (the crash before the commit), no mark.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal((await rowsFor(env, mailbox.id, m.messageId)).length, 0);
      const flags = await inboxFlags(account);
      assert.ok(
        [...flags.values()].some((f) => !f.has(KEYWORD)),
        'the message whose commit failed is not marked',
      );
    });
    await registered(env, mailbox.id, m.messageId, 20_000);
    assert.equal(
      (await sql(env, 'select id from protocol_record where oggetto = $1', ['Commit fallito'])).length,
      1,
    );
  });

  it('the marking lost after the commit: the message is seen again and stays one record', async () => {
    const m = peoMessage({ from: 'paolo.gialli@example.it', to: ADDRESS, subject: 'Marcatura persa' });
    await deliver(account, m.raw);
    await registered(env, mailbox.id, m.messageId);
    await eventually('marked', async () => ((await allMarked(account)) ? true : undefined), 5_000);
    await clearFlag(account, KEYWORD);
    // A new message wakes the session: it processes everything unmarked, the old ones included.
    const wake = peoMessage({ from: 'paolo.gialli@example.it', to: ADDRESS, subject: 'Sveglia' });
    await deliver(account, wake.raw);
    await registered(env, mailbox.id, wake.messageId);
    await eventually('all marked again', async () => ((await allMarked(account)) ? true : undefined), 10_000);
    assert.equal((await rowsFor(env, mailbox.id, m.messageId)).length, 1);
    assert.equal(
      (await sql(env, 'select id from protocol_record where oggetto = $1', ['Marcatura persa'])).length,
      1,
    );
  });

  it('IMAP down, a message arriving meanwhile, IMAP up: the session reconnects and nothing is lost', async () => {
    await dovecot.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await dovecot.start();
    const m = peoMessage({ from: 'sara.blu@example.it', to: ADDRESS, subject: 'Dopo il disservizio' });
    await deliver(account, m.raw);
    await dovecot.stop();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await dovecot.start();
    await registered(env, mailbox.id, m.messageId, 30_000);
    await eventually(
      'marked after the outage',
      async () => ((await allMarked(account)) ? true : undefined),
      10_000,
    );
  });

  it('a UIDVALIDITY change (the INBOX renumbered) makes every message seen again, none stored twice', async () => {
    const before = await sql<{ n: string; v: string }>(
      env,
      `select count(*)::text as n, max(imap_uid_validity)::text as v from pec_message where mailbox_id = $1`,
      [mailbox.id],
    );
    const records = await sql(env, 'select id from protocol_record');
    await dovecot.stop();
    // dovecot keeps UIDs and UIDVALIDITY in dovecot-uidlist, keywords in dovecot-keywords:
    // without them the folder is new to every client (new UIDVALIDITY, no keyword).
    const maildir = path.join(dovecot.dir, 'mail', ADDRESS);
    for (const name of await readdir(maildir)) {
      if (name.startsWith('dovecot')) await rm(path.join(maildir, name), { recursive: true, force: true });
    }
    await dovecot.start();
    const m = peoMessage({ from: 'elena.rosa@example.it', to: ADDRESS, subject: 'Dopo la rinumerazione' });
    await deliver(account, m.raw);
    await registered(env, mailbox.id, m.messageId, 30_000);
    await eventually(
      'all marked in the new UIDVALIDITY',
      async () => ((await allMarked(account)) ? true : undefined),
      15_000,
    );
    const after = await sql<{ n: string; v: string }>(
      env,
      `select count(*)::text as n, max(imap_uid_validity)::text as v from pec_message where mailbox_id = $1`,
      [mailbox.id],
    );
    assert.equal(Number(after[0]?.n), Number(before[0]?.n) + 1, 'only the new message was stored');
    assert.notEqual(after[0]?.v, before[0]?.v, 'the rows were moved to the new UIDVALIDITY');
    assert.equal((await sql(env, 'select id from protocol_record')).length, records.length + 1);
  });

  it('an operator sees every ingested message registered, each with its record', async () => {
    const seen = await messagesOf(rgd, mailbox.id);
    assert.ok(seen.length >= 7);
    for (const m of seen) {
      assert.equal(m.state, 'REGISTERED', `${m.subject ?? ''}: ${m.problems.join('; ')}`);
      assert.ok(m.recordId);
    }
  });
});
