import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** A message as the server took it: the SMTP envelope, the raw bytes, and a minimal reading. */
export interface ReceivedMail {
  /** MAIL FROM */
  from: string;
  /** RCPT TO, in order */
  to: string[];
  /** The AUTH user of the session (undefined: none). */
  authUser: string | undefined;
  raw: string;
  /** Header fields, names in lower case, unfolded; encoded words (RFC 2047) decoded. */
  headers: Map<string, string>;
  subject: string;
  /** The text/plain part, decoded. */
  text: string;
  /** The text/html part, decoded, when there is one. */
  html: string | undefined;
}

export interface SmtpTestServerOptions {
  /** Require AUTH with this account (otherwise AUTH is optional and any account passes). */
  account?: { user: string; password: string };
  /**
   * Runs once a message's data is in, before the server answers it (accepted messages only): a
   * test does there what happens while the client waits for the 250 (a receipt racing the
   * sender's commit, the sender's process dying).
   */
  beforeAccept?: (raw: string) => Promise<void> | void;
}

export interface SmtpTestServer {
  host: string;
  port: number;
  /** smtp://[user:password@]127.0.0.1:PORT, the form SMTP_URL takes. */
  url: string;
  received: ReceivedMail[];
  /** Messages refused by rejectNext so far. */
  refusedCount: number;
  /** The next `count` messages are refused at the end of DATA with `code` (4xx: try again later). */
  rejectNext(count: number, code?: number): void;
  /** RCPT TO this address is refused with 550 (no such mailbox). */
  refuseRecipient(address: string): void;
  /** Resolves once `count` messages have been received, or fails after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

/**
 * A real SMTP server (smtp-server, the one nodemailer's authors test against) on a free port of
 * 127.0.0.1: plain text, no STARTTLS, AUTH allowed without TLS (STACK.md). It keeps what it
 * receives in memory and can be told to refuse messages, to exercise retries.
 */
export async function startSmtpTestServer(options: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
  const received: ReceivedMail[] = [];
  const refusedRecipients = new Set<string>();
  const waiters: Array<() => void> = [];
  let toRefuse: { count: number; code: number } = { count: 0, code: 451 };
  let refusedCount = 0;
  const account = options.account;

  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: account === undefined,
    disableReverseLookup: true,
    logger: false,
    // Pooled clients keep connections open; stop() should not wait the default 30 s for them.
    closeTimeout: 200,
    onAuth(auth, _session, callback) {
      if (account && (auth.username !== account.user || auth.password !== account.password)) {
        callback(new Error('Invalid username or password'));
        return;
      }
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      if (refusedRecipients.has(address.address.toLowerCase())) {
        callback(smtpError(550, `No such mailbox: ${address.address}`));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (toRefuse.count > 0) {
          toRefuse.count -= 1;
          refusedCount += 1;
          callback(smtpError(toRefuse.code, 'Temporary failure, try again later'));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        void Promise.resolve(options.beforeAccept?.(raw)).then(
          () => {
            received.push(readMail(raw, session));
            callback();
            for (const wake of waiters.splice(0)) wake();
          },
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const credentials = account
    ? `${encodeURIComponent(account.user)}:${encodeURIComponent(account.password)}@`
    : '';
  return {
    host: '127.0.0.1',
    port,
    url: `smtp://${credentials}127.0.0.1:${port}`,
    received,
    get refusedCount() {
      return refusedCount;
    },
    rejectNext(count, code = 451) {
      toRefuse = { count, code };
    },
    refuseRecipient(address) {
      refusedRecipients.add(address.toLowerCase());
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(`SMTP test server: ${received.length} of ${count} messages after ${timeoutMs} ms`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received.slice(0, count);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

function readMail(raw: string, session: SMTPServerSession): ReceivedMail {
  const { headers, body } = splitEntity(raw);
  const parts = leafParts(headers, body);
  const find = (type: string): string | undefined => {
    const part = parts.find((p) => (p.headers.get('content-type') ?? 'text/plain').startsWith(type));
    return part && decodeBody(part.headers, part.body);
  };
  return {
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    to: session.envelope.rcptTo.map((r) => r.address),
    authUser: typeof session.user === 'string' ? session.user : undefined,
    raw,
    headers,
    subject: headers.get('subject') ?? '',
    text: find('text/plain') ?? '',
    html: find('text/html'),
  };
}

interface Entity {
  headers: Map<string, string>;
  body: string;
}

function splitEntity(raw: string): Entity {
  const text = raw.replace(/\r\n/g, '\n');
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body: end < 0 ? '' : text.slice(end + 2) };
}

/** The non-multipart entities, depth first (enough for text + HTML alternatives). */
function leafParts(headers: Map<string, string>, body: string): Entity[] {
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /^multipart\/[^;]+;.*boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary) return [{ headers, body }];
  return body
    .split(`--${boundary}`)
    .slice(1)
    .filter((chunk) => !chunk.startsWith('--'))
    .flatMap((chunk) => {
      const part = splitEntity(chunk.replace(/^\n/, ''));
      return leafParts(part.headers, part.body);
    });
}

function decodeBody(headers: Map<string, string>, body: string): string {
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const escaped = body
      .replace(/=\n/g, '')
      .replace(/%/g, '%25')
      .replace(/=([0-9A-F]{2})/gi, '%$1');
    return decodeURIComponent(escaped).replace(/\n$/, '');
  }
  return body.replace(/\n$/, '');
}

/** RFC 2047 encoded words (UTF-8, B or Q), as nodemailer writes non-ASCII header text. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeURIComponent(
            data
              .replace(/_/g, ' ')
              .replace(/%/g, '%25')
              .replace(/=([0-9A-F]{2})/gi, '%$1'),
          ),
    );
}
