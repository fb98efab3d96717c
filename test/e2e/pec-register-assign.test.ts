import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  GenerateDevelopmentSegnaturaSealDocument,
  InboxDocument,
} from '../../clients/sdk/generated/graphql.js';
import {
  CreatePecMailboxDocument,
  PecMailboxDocument,
  PecMessageDocument,
  RegisterPecMessageDocument,
  SetPecMailboxGrantsDocument,
  UpdatePecMailboxDocument,
  type CreatePecMailboxInput,
} from '../../clients/sdk/generated/plugins.js';
import { storeIncomingMessage, type IncomingReaders, PecMailbox } from '../../plugins/pec/index.js';
import { autoRegister } from '../../plugins/pec/ingest/auto-register.js';
import { registerPecMessage } from '../../plugins/pec/inbox/register-message.service.js';
import type { ParsedIncoming } from '../../plugins/pec/inbox/stored-summary.js';
import { GrantsBuilder } from '../../server/auth/grants.js';
import { romeDay } from '../../server/clock.js';
import { systemContext, type RequestContext } from '../../server/context.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const SENDER = 'protocollo@pec.altrocomune.it';
const server = { host: 'mail.example.it', port: 993, tls: true, user: 'protocollo' };

/** A certified message from another AOO with a Segnatura that asks for confirmation. */
function busta(n: number): IncomingReaders {
  const postacert = Buffer.from(`From: ${SENDER}\r\nSubject: Trasmissione ${n}\r\n\r\ncorpo ${n}\r\n`);
  const parsed: ParsedIncoming = {
    kind: 'busta',
    transport: 'posta-certificata',
    receipt: null,
    messageId: `<busta-${n}@pec.provider.it>`,
    riferimentoMessageId: null,
    from: `"Per conto di: ${SENDER}" <posta-certificata@pec.provider.it>`,
    to: ['protocollo@pec.comune.esempio.it'],
    subject: `POSTA CERTIFICATA: Trasmissione ${n}`,
    date: '2026-12-04T10:00:00+01:00',
    signature: { outcome: 'valid', reason: null, signer: 'pec.provider.it' },
    daticert: {
      mittente: SENDER,
      oggetto: `Trasmissione ${n}`,
      identificativo: `opec-${n}`,
      dataOra: '2026-12-04T10:00:00+01:00',
    },
    original: {
      messageId: `<orig-${n}@altrocomune.it>`,
      from: SENDER,
      subject: `Trasmissione ${n}`,
      date: null,
      raw: postacert,
    },
    attachments: [
      {
        fileName: 'Segnatura.xml',
        mediaType: 'application/xml',
        size: 12,
        sha256: '0'.repeat(64),
        bytes: Buffer.from('<Segnatura/>'),
      },
    ],
    problems: [],
  };
  return {
    parse: () => Promise.resolve(parsed),
    findInterop: () =>
      Promise.resolve({
        kind: 'segnatura',
        fileName: 'Segnatura.xml',
        schemaValid: true,
        seal: 'valid',
        problems: [],
        segnatura: {
          oggetto: `Trasmissione atti ${n}`,
          mittente: {
            denominazione: 'Comune di Altrocomune',
            pec: SENDER,
            codiceAmministrazione: 'c_a000',
            codiceAOO: 'AOO01',
          },
          primaryName: null,
          confermaRichiesta: true,
          identificatore: {
            codiceAmministrazione: 'c_a000',
            codiceAOO: 'AOO01',
            codiceRegistro: 'REG',
            numero: String(1000 + n).padStart(7, '0'),
            data: '2026-12-04',
            ora: null,
          },
        },
      } as never),
  };
}

/**
 * Registering a PEC message: the mailbox's registrar (who automatic acts are recorded as) named,
 * checked when named and at each act; an operator's registration with the replies it owes
 * enqueued in its own transaction; and registering with the smistamento in one call, atomic.
 */
describe('PEC registration: registrar, replies and assignment in the same transaction', () => {
  let env: TestEnv;
  let ids: DemoIds;
  const clients = new Map<string, GraphqlClient>();
  const c = (u: string): GraphqlClient => {
    const client = clients.get(u);
    assert.ok(client, u);
    return client;
  };
  let box = '';
  let serial = 0;
  let otherRgdId = '';

  const store = async (n: number): Promise<string> => {
    const ctx = await systemContext(env.platform, {
      actorId: null,
      requestId: `t-${++serial}`,
      agent: 'test',
    });
    const r = await storeIncomingMessage(ctx, box, Buffer.from(`busta ${n}`), null, busta(n));
    return r.message.id;
  };
  const input = (address: string, patch: Partial<CreatePecMailboxInput> = {}): CreatePecMailboxInput => ({
    aooId: ids.aooId,
    uorId: ids.uor['PROT'] ?? '',
    address,
    kind: 'PEC',
    description: 'PEC',
    imap: server,
    smtp: { ...server, port: 465 },
    ...patch,
  });
  const grants = async (withProtocollista: boolean): Promise<void> => {
    await c('rgd').data(SetPecMailboxGrantsDocument, {
      mailboxId: box,
      grants: [
        ...(withProtocollista
          ? [{ userId: ids.user['protocollista'], canRead: true, canRegister: true, canSend: false }]
          : []),
        { userId: ids.user['lettore'], canRead: true, canRegister: true, canSend: false },
      ],
    });
  };

  before(async () => {
    env = await startTestEnv({ plugins: ['pec'] });
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    const other = await createSecondAoo(admin);
    otherRgdId = await createMember(admin, other.aooId, other.uorId, 'altrove.rgd', 'RGD');
    for (const u of ['rgd', 'protocollista', 'rpa.ragioneria']) clients.set(u, await env.asUser(u));
    await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
    box = (
      await c('rgd').data(CreatePecMailboxDocument, { input: input('protocollo@pec.comune.esempio.it') })
    ).createPecMailbox.id;
    await grants(true);
  });
  after(async () => {
    await env?.close();
  });

  it('a mailbox that registers automatically names a qualifying registrar, else PEC_REGISTRAR_INVALID with the reason', async () => {
    const refused = async (patch: { registrarId?: string; autoRegister?: boolean }, reason: RegExp) => {
      const r = await c('rgd').request(UpdatePecMailboxDocument, { input: { id: box, ...patch } });
      assert.equal(errorCode(r), 'PEC_REGISTRAR_INVALID', JSON.stringify(r.errors));
      assert.equal(r.errors?.[0]?.extensions?.['field'], 'input.registrarId');
      assert.match(r.errors?.[0]?.message ?? '', reason);
    };
    await refused({ autoRegister: true }, /names its registrar/);
    // lettore holds the mailbox's register right but not PROTOCOL_REGISTER.
    await refused({ registrarId: ids.user['lettore'] ?? '' }, /PROTOCOL_REGISTER/);
    // rpa.ragioneria holds no grant on the mailbox.
    await refused({ registrarId: ids.user['rpa.ragioneria'] ?? '' }, /PROTOCOL_REGISTER|register right/);
    await refused({ registrarId: otherRgdId }, /member of the AOO/);
    const created = await c('rgd').request(CreatePecMailboxDocument, {
      input: input('altra@pec.comune.esempio.it', { autoRegister: true }),
    });
    assert.equal(errorCode(created), 'PEC_REGISTRAR_INVALID');
    const ok = await c('rgd').data(UpdatePecMailboxDocument, {
      input: { id: box, registrarId: ids.user['protocollista'], autoRegister: true },
    });
    assert.equal(ok.updatePecMailbox.registrarId, ids.user['protocollista']);
    const shown = await c('rgd').data(PecMailboxDocument, { id: box });
    assert.equal(shown.pecMailbox.registrarId, ids.user['protocollista']);
    assert.equal(shown.pecMailbox.autoRegister, true);
    // The database keeps the rule too: no automatic registration without a registrar.
    await assert.rejects(
      sql(env, 'update pec_mailbox set registrar_id = null where id = $1', [box]),
      /pec_mailbox_auto_register_registrar/,
    );
    await assert.rejects(
      sql(env, 'update pec_mailbox set registrar_id = $2 where id = $1', [
        box,
        '00000000-0000-4000-8000-000000000000',
      ]),
      /foreign key/,
    );
    const [audit] = await sql<{ changes: string }>(
      env,
      `select changes::text as changes from audit_event where target_id = $1 and operation = 'pec.mailbox.update' order by id desc limit 1`,
      [box],
    );
    assert.match(audit?.changes ?? '', /registrarId/);
  });

  it('automatic registration acts as the registrar; when they no longer qualify the message waits with the reason', async () => {
    const ctx = await systemContext(env.platform, { actorId: null, requestId: 'auto', agent: 'test' });
    const first = await store(1);
    const done = await withTransaction(ctx, async (tx) =>
      autoRegister(tx, first, await tx.em.findOneOrFail(PecMailbox, { id: box })),
    );
    assert.equal(done, null);
    const [registered] = await sql<{ state: string; registered_by: string }>(
      env,
      'select state, registered_by from pec_message where id = $1',
      [first],
    );
    assert.deepEqual(registered, { state: 'REGISTERED', registered_by: ids.user['protocollista'] });
    // The registrar loses the mailbox's register right: nothing is registered, the reason says why.
    await grants(false);
    const second = await store(2);
    const refused = await withTransaction(ctx, async (tx) =>
      autoRegister(tx, second, await tx.em.findOneOrFail(PecMailbox, { id: box })),
    );
    assert.match(refused ?? '', /register right.*waiting for an operator/);
    const [waiting] = await sql<{ state: string }>(env, 'select state from pec_message where id = $1', [
      second,
    ]);
    assert.equal(waiting?.state, 'TO_REGISTER');
    await grants(true);
  });

  it("an operator's registration enqueues the Conferma the Segnatura asks for in the registration's own transaction", async () => {
    const id = await store(3);
    // A check at commit: a message registered without its Conferma claimed in the same
    // transaction makes the registration fail (left to the event handler or the job, it would).
    await sql(
      env,
      `create function pec_test_conferma_at_commit() returns trigger language plpgsql as $$
       begin
         if not exists (select 1 from pec_interop_sent s where s.pec_message_id = NEW.id and s.kind = 'conferma') then
           raise exception 'registered without its Conferma in the same transaction';
         end if;
         return null;
       end $$`,
      [],
    );
    await sql(
      env,
      `create constraint trigger pec_test_conferma_at_commit after update on pec_message
         deferrable initially deferred for each row when (NEW.state = 'REGISTERED' and NEW.mailbox_id = '${box}')
         execute function pec_test_conferma_at_commit()`,
      [],
    );
    try {
      await c('protocollista').data(RegisterPecMessageDocument, { id });
    } finally {
      await sql(env, 'drop trigger pec_test_conferma_at_commit on pec_message', []);
      await sql(env, 'drop function pec_test_conferma_at_commit()', []);
    }
    const rows = await sql<{ kind: string; delivery_ids: string[] }>(
      env,
      `select s.kind, s.delivery_ids::text[] as delivery_ids from pec_interop_sent s where s.pec_message_id = $1`,
      [id],
    );
    assert.deepEqual(
      rows.map((r) => [r.kind, r.delivery_ids.length]),
      [['conferma', 1]],
    );
    const [delivery] = await sql<{ recipient_address: string }>(
      env,
      'select recipient_address from pec_delivery where id = $1',
      [rows[0]?.delivery_ids[0]],
    );
    assert.equal(delivery?.recipient_address, SENDER);
  });

  it('registers and assigns in one call: the assignment and the office inbox; CC by conoscenza', async () => {
    const id = await store(4);
    await c('protocollista').data(RegisterPecMessageDocument, {
      id,
      input: { competenza: [ids.uor['RAG'] ?? ''], conoscenza: [{ uorId: ids.uor['TEC'] ?? '' }] },
    });
    const m = await c('protocollista').data(PecMessageDocument, { id });
    const recordId = m.pecMessage.record?.id;
    assert.ok(recordId);
    const assignments = await sql<{ uor_id: string; state: string; prevalent: boolean }>(
      env,
      'select uor_id, state, prevalent from assignment where record_id = $1',
      [recordId],
    );
    assert.deepEqual(assignments, [{ uor_id: ids.uor['RAG'], state: 'DA_ASSEGNARE', prevalent: true }]);
    const inbox = await c('rpa.ragioneria').data(InboxDocument, { kind: 'MY_UORS', first: 50 });
    assert.ok(inbox.inbox.edges.some((e) => e.node.record?.id === recordId));
    const cc = await sql<{ n: string }>(
      env,
      `select count(*) as n from workflow_step where record_id = $1 and action = 'CONOSCENZA'`,
      [recordId],
    );
    assert.equal(Number(cc[0]?.n), 1);
  });

  it('without WORKFLOW_DISPATCH register-and-assign is refused and nothing is registered', async () => {
    const id = await store(5);
    const before = await sql<{ n: string }>(env, 'select count(*) as n from protocol_record', []);
    // No demo profile registers without dispatching: the protocollista's own grants, less WORKFLOW_DISPATCH.
    const base = await systemContext(env.platform, {
      actorId: null,
      requestId: 'no-dispatch',
      agent: 'test',
    });
    const caller = await env.platform.identity.authenticate(
      base.em,
      { id: ids.user['protocollista'] ?? '' },
      romeDay(base.clock.now()),
    );
    assert.ok(caller);
    const builder = new GrantsBuilder();
    for (const g of caller.grants.entries())
      if (g.permission !== 'WORKFLOW_DISPATCH') builder.add(g.aooId, g.permission, g.scope);
    const ctx: RequestContext = {
      ...base,
      user: caller.user,
      grants: builder.build(),
      system: false,
      loaders: new Map(),
    };
    await assert.rejects(
      registerPecMessage(ctx, id, { competenza: [ids.uor['RAG'] ?? ''] }),
      /needs WORKFLOW_DISPATCH/,
    );
    const after = await sql<{ n: string }>(env, 'select count(*) as n from protocol_record', []);
    assert.equal(after[0]?.n, before[0]?.n);
    const [row] = await sql<{ state: string; record_id: string | null }>(
      env,
      'select state, record_id from pec_message where id = $1',
      [id],
    );
    assert.deepEqual(row, { state: 'TO_REGISTER', record_id: null });
    // The same through the API with an office of no AOO of ours: refused, nothing registered.
    const bad = await c('protocollista').request(RegisterPecMessageDocument, {
      id,
      input: { competenza: ['00000000-0000-4000-8000-000000000000'] },
    });
    assert.ok(bad.errors?.length);
    const still = await sql<{ state: string }>(env, 'select state from pec_message where id = $1', [id]);
    assert.equal(still[0]?.state, 'TO_REGISTER');
  });
});
