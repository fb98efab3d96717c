import { ImapFlow } from 'imapflow';
import { randomUUID } from 'node:crypto';
import {
  CreatePecMailboxDocument,
  UpdatePecMailboxDocument,
  PecMessagesDocument,
  SetPecMailboxGrantsDocument,
  type PecMessageState,
} from '../../clients/sdk/generated/plugins.js';
import type { GraphqlClient } from './graphql-client.js';
import type { ImapAccount } from './dovecot.js';

/** A client of the account, connected (the caller logs out). */
export async function imapClient(account: ImapAccount): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: account.host,
    port: account.port,
    secure: false,
    auth: { user: account.user, pass: account.password },
    logger: false,
    disableAutoIdle: true,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function withImap<T>(account: ImapAccount, work: (c: ImapFlow) => Promise<T>): Promise<T> {
  const client = await imapClient(account);
  try {
    return await work(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Puts a message in the INBOX as a delivery would (IMAP APPEND). */
export async function deliver(account: ImapAccount, raw: Buffer): Promise<void> {
  await withImap(account, async (c) => {
    await c.append('INBOX', raw);
  });
}

/** UID → flags of every message of the INBOX. */
export async function inboxFlags(account: ImapAccount): Promise<Map<number, Set<string>>> {
  return withImap(account, async (c) => {
    const lock = await c.getMailboxLock('INBOX');
    try {
      const out = new Map<number, Set<string>>();
      const box = c.mailbox;
      if (typeof box !== 'object' || box.exists === 0) return out;
      for await (const m of c.fetch('1:*', { uid: true, flags: true })) out.set(m.uid, m.flags ?? new Set());
      return out;
    } finally {
      lock.release();
    }
  });
}

/** Removes a flag from every message (as if the marking after a commit had been lost). */
export async function clearFlag(account: ImapAccount, flag: string): Promise<void> {
  await withImap(account, async (c) => {
    const lock = await c.getMailboxLock('INBOX');
    try {
      await c.messageFlagsRemove('1:*', [flag]);
    } finally {
      lock.release();
    }
  });
}

/** An ordinary e-mail (PEO) with a fresh Message-ID, CRLF line ends. */
export function peoMessage(options: { from: string; to: string; subject: string; body?: string }): {
  raw: Buffer;
  messageId: string;
} {
  const messageId = `<${randomUUID()}@mittente.example.it>`;
  const raw = [
    `From: Mario Rossi <${options.from}>`,
    `To: <${options.to}>`,
    `Subject: ${options.subject}`,
    'Date: Sat, 05 Dec 2026 09:15:00 +0100',
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    options.body ?? `Gentili uffici, ${options.subject}.`,
    '',
  ].join('\r\n');
  return { raw: Buffer.from(raw, 'utf8'), messageId };
}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface IngestMailbox {
  id: string;
  account: ImapAccount;
}

/**
 * A PEC mailbox of the AOO on the given IMAP account, its register right granted to `registrarId`,
 * who is also its registrar (the user automatic registrations are recorded as). Registering
 * automatically is switched on after the grant: the registrar must hold the mailbox's register
 * right when named.
 */
export async function createIngestMailbox(
  rgd: GraphqlClient,
  input: {
    aooId: string;
    uorId: string;
    account: ImapAccount;
    registrarId: string;
    autoRegister: boolean;
    sendRegistrationReceipt?: boolean;
    smtp?: { host: string; port: number };
    kind?: 'PEC' | 'PEO';
  },
): Promise<IngestMailbox> {
  const created = await rgd.data(CreatePecMailboxDocument, {
    input: {
      aooId: input.aooId,
      uorId: input.uorId,
      address: input.account.user,
      kind: input.kind ?? 'PEC',
      description: 'Casella di prova dell’ingest',
      imap: { host: input.account.host, port: input.account.port, tls: false, user: input.account.user },
      smtp: {
        host: input.smtp?.host ?? '127.0.0.1',
        port: input.smtp?.port ?? 2525,
        tls: false,
        user: input.account.user,
      },
      password: input.account.password,
      autoRegister: false,
      sendRegistrationReceipt: input.sendRegistrationReceipt ?? false,
    },
  });
  const id = created.createPecMailbox.id;
  await rgd.data(SetPecMailboxGrantsDocument, {
    mailboxId: id,
    grants: [{ userId: input.registrarId, canRead: true, canRegister: true, canSend: true }],
  });
  await rgd.data(UpdatePecMailboxDocument, {
    input: { id, registrarId: input.registrarId, autoRegister: input.autoRegister },
  });
  return { id, account: input.account };
}

/** The mailbox's messages as an operator sees them (first 100). */
export async function messagesOf(client: GraphqlClient, mailboxId: string, state?: PecMessageState) {
  const page = await client.data(PecMessagesDocument, { mailboxId, first: 100, ...(state ? { state } : {}) });
  return page.pecMessages.edges.map((e) => e.node);
}
