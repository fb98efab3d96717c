import { createTransport, type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { MailConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { isMailAddress } from './address.js';
import { MailDeliveryError, type Mailer, type OutgoingMail, type SentMail } from './mailer.js';

// Set by the composer from the message itself; a caller's copy would contradict it.
const RESERVED_HEADERS = new Set([
  'from',
  'sender',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);

/** The platform's mailer over SMTP (nodemailer, pooled connections). */
export class SmtpMailer implements Mailer {
  readonly from: string;
  private readonly transport: Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;
  private closed = false;

  constructor(
    private readonly config: MailConfig,
    private readonly logger: Logger,
  ) {
    this.from = config.from.address;
    this.transport = createTransport({
      pool: true,
      // A few notices at once; the server's own limits decide the rest.
      maxConnections: 3,
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: config.requireTls,
      auth: config.user === undefined ? undefined : { user: config.user, pass: config.password ?? '' },
      connectionTimeout: config.timeoutMs,
      greetingTimeout: config.timeoutMs,
      socketTimeout: config.timeoutMs,
      // Messages are built from data, never from files or URLs named in it.
      disableFileAccess: true,
      disableUrlAccess: true,
      // nodemailer's own logger would print the SMTP dialogue, AUTH included.
      logger: false,
      debug: false,
    });
  }

  async send(mail: OutgoingMail): Promise<SentMail> {
    if (this.closed) throw new MailDeliveryError('The mailer is closed (shutting down)', false, undefined);
    const to = distinct(mail.to);
    const cc = distinct(mail.cc ?? []).filter((a) => !to.some((t) => sameAddress(t, a)));
    for (const address of [...to, ...cc]) {
      if (!isMailAddress(address)) {
        throw new MailDeliveryError(`Not an e-mail address: ${JSON.stringify(address)}`, true, undefined);
      }
    }
    if (to.length === 0)
      throw new MailDeliveryError('A message needs at least one recipient', true, undefined);
    // RFC 3834: out-of-office responders and list servers do not answer automatic mail.
    const headers = { 'Auto-Submitted': 'auto-generated', ...checkedHeaders(mail.headers ?? {}) };
    const started = process.hrtime.bigint();
    let info: SMTPPool.SentMessageInfo;
    try {
      info = await this.transport.sendMail({
        from: { name: this.config.from.name, address: this.config.from.address },
        to,
        cc: cc.length > 0 ? cc : undefined,
        subject: oneLine(mail.subject),
        text: mail.text,
        html: mail.html,
        headers,
      });
    } catch (err) {
      throw deliveryError(err);
    }
    const sent: SentMail = {
      messageId: info.messageId,
      accepted: info.accepted.map(addressOf),
      rejected: info.rejected.map(addressOf),
    };
    // Counts only: recipients are people's addresses, and the logs are not the place for them.
    this.logger.info(
      {
        messageId: sent.messageId,
        accepted: sent.accepted.length,
        rejected: sent.rejected.length,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      },
      sent.rejected.length > 0 ? 'mail sent, some recipients refused' : 'mail sent',
    );
    return sent;
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      // Idle connections close now; one carrying a message closes once it is sent.
      this.transport.close();
    }
    return Promise.resolve();
  }
}

function distinct(addresses: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of addresses) {
    const address = raw.trim();
    if (!out.some((a) => sameAddress(a, address))) out.push(address);
  }
  return out;
}

// Domains are case-insensitive; local parts in practice too (and a duplicate notice is the harm).
function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function oneLine(subject: string): string {
  // eslint-disable-next-line no-control-regex
  return subject.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

function checkedHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new MailDeliveryError(
        `Header ${JSON.stringify(name)} may not be set by the sender`,
        true,
        undefined,
      );
    }
    // eslint-disable-next-line no-control-regex
    if (/[\r\n\u0000]/.test(value)) {
      throw new MailDeliveryError(`Header ${name} must be one line`, true, undefined);
    }
  }
  return { ...headers };
}

function addressOf(a: string | { address: string }): string {
  return typeof a === 'string' ? a : a.address;
}

interface SmtpFailure {
  code?: unknown;
  responseCode?: unknown;
  message?: unknown;
}

/**
 * Permanent only when the server refused this message (5xx to the envelope or the data):
 * connection, TLS, timeout and authentication failures are the server's or the configuration's,
 * and may pass.
 */
function deliveryError(err: unknown): MailDeliveryError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SmtpFailure;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const refused = e.code === 'EENVELOPE' || e.code === 'EMESSAGE';
  const permanent = refused && responseCode !== undefined && responseCode >= 500;
  const message = typeof e.message === 'string' ? e.message : String(err);
  return new MailDeliveryError(`Mail not sent: ${message}`, permanent, responseCode, { cause: err });
}
