import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PecMessageDocument } from '../../clients/sdk/generated/plugins.js';
import { startDovecot, type DovecotServer, type ImapAccount } from '../harness/dovecot.js';
import { demoIds, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import {
  createIngestMailbox,
  deliver,
  eventually,
  inboxFlags,
  peoMessage,
  type IngestMailbox,
} from '../harness/pec-ingest-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const ADDRESS = 'protocollo@pec.comune.esempio.it';
const PASSWORD = 'casella-di-prova';

/**
 * The ingest without IDLE (PEC_IDLE=false, as for servers that do not offer it): the mailbox is
 * polled; and the size limit: a message over PEC_MAX_MESSAGE_MB is kept by its header with the
 * reason, never registered automatically, never skipped.
 */
describe('PEC ingest by polling, and the size limit', () => {
  let env: TestEnv;
  let dovecot: DovecotServer;
  let ids: DemoIds;
  let rgd: GraphqlClient;
  let mailbox: IngestMailbox;
  let account: ImapAccount;

  before(async () => {
    dovecot = await startDovecot({ users: [{ user: ADDRESS, password: PASSWORD }] });
    account = { host: dovecot.host, port: dovecot.port, user: ADDRESS, password: PASSWORD };
    env = await startTestEnv({
      plugins: ['pec'],
      env: { PEC_INGEST: 'true', PEC_IDLE: 'false', PEC_POLL_SECONDS: '1', PEC_MAX_MESSAGE_MB: '1' },
    });
    ids = await demoIds(env);
    rgd = await env.asUser('rgd');
    mailbox = await createIngestMailbox(rgd, {
      aooId: ids.aooId,
      uorId: ids.uor['PROT'] ?? '',
      account,
      registrarId: ids.user['protocollista'] ?? '',
      autoRegister: true,
    });
  });

  after(async () => {
    await env?.close();
    await dovecot?.close();
  });

  it('polling brings each message in and registers it', async () => {
    const messages = [1, 2, 3].map((n) =>
      peoMessage({ from: 'mario.rossi@example.it', to: ADDRESS, subject: `Istanza per polling ${n}` }),
    );
    for (const m of messages) await deliver(account, m.raw);
    const rows = await eventually('three registered', async () => {
      const r = await sql<{ state: string; message_id: string }>(
        env,
        `select state, message_id from pec_message where mailbox_id = $1 and state = 'REGISTERED'`,
        [mailbox.id],
      );
      return r.length === 3 ? r : undefined;
    });
    assert.deepEqual(rows.map((r) => r.message_id).sort(), messages.map((m) => m.messageId).sort());
    const flags = await eventually('all marked', async () => {
      const f = await inboxFlags(account);
      return [...f.values()].every((s) => s.has('$DmsIngested')) ? f : undefined;
    });
    assert.equal(flags.size, 3);
  });

  it('an oversize message is kept by its header with the reason, waiting for an operator, and marked', async () => {
    const big = peoMessage({
      from: 'grande@example.it',
      to: ADDRESS,
      subject: 'Allegato troppo grande',
      body: 'x'.repeat(76).concat('\r\n').repeat(20_000),
    });
    assert.ok(big.raw.length > 1024 * 1024);
    await deliver(account, big.raw);
    const row = await eventually('the oversize message kept', async () => {
      const r = await sql<{ id: string; state: string; size: string }>(
        env,
        'select id, state, size::text from pec_message where mailbox_id = $1 and message_id = $2',
        [mailbox.id, big.messageId],
      );
      return r[0];
    });
    assert.equal(row.state, 'TO_REGISTER', 'never registered automatically');
    assert.ok(Number(row.size) < 64 * 1024, `only the header was fetched (${row.size} bytes)`);
    const seen = await rgd.data(PecMessageDocument, { id: row.id });
    assert.ok(
      seen.pecMessage?.problems.some((p) => p.startsWith('oversize:') && p.includes(String(big.raw.length))),
      JSON.stringify(seen.pecMessage?.problems),
    );
    assert.equal(seen.pecMessage?.subject, 'Allegato troppo grande');
    await eventually('marked', async () => {
      const f = await inboxFlags(account);
      return [...f.values()].every((s) => s.has('$DmsIngested')) ? true : undefined;
    });
  });
});
