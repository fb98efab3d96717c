import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  LiveAssignRpaDocument,
  LiveSmistaDocument,
  RegisterProtocolDocument,
} from '../../clients/sdk/generated/graphql.js';
import { withClient } from '../harness/database.js';
import { withFailingStatement } from '../harness/faults.js';
import { demoIds, errorCode, sleep, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { draftDocuments } from '../harness/protocol-fixtures.js';
import { startSmtpTestServer, type SmtpTestServer } from '../harness/smtp-server.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const TEC_MAIL = 'ufficio.tecnico@comune.example.it';
const RPA_MAIL = 'tommaso.tecnico@comune.example.it';

/**
 * E-mail notices of the workflow (DOMAIN §6), against a real SMTP server on loopback: the office
 * and the RPA are written to once the step commits; a refused attempt is retried by the queue;
 * a rolled-back step sends nothing.
 */
describe('workflow e-mail notices', () => {
  let smtp: SmtpTestServer;
  let env: TestEnv;
  let ids: DemoIds;
  let protocollista: GraphqlClient;

  before(async () => {
    smtp = await startSmtpTestServer();
    env = await startTestEnv({
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'protocollo@comune.example.it', JOBS_ENABLED: 'true' },
    });
    ids = await demoIds(env);
    protocollista = await env.asUser('protocollista');
    await sql(env, `update uor set email = $1 where code = 'TEC'`, [TEC_MAIL]);
    await sql(env, `update app_user set email = $1 where username = 'rpa.tecnico'`, [RPA_MAIL]);
  });
  after(async () => {
    await env.close();
    await smtp.stop();
  });

  async function registered(oggetto: string): Promise<{ id: string; number: string }> {
    const [documentId] = await draftDocuments(env, ids.uor['PROT'] ?? '', 1, 'protocollista');
    const r = await protocollista.data(RegisterProtocolDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: documentId ?? '',
        oggetto,
        meansOfTransmission: 'PEC',
        correspondents: [{ kind: 'PERSONA_GIURIDICA', denominazione: 'Impresa Srl' }],
      },
    });
    return {
      id: r.registerProtocol.id,
      number: `${r.registerProtocol.formattedNumber}/${r.registerProtocol.year}`,
    };
  }

  const mailsTo = (address: string) => smtp.received.filter((m) => m.to.includes(address));

  it('writes to the office on smistamento and to the office and the RPA on assignment', async () => {
    const record = await registered('Segnalazione buca stradale');
    const sent = await protocollista.data(LiveSmistaDocument, {
      input: { recordId: record.id, competenza: [ids.uor['TEC'] ?? ''], note: 'Verificare entro 48 ore' },
    });
    const deadline = Date.now() + 20_000;
    const mine = () => mailsTo(TEC_MAIL).filter((m) => m.subject.includes(record.number));
    while (mine().length === 0 && Date.now() < deadline) await sleep(100);
    const [notice] = mine();
    assert.ok(notice, 'the office was written to');
    assert.match(notice.subject, new RegExp(`Protocollo n\\. ${record.number}: assegnato per competenza a`));
    assert.match(notice.text, /Oggetto: Segnalazione buca stradale/);
    assert.match(notice.text, /Nota: Verificare entro 48 ore/);
    assert.equal(notice.headers.get('auto-submitted'), 'auto-generated');

    const rpaId = (
      await sql<{ id: string }>(env, `select id from app_user where username = 'rpa.tecnico'`)
    )[0]?.id;
    const tecnico = await env.asUser('rpa.tecnico');
    await tecnico.data(LiveAssignRpaDocument, {
      input: { assignmentId: sent.smistaProtocol.assignments[0]?.id ?? '', rpaId: rpaId ?? '' },
    });
    const assignedMail = () =>
      smtp.received.filter((m) => m.subject.includes(record.number) && /RPA/.test(m.subject));
    while (assignedMail().length === 0 && Date.now() < deadline) await sleep(100);
    const [assigned] = assignedMail();
    assert.deepEqual([...(assigned?.to ?? [])].sort(), [RPA_MAIL, TEC_MAIL].sort());
    assert.match(assigned?.subject ?? '', /assegnato a Tommaso Tecnico come RPA/);
  });

  it('retries a notice the server refused, and sends nothing for a rolled-back smistamento', async () => {
    const rolledBack = await registered('Mai smistato');
    const failed = await withFailingStatement(
      env.databaseUrl,
      { table: 'audit_event', event: 'insert', when: `new.operation = 'workflow.smista'` },
      () =>
        protocollista.request(LiveSmistaDocument, {
          input: { recordId: rolledBack.id, competenza: [ids.uor['TEC'] ?? ''] },
        }),
    );
    assert.equal(errorCode(failed), 'INTERNAL_SERVER_ERROR');

    const record = await registered('Richiesta di intervento');
    const refused = smtp.refusedCount;
    smtp.rejectNext(1, 421);
    await protocollista.data(LiveSmistaDocument, {
      input: { recordId: record.id, competenza: [ids.uor['TEC'] ?? ''] },
    });
    // The first attempt is refused; the queue schedules the retry (with backoff): bring it forward.
    const deadline = Date.now() + 20_000;
    while (smtp.refusedCount === refused && Date.now() < deadline) await sleep(100);
    assert.equal(smtp.refusedCount, refused + 1, 'the first attempt was refused');
    let moved = 0;
    while (moved === 0 && Date.now() < deadline) {
      moved = await withClient(
        env.databaseUrl,
        async (c) =>
          (
            await c.query(
              `update pgboss.job set start_after = now() where name = 'assegnazioni.notice' and state = 'retry'`,
            )
          ).rowCount ?? 0,
      );
      if (moved === 0) await sleep(100);
    }
    while (!smtp.received.some((m) => m.subject.includes(record.number)) && Date.now() < deadline)
      await sleep(100);
    assert.equal(
      smtp.received.filter((m) => m.subject.includes(record.number)).length,
      1,
      'sent once, on the retry',
    );
    assert.equal(
      smtp.received.filter((m) => m.subject.includes(rolledBack.number)).length,
      0,
      'nothing for the rolled-back step',
    );
    const jobs = await withClient(env.databaseUrl, (c) =>
      c.query<{ n: number }>(
        `select count(*)::int as n from pgboss.job j where j.name = 'assegnazioni.notice'
            and not exists (select 1 from workflow_step s where s.id = (j.data->'data'->>'stepId')::bigint)`,
      ),
    );
    assert.equal(jobs.rows[0]?.n, 0, 'every notice job is of a committed step');
  });
});
