import {
  startPecProvider,
  type PecProvider,
  type PecProviderOptions,
} from '../../plugins/pec/simulator/provider.js';
import { fetchMailbox, waitForMailbox, type FetchedMessage, type ImapAccount } from './dovecot.js';

export { startPecProvider, type PecProvider, type PecProviderOptions, type FetchedMessage };

/** Two AOOs' mailboxes on two simulated providers: the usual pair of the PEC tests. */
export const DEMO_MAILBOXES = [
  { address: 'protocollo@pec.aoo-a.example.it', password: 'password-a' },
  { address: 'protocollo@pec.aoo-b.example.it', password: 'password-b' },
] as const;

/** A provider serving pec.aoo-a.example.it and pec.aoo-b.example.it with the demo mailboxes (unless told otherwise). */
export async function startTestPecProvider(options: Partial<PecProviderOptions> = {}): Promise<PecProvider> {
  return await startPecProvider({
    domains: options.domains ?? ['pec.aoo-a.example.it', 'pec.aoo-b.example.it'],
    mailboxes: options.mailboxes ?? DEMO_MAILBOXES.map((m) => ({ ...m })),
    ...options,
  });
}

/** IMAP account of one of the provider's mailboxes. */
export function imapAccount(provider: PecProvider, address: string): ImapAccount {
  const mailbox = provider.mailboxes().find((m) => m.address === address.toLowerCase());
  if (!mailbox) throw new Error(`No mailbox ${address}`);
  return {
    host: provider.imap.host,
    port: provider.imap.port,
    user: mailbox.address,
    password: mailbox.password,
  };
}

/** The INBOX of a mailbox, as raw bytes through IMAP. */
export async function inbox(provider: PecProvider, address: string): Promise<FetchedMessage[]> {
  return await fetchMailbox(imapAccount(provider, address));
}

/** The INBOX once it holds at least `count` messages. */
export async function waitForInbox(
  provider: PecProvider,
  address: string,
  count: number,
  timeoutMs = 5000,
): Promise<FetchedMessage[]> {
  return await waitForMailbox(imapAccount(provider, address), count, timeoutMs);
}
