import { createTransport } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { MailDeliveryError } from '../../../server/mail/mailer.js';

/** The SMTP submission account of a PEC mailbox (the provider's server), password in clear. */
export interface SmtpAccount {
  host: string;
  port: number;
  /** Implicit TLS (465); otherwise STARTTLS when the server offers it. */
  tls: boolean;
  user: string;
  password: string;
}

/** What the provider's server said once it took the message. */
export interface Submitted {
  accepted: string[];
  rejected: string[];
  response: string;
}

/** How long a provider's server may keep us waiting at each step. */
const TIMEOUT_MS = 60_000;

/**
 * Hands one message to the mailbox's provider over SMTP (nodemailer, one connection per
 * submission: each mailbox has its own server and account). Throws a MailDeliveryError whose
 * `permanent` says whether trying again can help: 5xx to the envelope or the data is the
 * provider's refusal of this message; connection, timeout, authentication and 4xx may pass.
 */
export async function submitPecMessage(account: SmtpAccount, message: Mail.Options): Promise<Submitted> {
  const transport = createTransport({
    host: account.host,
    port: account.port,
    secure: account.tls,
    auth: { user: account.user, pass: account.password },
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
    // Messages are built from stored bytes, never from files or URLs named in data.
    disableFileAccess: true,
    disableUrlAccess: true,
    // nodemailer's own logger would print the SMTP dialogue, AUTH included.
    logger: false,
    debug: false,
  });
  try {
    const info = await transport.sendMail(message);
    const addressOf = (a: string | Mail.Address): string => (typeof a === 'string' ? a : String(a.address));
    const accepted = info.accepted.map(addressOf);
    if (accepted.length === 0) {
      throw new MailDeliveryError(`The provider accepted no recipient: ${info.response}`, true, undefined);
    }
    return { accepted, rejected: info.rejected.map(addressOf), response: info.response };
  } catch (err) {
    throw err instanceof MailDeliveryError ? err : classify(err);
  } finally {
    transport.close();
  }
}

interface SmtpFailure {
  code?: unknown;
  responseCode?: unknown;
  message?: unknown;
}

function classify(err: unknown): MailDeliveryError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SmtpFailure;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const refused = e.code === 'EENVELOPE' || e.code === 'EMESSAGE';
  const permanent = refused && responseCode !== undefined && responseCode >= 500;
  const message = typeof e.message === 'string' ? e.message : String(err);
  return new MailDeliveryError(message.slice(0, 1900), permanent, responseCode, { cause: err });
}
