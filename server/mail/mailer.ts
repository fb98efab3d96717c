/** A message the platform sends: plain text always, HTML optionally as its alternative. */
export interface OutgoingMail {
  /** Recipients; an address named twice (in any case) receives the message once. */
  to: readonly string[];
  cc?: readonly string[];
  /** One line: line breaks are turned into spaces. */
  subject: string;
  text: string;
  html?: string;
  /** Extra header fields (e.g. `X-Dms-Record`); a single-line value each. */
  headers?: Readonly<Record<string, string>>;
}

export interface SentMail {
  /** The Message-ID header of what was sent, to trace it in the server's logs. */
  messageId: string;
  accepted: string[];
  /** Recipients the server refused while taking the message for the others: not retried. */
  rejected: string[];
}

/**
 * Outgoing e-mail of the platform (`platform.mailer`, null when SMTP_URL is unset). Modules
 * send from jobs, never inside a request's transaction: a job enqueued in the transaction that
 * causes the message runs once it commits, and is retried when `send` throws.
 */
export interface Mailer {
  /** MAIL_FROM, the sender of every message. */
  readonly from: string;
  /**
   * Hands the message to the SMTP server. Resolves once the server has accepted it for at least
   * one recipient; otherwise throws a MailDeliveryError (`permanent` says whether trying again
   * can help).
   */
  send(mail: OutgoingMail): Promise<SentMail>;
  /** Closes pooled connections; messages being sent finish first. */
  close(): Promise<void>;
}

/**
 * Sending failed. Transient (`permanent` false): the server was unreachable, timed out, or
 * answered 4xx; a job that lets this propagate is retried. Permanent: the server refused the
 * message or every recipient with 5xx, or the message itself is malformed (a bad address):
 * retrying sends the same refusal, so a job may log it and stop.
 */
export class MailDeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    /** The SMTP reply code, when the server answered. */
    readonly responseCode: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MailDeliveryError';
  }
}
