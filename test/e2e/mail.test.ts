import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { bootstrap } from '../../server/bootstrap.js';
import { loadConfig } from '../../server/config.js';
import { systemContext } from '../../server/context.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import { createLogger } from '../../server/logger.js';
import { MailDeliveryError, type OutgoingMail } from '../../server/mail/mailer.js';
import { SmtpMailer } from '../../server/mail/smtp-mailer.js';
import { defineModule } from '../../server/modules/module.js';
import { coreModules } from '../../schema/modules.js';
import { withClient } from '../harness/database.js';
import { startSmtpTestServer, type SmtpTestServer } from '../harness/smtp-server.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

// An account whose password needs percent-encoding in SMTP_URL: the decoding is part of the test.
const ACCOUNT = { user: 'dms@relay.comune.example.it', password: 'p@ss:w/rd %41' };
const FROM = 'protocollo@comune.example.it';

/** What a module's notice job does: one message per job, thrown errors retried by the queue. */
const probe = defineModule({
  name: 'mailprobe',
  jobs: [
    {
      name: 'mailprobe.notice',
      retryLimit: 3,
      retryDelaySeconds: 1,
      run: async (ctx, data: object) => {
        const mailer = ctx.platform.mailer;
        if (!mailer) return { sent: false };
        return mailer.send(data as OutgoingMail);
      },
    },
  ],
});

/**
 * The platform's outgoing e-mail against a real SMTP server on loopback (smtp-server), with
 * authentication: what arrives (envelope, headers, bodies), what a refusal does, and a job
 * enqueued in a transaction that is sent once, after a refusal, by the queue's retry.
 */
describe('outgoing e-mail', () => {
  let smtp: SmtpTestServer;
  let env: TestEnv;

  before(async () => {
    smtp = await startSmtpTestServer({ account: ACCOUNT });
    env = await startTestEnv({
      seedDemo: false,
      modules: [probe],
      env: {
        SMTP_URL: smtp.url,
        MAIL_FROM: `"Protocollo del Comune" <${FROM}>`,
        SMTP_TIMEOUT_MS: '5000',
        JOBS_ENABLED: 'true',
      },
    });
  });
  after(async () => {
    await env?.close();
    await smtp?.stop();
  });

  const mailer = () => {
    const m = env.platform.mailer;
    assert.ok(m, 'SMTP_URL is set: the platform has a mailer');
    return m;
  };

  it('delivers through the configured server, authenticated, with sender, recipients, subject and bodies', async () => {
    const before = smtp.received.length;
    const sent = await mailer().send({
      // The UOR's address and the RPA's; the second copy of the first differs only in case.
      to: [
        'uor.ragioneria@comune.example.it',
        'mario.rossi@comune.example.it',
        'UOR.Ragioneria@comune.example.it',
      ],
      subject: 'Assegnazione: protocollo n. 42 — «Richiesta di accesso agli atti»\r\nBcc: x@evil.example',
      text: 'Le è stato assegnato il protocollo n. 42 del 05/12/2026.\nOggetto: richiesta di accesso.',
      html: '<p>Le è stato assegnato il protocollo <b>n. 42</b>.</p>',
      headers: { 'X-Dms-Record': 'rec-42' },
    });
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    assert.ok(mail);
    assert.equal(mail.authUser, ACCOUNT.user, 'AUTH with the decoded account of SMTP_URL');
    assert.equal(mail.from, FROM, 'envelope sender is MAIL_FROM');
    assert.deepEqual(mail.to, ['uor.ragioneria@comune.example.it', 'mario.rossi@comune.example.it']);
    assert.deepEqual(sent.accepted, mail.to);
    assert.deepEqual(sent.rejected, []);
    assert.equal(mail.headers.get('from'), `Protocollo del Comune <${FROM}>`);
    assert.equal(mail.headers.get('message-id'), sent.messageId);
    assert.equal(
      mail.subject,
      'Assegnazione: protocollo n. 42 — «Richiesta di accesso agli atti» Bcc: x@evil.example',
      'the subject stays one line: a line break cannot add a header',
    );
    assert.equal(mail.headers.get('bcc'), undefined);
    assert.equal(
      mail.text,
      'Le è stato assegnato il protocollo n. 42 del 05/12/2026.\nOggetto: richiesta di accesso.',
    );
    assert.equal(mail.html, '<p>Le è stato assegnato il protocollo <b>n. 42</b>.</p>');
    assert.equal(mail.headers.get('x-dms-record'), 'rec-42');
    assert.equal(mail.headers.get('auto-submitted'), 'auto-generated', 'no auto-replies to notices');
  });

  it('throws a transient error when the server answers 4xx, and sends when tried again', async () => {
    const before = smtp.received.length;
    const refused = smtp.refusedCount;
    smtp.rejectNext(1, 451);
    const mail = { to: ['uor.protocollo@comune.example.it'], subject: 'Tentativo', text: 'corpo' };
    await assert.rejects(
      mailer().send(mail),
      (e: unknown) => e instanceof MailDeliveryError && !e.permanent && e.responseCode === 451,
    );
    assert.equal(smtp.refusedCount, refused + 1);
    assert.equal(smtp.received.length, before, 'nothing delivered by the refused attempt');
    await mailer().send(mail);
    assert.equal((await smtp.waitFor(before + 1)).at(-1)?.subject, 'Tentativo');
  });

  it('calls a refused mailbox permanent: alone it throws, beside others it is reported', async () => {
    smtp.refuseRecipient('cessato@comune.example.it');
    await assert.rejects(
      mailer().send({ to: ['cessato@comune.example.it'], subject: 'x', text: 'x' }),
      (e: unknown) => e instanceof MailDeliveryError && e.permanent && e.responseCode === 550,
    );
    const before = smtp.received.length;
    const sent = await mailer().send({
      to: ['cessato@comune.example.it', 'uor.tributi@comune.example.it'],
      subject: 'Parziale',
      text: 'x',
    });
    assert.deepEqual(sent.rejected, ['cessato@comune.example.it']);
    assert.deepEqual(sent.accepted, ['uor.tributi@comune.example.it']);
    assert.deepEqual((await smtp.waitFor(before + 1)).at(-1)?.to, ['uor.tributi@comune.example.it']);
  });

  it('refuses malformed recipients and headers before connecting', async () => {
    const malformed: OutgoingMail[] = [
      { to: [], subject: 'x', text: 'x' },
      { to: ['not an address'], subject: 'x', text: 'x' },
      { to: ['a@comune.example.it\r\nRCPT TO:<b@evil.example>'], subject: 'x', text: 'x' },
      { to: ['a@comune.example.it'], subject: 'x', text: 'x', headers: { Bcc: 'b@evil.example' } },
      {
        to: ['a@comune.example.it'],
        subject: 'x',
        text: 'x',
        headers: { 'X-Note': 'a\r\nBcc: b@evil.example' },
      },
    ];
    for (const mail of malformed) {
      await assert.rejects(
        mailer().send(mail),
        (e: unknown) => e instanceof MailDeliveryError && e.permanent,
        JSON.stringify(mail),
      );
    }
  });

  it('throws a transient error when the server cannot be reached, without the password in it', async () => {
    const port = await closedPort();
    const config = loadConfig({
      SMTP_URL: `smtp://u:${encodeURIComponent(ACCOUNT.password)}@127.0.0.1:${port}`,
      MAIL_FROM: FROM,
    });
    assert.ok(config.mail);
    const offline = new SmtpMailer(config.mail, createLogger('silent'));
    try {
      await assert.rejects(
        offline.send({ to: ['uor.protocollo@comune.example.it'], subject: 'x', text: 'x' }),
        (e: unknown) =>
          e instanceof MailDeliveryError && !e.permanent && !e.message.includes(ACCOUNT.password),
      );
    } finally {
      await offline.close();
    }
  });

  it('sends a job enqueued in a committed transaction, retried after a refusal; a rolled-back one never', async () => {
    const ctx = await systemContext(env.platform, {
      actorId: null,
      requestId: 'mail-test',
      agent: 'mail-test',
    });
    await assert.rejects(
      withTransaction(ctx, async (tx) => {
        await tx.enqueue('mailprobe.notice', {
          to: ['uor.protocollo@comune.example.it'],
          subject: 'Annullata',
          text: 'x',
        });
        throw new Error('rolled back on purpose');
      }),
      /rolled back on purpose/,
    );
    const before = smtp.received.length;
    const refused = smtp.refusedCount;
    smtp.rejectNext(1, 421);
    await withTransaction(ctx, (tx) =>
      tx.enqueue('mailprobe.notice', {
        to: ['uor.protocollo@comune.example.it'],
        subject: 'Notifica in coda',
        text: 'Inviata dal job.',
      } satisfies OutgoingMail),
    );
    const [mail] = (await smtp.waitFor(before + 1, 30_000)).slice(before);
    assert.equal(mail?.subject, 'Notifica in coda');
    assert.equal(mail?.text, 'Inviata dal job.');
    assert.equal(smtp.refusedCount, refused + 1, 'the first attempt was refused');
    const jobs = await withClient(env.databaseUrl, (c) =>
      c.query<{ subject: string; state: string; retry_count: number }>(
        `select data->'data'->>'subject' as subject, state, retry_count
           from pgboss.job where name = 'mailprobe.notice' order by created_on`,
      ),
    );
    assert.deepEqual(
      jobs.rows.map((r) => r.subject),
      ['Notifica in coda'],
      'the job of the rolled-back transaction does not exist',
    );
    // The queue's record of the second attempt settles just after the message is accepted.
    const deadline = Date.now() + 5000;
    let job = jobs.rows[0];
    while (job?.state !== 'completed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      job = (
        await withClient(env.databaseUrl, (c) =>
          c.query<{ subject: string; state: string; retry_count: number }>(
            `select data->'data'->>'subject' as subject, state, retry_count from pgboss.job where name = 'mailprobe.notice'`,
          ),
        )
      ).rows[0];
    }
    assert.equal(job?.state, 'completed');
    assert.equal(job?.retry_count, 1, 'sent on the first retry');
    assert.equal(smtp.received.filter((m) => m.subject === 'Notifica in coda').length, 1, 'sent once');
  });

  it('logs the message id and counts, never the password nor the addresses', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const config = loadConfig({ SMTP_URL: smtp.url, MAIL_FROM: FROM });
    assert.ok(config.mail);
    const logged = new SmtpMailer(config.mail, logger);
    try {
      const sent = await logged.send({ to: ['mario.rossi@comune.example.it'], subject: 'Log', text: 'x' });
      smtp.rejectNext(1, 451);
      await assert.rejects(logged.send({ to: ['mario.rossi@comune.example.it'], subject: 'Log', text: 'x' }));
      const all = lines.join('');
      assert.ok(all.includes(sent.messageId), all);
      assert.ok(!all.includes(ACCOUNT.password) && !all.includes(encodeURIComponent(ACCOUNT.password)), all);
      assert.ok(!all.includes('mario.rossi'), all);
    } finally {
      await logged.close();
    }
  });

  it('has no mailer when SMTP_URL is unset', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: env.databaseUrl,
      JWT_SECRET: 'k'.repeat(32),
      SEED_DEMO: 'false',
      LOG_LEVEL: 'silent',
    });
    assert.equal(config.mail, undefined);
    const runtime = await bootstrap(config, coreModules, { prepareDatabase: false });
    try {
      assert.equal(runtime.platform.mailer, null);
    } finally {
      await runtime.close();
    }
  });
});

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address && typeof address === 'object');
  return address.port;
}
