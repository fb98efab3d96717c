import { ImapFlow } from 'imapflow';
import {
  startDovecot,
  type DovecotOptions,
  type DovecotServer,
} from '../../plugins/pec/simulator/dovecot.js';

export { startDovecot, type DovecotOptions, type DovecotServer };

export interface ImapAccount {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** A message of a mailbox as IMAP returns it: UID and the exact raw bytes (BODY[]). */
export interface FetchedMessage {
  uid: number;
  raw: Buffer;
}

/** Every message of `mailbox` (default INBOX), oldest first, fetched through IMAP with imapflow. */
export async function fetchMailbox(account: ImapAccount, mailbox = 'INBOX'): Promise<FetchedMessage[]> {
  const client = new ImapFlow({
    host: account.host,
    port: account.port,
    secure: false,
    auth: { user: account.user, pass: account.password },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const lock = await client.getMailboxLock(mailbox);
    try {
      const out: FetchedMessage[] = [];
      const exists = typeof client.mailbox === 'object' ? client.mailbox.exists : 0;
      if (exists === 0) return out;
      for await (const m of client.fetch('1:*', { uid: true, source: true })) {
        if (m.source) out.push({ uid: m.uid, raw: m.source });
      }
      return out.sort((a, b) => a.uid - b.uid);
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Polls the mailbox until it holds at least `count` messages (or fails after `timeoutMs`). */
export async function waitForMailbox(
  account: ImapAccount,
  count: number,
  timeoutMs = 5000,
): Promise<FetchedMessage[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const messages = await fetchMailbox(account);
    if (messages.length >= count) return messages;
    if (performance.now() > deadline) {
      throw new Error(
        `${account.user}: ${messages.length} message(s) after ${timeoutMs} ms, expected ${count}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** IMAP APPEND of `raw` into `mailbox` (default INBOX) as the account: a message delivered as it is. */
export async function appendMessage(
  account: ImapAccount,
  raw: Buffer,
  mailbox = 'INBOX',
): Promise<number | undefined> {
  const client = new ImapFlow({
    host: account.host,
    port: account.port,
    secure: false,
    auth: { user: account.user, pass: account.password },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const appended = await client.append(mailbox, raw);
    return appended ? appended.uid : undefined;
  } finally {
    await client.logout().catch(() => client.close());
  }
}
