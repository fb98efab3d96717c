import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreatePecMailboxDocument,
  DiscardPecMessageDocument,
  PecDeliveryChangedDocument,
  PecMailboxChangedDocument,
  PecMessageDocument,
  RegisterPecMessageDocument,
  SendPecAggiornamentoDocument,
  SendProtocolByPecDocument,
  PecMailboxDocument,
  PecMailboxesDocument,
  PecMessagesDocument,
  SetPecMailboxGrantsDocument,
  UpdatePecMailboxDocument,
  type CreatePecMailboxInput,
  type PecMailboxGrantInput,
} from '../../clients/sdk/generated/plugins.js';
import { storeIncomingMessage } from '../../plugins/pec/index.js';
import { systemContext } from '../../server/context.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import { PEO_READERS, peoMessage } from '../harness/pec-peo-parse.js';
import { TypedSubscriber } from '../harness/typed-subscriber.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo, type SecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const PASSWORD = 'S3greta-della-casella!';

function mailboxInput(aooId: string, uorId: string, address: string): CreatePecMailboxInput {
  return {
    aooId,
    uorId,
    address,
    kind: 'PEC',
    description: 'Casella istituzionale',
    imap: { host: 'imap.pec.example.it', port: 993, tls: true, user: address },
    smtp: { host: 'smtp.pec.example.it', port: 465, tls: true, user: address },
    password: PASSWORD,
  };
}

type Outcome = 'ok' | 'FORBIDDEN' | 'NOT_FOUND';

/** Every demo profile, and the RGD of another AOO. */
const ACTORS = [
  'admin',
  'rgd',
  'protocollista',
  'rpa.ragioneria',
  'rpa.tecnico',
  'lettore',
  'segretario',
  'altrove.rgd',
] as const;

/**
 * The expected outcome of each message, send and live operation: the profile gate
 * (PEC_MAILBOX_USE; managing alone does not read messages), then the mailbox's grant (none:
 * NOT_FOUND, as for another AOO; reading without the register right: FORBIDDEN to act), and for
 * what concerns a record, the record's visibility (pecDeliveryChanged: whoever sees the record).
 */
const EXPECTED_MESSAGE_OPS: Record<string, Record<string, string>> = {
  pecMailboxes: {
    admin: 'ok',
    rgd: 'ok',
    protocollista: 'ok',
    'rpa.ragioneria': 'ok',
    'rpa.tecnico': 'ok',
    lettore: 'FORBIDDEN',
    segretario: 'FORBIDDEN',
    'altrove.rgd': 'ok',
  },
  pecMessage: {
    admin: 'FORBIDDEN',
    rgd: 'ok',
    protocollista: 'ok',
    'rpa.ragioneria': 'NOT_FOUND',
    'rpa.tecnico': 'ok',
    lettore: 'FORBIDDEN',
    segretario: 'FORBIDDEN',
    'altrove.rgd': 'NOT_FOUND',
  },
  registerPecMessage: {
    admin: 'FORBIDDEN',
    rgd: 'ok',
    protocollista: 'ok',
    'rpa.ragioneria': 'NOT_FOUND',
    'rpa.tecnico': 'FORBIDDEN',
    lettore: 'FORBIDDEN',
    segretario: 'FORBIDDEN',
    'altrove.rgd': 'NOT_FOUND',
  },
  discardPecMessage: {
    admin: 'FORBIDDEN',
    rgd: 'ok',
    protocollista: 'ok',
    'rpa.ragioneria': 'NOT_FOUND',
    'rpa.tecnico': 'FORBIDDEN',
    lettore: 'FORBIDDEN',
    segretario: 'FORBIDDEN',
    'altrove.rgd': 'NOT_FOUND',
  },
  // Only rgd may send through the mailbox the record's message came in; it is told the record has
  // no Segnatura to update (an ordinary message). Who sees the record but may not send: FORBIDDEN.
  sendPecAggiornamento: {
    admin: 'FORBIDDEN',
    rgd: 'PEC_AGGIORNAMENTO_NO_SEGNATURA',
    protocollista: 'FORBIDDEN',
    'rpa.ragioneria': 'NOT_FOUND',
    'rpa.tecnico': 'NOT_FOUND',
    lettore: 'FORBIDDEN',
    segretario: 'FORBIDDEN',
    'altrove.rgd': 'NOT_FOUND',
  },
  // Only rgd holds the send right (protocollista's grant has none): the others do not find the mailbox.
  sendProtocolByPec: {
    admin: 'FORBIDDEN',
    rgd: 'PEC_SEND_NOT_PARTENZA',
    protocollista: 'NOT_FOUND',
    'rpa.ragioneria': 'NOT_FOUND',
    'rpa.tecnico': 'NOT_FOUND',
    lettore: 'FORBIDDEN',
    segretario: 'FORBIDDEN',
    'altrove.rgd': 'NOT_FOUND',
  },
  pecMailboxChanged: {
    admin: 'FORBIDDEN',
    rgd: 'ok',
    protocollista: 'ok',
    'rpa.ragioneria': 'NOT_FOUND',
    'rpa.tecnico': 'ok',
    lettore: 'FORBIDDEN',
    segretario: 'FORBIDDEN',
    'altrove.rgd': 'NOT_FOUND',
  },
  pecDeliveryChanged: {
    admin: 'NOT_FOUND',
    rgd: 'ok',
    protocollista: 'ok',
    'rpa.ragioneria': 'NOT_FOUND',
    'rpa.tecnico': 'NOT_FOUND',
    lettore: 'NOT_FOUND',
    segretario: 'ok',
    'altrove.rgd': 'NOT_FOUND',
  },
};

/**
 * Mailboxes of the PEC plugin: creation and validation, the password kept only encrypted and
 * never readable, grants to users and offices deciding who sees which mailbox, and the ACL
 * matrix of every mailbox operation × the demo profiles × a user of another AOO.
 */
describe('PEC mailboxes', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let other: SecondAoo;
  const clients = new Map<string, GraphqlClient>();
  const c = (u: string): GraphqlClient => {
    const client = clients.get(u);
    assert.ok(client, u);
    return client;
  };
  let mailboxId = '';

  before(async () => {
    env = await startTestEnv({ plugins: ['pec'] });
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    other = await createSecondAoo(admin);
    await createMember(admin, other.aooId, other.uorId, 'altrove.rgd', 'RGD');
    for (const u of [
      'admin',
      'rgd',
      'protocollista',
      'rpa.ragioneria',
      'rpa.tecnico',
      'lettore',
      'segretario',
      'altrove.rgd',
    ]) {
      clients.set(u, await env.asUser(u));
    }
    const created = await c('rgd').data(CreatePecMailboxDocument, {
      input: mailboxInput(ids.aooId, ids.uor['PROT'] ?? '', 'Protocollo@PEC.Comune.Esempio.it'),
    });
    mailboxId = created.createPecMailbox.id;
    await c('rgd').data(SetPecMailboxGrantsDocument, {
      mailboxId,
      grants: [
        { userId: ids.user['protocollista'], canRead: true, canRegister: true, canSend: false },
        { uorId: ids.uor['TEC'], canRead: true, canRegister: false, canSend: false },
      ],
    });
  });
  after(async () => {
    await env?.close();
  });

  it('creates a mailbox with its settings, the address in lower case, and says only whether a password is set', async () => {
    const r = await c('rgd').data(PecMailboxDocument, { id: mailboxId });
    const m = r.pecMailbox;
    assert.equal(m.address, 'protocollo@pec.comune.esempio.it');
    assert.equal(m.kind, 'PEC');
    assert.deepEqual(m.imap, {
      host: 'imap.pec.example.it',
      port: 993,
      tls: true,
      user: 'Protocollo@PEC.Comune.Esempio.it',
    });
    assert.equal(m.hasPassword, true);
    assert.equal(m.active, true);
    assert.equal(m.autoRegister, false);
    assert.equal(m.uorId, ids.uor['PROT']);
    assert.deepEqual(m.myRights, { read: true, register: true, send: true });
  });

  it('no field of the schema returns the password, and the column holds no plaintext', async () => {
    const types = await env.anonymous.data<{
      __schema: { types: Array<{ name: string; fields: Array<{ name: string }> | null }> };
    }>(`{ __schema { types { name fields { name } } } }`);
    const mailboxType = types.__schema.types.find((t) => t.name === 'PecMailbox');
    assert.ok(mailboxType?.fields?.some((f) => f.name === 'hasPassword'));
    for (const t of types.__schema.types) {
      for (const f of t.fields ?? []) {
        assert.ok(!/password|secret|cipher/i.test(f.name) || f.name === 'hasPassword', `${t.name}.${f.name}`);
      }
    }
    const [row] = await sql<{ password_cipher: Buffer }>(
      env,
      'select password_cipher from pec_mailbox where id = $1',
      [mailboxId],
    );
    assert.ok(row);
    assert.ok(row.password_cipher.length >= 12 + 16 + Buffer.byteLength(PASSWORD));
    assert.equal(row.password_cipher.includes(Buffer.from(PASSWORD)), false);
    assert.equal(row.password_cipher.toString('latin1').includes('S3greta'), false);
    // The same plaintext twice gives two ciphers (random iv).
    await c('rgd').data(UpdatePecMailboxDocument, { input: { id: mailboxId, password: PASSWORD } });
    const [again] = await sql<{ password_cipher: Buffer }>(
      env,
      'select password_cipher from pec_mailbox where id = $1',
      [mailboxId],
    );
    assert.ok(again && !again.password_cipher.equals(row.password_cipher));
    // And it decrypts to the password for the mail clients only (the plugin's export).
    const { decryptMailboxPassword } = await import('../../plugins/pec/index.js');
    assert.equal(
      await decryptMailboxPassword(env.platform.orm.em.fork(), mailboxId, again.password_cipher),
      PASSWORD,
    );
    // Bound to its row: the cipher of one mailbox does not open as another's.
    await assert.rejects(
      decryptMailboxPassword(env.platform.orm.em.fork(), ids.aooId, again.password_cipher),
    );
  });

  it('refuses a duplicate address in the AOO (in any case) and bad settings, with their codes', async () => {
    const dup = await c('rgd').request(CreatePecMailboxDocument, {
      input: mailboxInput(ids.aooId, ids.uor['PROT'] ?? '', 'PROTOCOLLO@pec.comune.esempio.it'),
    });
    assert.equal(errorCode(dup), 'PEC_MAILBOX_ADDRESS_TAKEN');
    const bad = async (patch: Partial<CreatePecMailboxInput>, field: string): Promise<void> => {
      const r = await c('rgd').request(CreatePecMailboxDocument, {
        input: { ...mailboxInput(ids.aooId, ids.uor['PROT'] ?? '', 'altra@pec.comune.esempio.it'), ...patch },
      });
      assert.equal(errorCode(r), 'BAD_USER_INPUT', JSON.stringify(r.errors));
      assert.equal(r.errors?.[0]?.extensions?.['field'], field);
    };
    await bad({ address: 'not an address' }, 'input.address');
    await bad({ imap: { host: 'imap.example.it', port: 70000, tls: true, user: 'x' } }, 'input.imap.port');
    await bad({ smtp: { host: 'bad host!', port: 25, tls: false, user: 'x' } }, 'input.smtp.host');
    await bad({ description: '  ' }, 'input.description');
    await bad({ uorId: other.uorId }, 'input.uorId');
    // The same address in another AOO is another mailbox.
    const elsewhere = await c('altrove.rgd').data(CreatePecMailboxDocument, {
      input: mailboxInput(other.aooId, other.uorId, 'protocollo@pec.comune.esempio.it'),
    });
    assert.equal(elsewhere.createPecMailbox.aooId, other.aooId);
  });

  it('updates settings, clears the password with an empty string, and audits without the secret', async () => {
    const r = await c('admin').data(UpdatePecMailboxDocument, {
      input: {
        id: mailboxId,
        description: 'Casella del protocollo',
        autoRegister: true,
        registrarId: ids.user['protocollista'],
        password: '',
      },
    });
    assert.equal(r.updatePecMailbox.registrarId, ids.user['protocollista']);
    assert.equal(r.updatePecMailbox.description, 'Casella del protocollo');
    assert.equal(r.updatePecMailbox.autoRegister, true);
    assert.equal(r.updatePecMailbox.hasPassword, false);
    assert.ok(r.updatePecMailbox.updatedAt);
    const [row] = await sql<{ password_cipher: Buffer | null }>(
      env,
      'select password_cipher from pec_mailbox where id = $1',
      [mailboxId],
    );
    assert.equal(row?.password_cipher, null);
    await c('admin').data(UpdatePecMailboxDocument, {
      input: { id: mailboxId, password: PASSWORD, autoRegister: false },
    });
    const audit = await sql<{ operation: string; changes: string }>(
      env,
      `select operation, changes::text as changes from audit_event where target_id = $1 order by id`,
      [mailboxId],
    );
    assert.deepEqual(
      audit.map((a) => a.operation),
      [
        'pec.mailbox.create',
        'pec.mailbox.grants',
        'pec.mailbox.update',
        'pec.mailbox.update',
        'pec.mailbox.update',
      ],
    );
    for (const a of audit) assert.equal(a.changes.includes('S3greta'), false, a.changes);
    assert.match(audit[3]?.changes ?? '', /"password": ?"removed"/);
  });

  it('validates grants: one holder, reading implied, no duplicates, only users and offices of the AOO', async () => {
    const bad = async (grants: PecMailboxGrantInput[]): Promise<void> => {
      const r = await c('rgd').request(SetPecMailboxGrantsDocument, { mailboxId, grants });
      assert.equal(errorCode(r), 'PEC_GRANT_INVALID', JSON.stringify(r.errors));
    };
    await bad([{ canRead: true, canRegister: false, canSend: false }]);
    await bad([
      {
        userId: ids.user['lettore'],
        uorId: ids.uor['RAG'],
        canRead: true,
        canRegister: false,
        canSend: false,
      },
    ]);
    await bad([{ userId: ids.user['lettore'], canRead: false, canRegister: true, canSend: false }]);
    await bad([{ userId: ids.user['lettore'], canRead: false, canRegister: false, canSend: false }]);
    await bad([
      { uorId: ids.uor['RAG'], canRead: true, canRegister: false, canSend: false },
      { uorId: ids.uor['RAG'], canRead: true, canRegister: false, canSend: true },
    ]);
    await bad([{ uorId: other.uorId, canRead: true, canRegister: false, canSend: false }]);
    await bad([{ userId: ids.user['altrove.rgd'], canRead: true, canRegister: false, canSend: false }]);
    // Nothing changed: the grants are the ones set before.
    const list = await c('rgd').data(PecMailboxesDocument, { aooId: ids.aooId });
    const mine = list.pecMailboxes.find((m) => m.id === mailboxId);
    assert.equal(mine?.grants.length, 2);
  });

  it('shows each caller only the mailboxes they manage or read, with their rights; never another AOO', async () => {
    const seen = async (u: string): Promise<Record<string, unknown>> => {
      const r = await c(u).request(PecMailboxesDocument, {});
      if (r.errors?.length) return { error: errorCode(r) };
      return Object.fromEntries(
        (r.data?.pecMailboxes ?? []).map((m) => [
          m.address + '@' + (m.aooId === ids.aooId ? 'demo' : 'other'),
          m.myRights,
        ]),
      );
    };
    const none = { read: false, register: false, send: false };
    const all = { read: true, register: true, send: true };
    const key = 'protocollo@pec.comune.esempio.it@demo';
    assert.deepEqual(await seen('rgd'), { [key]: all });
    assert.deepEqual(await seen('admin'), { [key]: none });
    assert.deepEqual(await seen('protocollista'), { [key]: { read: true, register: true, send: false } });
    assert.deepEqual(await seen('rpa.tecnico'), { [key]: { read: true, register: false, send: false } });
    assert.deepEqual(await seen('rpa.ragioneria'), {});
    assert.deepEqual(await seen('lettore'), { error: 'FORBIDDEN' });
    assert.deepEqual(await seen('altrove.rgd'), { 'protocollo@pec.comune.esempio.it@other': all });
    // Grants are shown to managers only.
    const byManager = await c('rgd').data(PecMailboxesDocument, {});
    assert.equal(byManager.pecMailboxes[0]?.grants.length, 2);
    const byUser = await c('protocollista').data(PecMailboxesDocument, {});
    assert.deepEqual(byUser.pecMailboxes[0]?.grants, []);
  });

  it('ACL matrix: every mailbox operation × the demo profiles × another AOO', async () => {
    const actors = [
      'admin',
      'rgd',
      'protocollista',
      'rpa.ragioneria',
      'rpa.tecnico',
      'lettore',
      'segretario',
      'altrove.rgd',
    ];
    const ops: Record<
      string,
      (u: string) => Promise<{ errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }>
    > = {
      pecMailbox: (u) => c(u).request(PecMailboxDocument, { id: mailboxId }),
      pecMessages: (u) => c(u).request(PecMessagesDocument, { mailboxId, first: 5 }),
      updatePecMailbox: (u) =>
        c(u).request(UpdatePecMailboxDocument, { input: { id: mailboxId, description: `by ${u}` } }),
      setPecMailboxGrants: (u) =>
        c(u).request(SetPecMailboxGrantsDocument, {
          mailboxId,
          grants: [
            { userId: ids.user['protocollista'], canRead: true, canRegister: true, canSend: false },
            { uorId: ids.uor['TEC'], canRead: true, canRegister: false, canSend: false },
          ],
        }),
      createPecMailbox: (u) =>
        c(u).request(CreatePecMailboxDocument, {
          input: mailboxInput(
            ids.aooId,
            ids.uor['PROT'] ?? '',
            `m.${u.replace(/\W/g, '')}@pec.comune.esempio.it`,
          ),
        }),
    };
    const expected: Record<string, Record<string, Outcome>> = {
      pecMailbox: {
        admin: 'ok',
        rgd: 'ok',
        protocollista: 'ok',
        'rpa.ragioneria': 'NOT_FOUND',
        'rpa.tecnico': 'ok',
        lettore: 'FORBIDDEN',
        segretario: 'FORBIDDEN',
        'altrove.rgd': 'NOT_FOUND',
      },
      pecMessages: {
        admin: 'FORBIDDEN',
        rgd: 'ok',
        protocollista: 'ok',
        'rpa.ragioneria': 'NOT_FOUND',
        'rpa.tecnico': 'ok',
        lettore: 'FORBIDDEN',
        segretario: 'FORBIDDEN',
        'altrove.rgd': 'NOT_FOUND',
      },
      updatePecMailbox: {
        admin: 'ok',
        rgd: 'ok',
        protocollista: 'FORBIDDEN',
        'rpa.ragioneria': 'FORBIDDEN',
        'rpa.tecnico': 'FORBIDDEN',
        lettore: 'FORBIDDEN',
        segretario: 'FORBIDDEN',
        'altrove.rgd': 'NOT_FOUND',
      },
      setPecMailboxGrants: {
        admin: 'ok',
        rgd: 'ok',
        protocollista: 'FORBIDDEN',
        'rpa.ragioneria': 'FORBIDDEN',
        'rpa.tecnico': 'FORBIDDEN',
        lettore: 'FORBIDDEN',
        segretario: 'FORBIDDEN',
        'altrove.rgd': 'NOT_FOUND',
      },
      createPecMailbox: {
        admin: 'ok',
        rgd: 'ok',
        protocollista: 'FORBIDDEN',
        'rpa.ragioneria': 'FORBIDDEN',
        'rpa.tecnico': 'FORBIDDEN',
        lettore: 'FORBIDDEN',
        segretario: 'FORBIDDEN',
        'altrove.rgd': 'FORBIDDEN',
      },
    };
    const got: Record<string, Record<string, Outcome>> = {};
    for (const [op, call] of Object.entries(ops)) {
      got[op] = {};
      for (const u of actors) {
        const r = await call(u);
        const code = r.errors?.[0]?.extensions?.['code'];
        got[op][u] = r.errors?.length ? (code as Outcome) : 'ok';
      }
    }
    assert.deepEqual(got, expected);
    // A hidden mailbox answers exactly as a missing one.
    const hidden = await c('altrove.rgd').request(PecMailboxDocument, { id: mailboxId });
    const missing = await c('altrove.rgd').request(PecMailboxDocument, {
      id: '00000000-0000-4000-8000-000000000000',
    });
    assert.equal(
      hidden.errors?.[0]?.message.replace(mailboxId, '<id>'),
      missing.errors?.[0]?.message.replace('00000000-0000-4000-8000-000000000000', '<id>'),
    );
  });

  it('ACL matrix: the message, send and live operations × the demo profiles × grant or none × another AOO', async () => {
    // The grants of the matrix: protocollista READ+REGISTER (a user grant), rpa.tecnico READ
    // (through the office TEC), rpa.ragioneria none; rgd every right (manages and uses).
    await c('rgd').data(SetPecMailboxGrantsDocument, {
      mailboxId,
      grants: [
        { userId: ids.user['protocollista'], canRead: true, canRegister: true, canSend: false },
        { uorId: ids.uor['TEC'], canRead: true, canRegister: false, canSend: false },
      ],
    });
    let serial = 0;
    const store = async (): Promise<string> => {
      const ctx = await systemContext(env.platform, {
        actorId: null,
        requestId: `acl-${++serial}`,
        agent: 'test',
      });
      const raw = peoMessage({ messageId: `<acl-${serial}@example.it>`, subject: `Matrice ${serial}` });
      return (await storeIncomingMessage(ctx, mailboxId, raw, null, PEO_READERS)).message.id;
    };
    const shared = await store();
    // A record registered from the mailbox (an ARRIVO): the send and its live changes are asked on it.
    const registered = await store();
    const reg = await c('rgd').data(RegisterPecMessageDocument, { id: registered });
    const recordId = reg.registerPecMessage.recordId ?? '';
    assert.ok(recordId);
    type Reply = { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> };
    const ops: Record<string, (u: string) => Promise<Reply>> = {
      pecMailboxes: (u) => c(u).request(PecMailboxesDocument, { aooId: ids.aooId }),
      pecMessage: (u) => c(u).request(PecMessageDocument, { id: shared }),
      // Each caller acts on a message of their own, so an allowed act does not hide the next one's outcome.
      registerPecMessage: async (u) => c(u).request(RegisterPecMessageDocument, { id: await store() }),
      discardPecMessage: async (u) =>
        c(u).request(DiscardPecMessageDocument, { id: await store(), reason: `scartato da ${u}` }),
      // An ARRIVO record: whoever passes the gate, the record's visibility and the send grant is
      // told it is not a partenza (nothing is sent).
      sendProtocolByPec: (u) => c(u).request(SendProtocolByPecDocument, { recordId, mailboxId }),
      // A record registered from an ordinary message: whoever may send through the mailbox it
      // came in is told there is no Segnatura to update.
      sendPecAggiornamento: (u) => c(u).request(SendPecAggiornamentoDocument, { recordId }),
    };
    const expected: Record<string, Record<string, string>> = {};
    const got: Record<string, Record<string, string>> = {};
    for (const [op, call] of Object.entries(ops)) {
      got[op] = {};
      for (const u of ACTORS) {
        const r = await call(u);
        const code = r.errors?.[0]?.extensions?.['code'];
        got[op][u] = r.errors?.length ? String(code) : 'ok';
      }
    }
    // Subscriptions: refused ones answer with an error at once; an allowed one stays open silent.
    const subscribed = async (
      open: (token: string) => Promise<{ errors(): unknown[]; close(): void }>,
    ): Promise<Record<string, string>> => {
      const subs = await Promise.all(
        ACTORS.map(async (u) => [u, await open(await env.tokenFor(u))] as const),
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const out: Record<string, string> = {};
      for (const [u, sub] of subs) {
        const error = sub.errors()[0] as { extensions?: { code?: string } } | undefined;
        out[u] = error ? String(error.extensions?.code) : 'ok';
        sub.close();
      }
      return out;
    };
    got['pecMailboxChanged'] = await subscribed((token) =>
      TypedSubscriber.open(
        env.wsUrl,
        token,
        PecMailboxChangedDocument,
        { mailboxId },
        (d) => d.pecMailboxChanged,
      ),
    );
    got['pecDeliveryChanged'] = await subscribed((token) =>
      TypedSubscriber.open(
        env.wsUrl,
        token,
        PecDeliveryChangedDocument,
        { recordId },
        (d) => d.pecDeliveryChanged,
      ),
    );
    Object.assign(expected, EXPECTED_MESSAGE_OPS);
    assert.deepEqual(got, expected);
  });

  it('a grant taken away hides the mailbox at once', async () => {
    await c('rgd').data(SetPecMailboxGrantsDocument, {
      mailboxId,
      grants: [{ userId: ids.user['protocollista'], canRead: true, canRegister: true, canSend: false }],
    });
    assert.equal(
      errorCode(await c('rpa.tecnico').request(PecMailboxDocument, { id: mailboxId })),
      'NOT_FOUND',
    );
    assert.equal(errorCode(await c('rpa.tecnico').request(PecMessagesDocument, { mailboxId })), 'NOT_FOUND');
    const p = await c('protocollista').data(PecMailboxDocument, { id: mailboxId });
    assert.equal(p.pecMailbox.myRights.read, true);
  });
});
