/**
 * bench:pec — PEC ingest throughput: messages per second from the local IMAP server into
 * REGISTERED protocol records, through the path the product uses, against parsing the same raw
 * messages with mailparser alone (`simpleParser`) in the same run.
 *
 * Preparation (not measured): a private dovecot of the PEC simulator (plugins/pec/simulator)
 * holding the recipient's mailbox; BENCH_MESSAGES (200) bustas di trasporto built with the
 * simulator's own builder (buildBusta, as its provider delivers them: signed S/MIME by the
 * sender's provider certificate from the simulator's test CA, daticert.xml, the original as
 * postacert.eml with the delivery agent's Return-Path and Delivered-To on top), each original
 * carrying an attachment of BENCH_ATTACHMENT_KIB (1024) KiB of its own random bytes (the blob
 * store deduplicates nothing), appended by IMAP APPEND to a staging folder of the mailbox.
 *
 * Baseline: `simpleParser` over the same raw bytes, one after another, in this process, before
 * and after the ingest (the rate is over both passes, so a load that comes and goes weighs on
 * both sides).
 *
 * Ingest: the server (`dms start`, DMS_PLUGINS=pec, its IMAP ingest on, the simulator's CA as
 * PEC_TRUST_ANCHORS) on a fresh database; the mailbox configured through the GraphQL API
 * (createPecMailbox with the dovecot account, autoRegister on, the register right granted to
 * the protocollista); BENCH_WARMUP (3) bustas delivered and registered first (they prove the
 * session is up and warm the server). Then one IMAP MOVE puts every staged busta into the
 * INBOX at once: the clock runs from that MOVE until the database holds a REGISTERED record for
 * every one of them (polled every 20 ms). Each message is fetched, stored (raw bytes,
 * postacert.eml and the attachment to the blob store), parsed and verified, and registered, by
 * the server alone.
 *
 * Prints messages/s of both and the ratio, the server's CPU per message, and the RSS of the
 * ingesting process (the server) before, after and its peak (sampled every 50 ms). Checks that
 * every message became exactly one record (one pec_message per Message-ID sent, each REGISTERED
 * with a record of its own, means PEC, the signature valid): exit 1 otherwise, or when the
 * ingest does not finish within BENCH_TIMEOUT_S (default 30 + 2 per message).
 * BENCH_SERVER_NODE_OPTIONS go to the server's process (e.g. `--cpu-prof`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ImapFlow } from 'imapflow';
import { SignJWT } from 'jose';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import {
  CreatePecMailboxBenchDocument,
  SetPecMailboxGrantsBenchDocument,
  UpdatePecMailboxBenchDocument,
} from '../clients/sdk/generated/plugins.js';
import { startDovecot, type DovecotServer } from '../plugins/pec/simulator/dovecot.js';
import { base64Lines, boundary, CRLF, headerBlock, multipartBody } from '../plugins/pec/simulator/mime.js';
import { buildBusta, deliveryHeaders, type Emitter } from '../plugins/pec/simulator/pec-messages.js';
import { createTestCa, issueProviderIdentity } from '../plugins/pec/simulator/test-ca.js';
import { createTestDatabase } from '../test/harness/database.js';
import { GraphqlClient } from '../test/harness/graphql-client.js';
import { DMS, exited, started, type Started } from '../test/harness/server-process.js';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 200);
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 3);
const ATTACHMENT_BYTES = Number(process.env['BENCH_ATTACHMENT_KIB'] ?? 1024) * 1024;
const TIMEOUT_MS = Number(process.env['BENCH_TIMEOUT_S'] ?? 30 + 2 * MESSAGES) * 1000;

const SENDER_DOMAIN = 'pec.mittente.example.it';
const SENDER = `ufficio.tecnico@${SENDER_DOMAIN}`;
const RECIPIENT = 'protocollo@pec.comune.example.it';
const STAGING = 'BenchStaging';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Busta {
  raw: Buffer;
  /** The busta's own Message-ID (the key pec_message keeps), with angle brackets. */
  messageId: string;
}

/** The original message a citizen's office sends: a short text and one attachment (PDF). */
function originalMessage(n: number, at: Date): { raw: Buffer; messageId: string; subject: string } {
  const messageId = `<${randomUUID()}@${SENDER_DOMAIN}>`;
  const subject = `Trasmissione relazione tecnica n. ${n}`;
  const b = boundary(Math.floor(at.getTime() / 1000), 10 + n);
  // A PDF's head and tail around random bytes: every attachment is different.
  const pdf = Buffer.concat([
    Buffer.from('%PDF-1.4\n'),
    randomBytes(Math.max(0, ATTACHMENT_BYTES - 15)),
    Buffer.from('\n%%EOF\n'),
  ]);
  const head = headerBlock([
    ['From', `Ufficio tecnico <${SENDER}>`],
    ['To', RECIPIENT],
    ['Subject', subject],
    ['Date', at.toUTCString().replace('GMT', '+0000')],
    ['Message-ID', messageId],
    ['MIME-Version', '1.0'],
    ['Content-Type', `multipart/mixed; boundary="${b}"`],
  ]);
  const body = multipartBody(
    [
      {
        headers: [
          ['Content-Type', 'text/plain; charset="utf-8"'],
          ['Content-Transfer-Encoding', '8bit'],
        ],
        body: Buffer.from(
          `Si trasmette in allegato la relazione tecnica n. ${n}.${CRLF}Cordiali saluti${CRLF}`,
        ),
      },
      {
        headers: [
          ['Content-Type', `application/pdf; name="relazione-${n}.pdf"`],
          ['Content-Disposition', `attachment; filename="relazione-${n}.pdf"`],
          ['Content-Transfer-Encoding', 'base64'],
        ],
        body: base64Lines(pdf),
      },
    ],
    b,
  );
  return { raw: Buffer.concat([Buffer.from(head + CRLF), body]), messageId, subject };
}

/** The busta as the simulator's provider delivers it into the recipient's INBOX. */
async function busta(emitter: Emitter, n: number, at: Date): Promise<Busta> {
  const o = originalMessage(n, at);
  const identificativo = `opec-bench.${n}.${randomBytes(6).toString('hex')}@${SENDER_DOMAIN}`;
  const raw = await buildBusta({
    emitter,
    original: {
      raw: o.raw,
      messageId: o.messageId,
      from: SENDER,
      to: [RECIPIENT],
      cc: [],
      replyTo: null,
      subject: o.subject,
      rawSubject: o.subject,
    },
    recipients: [{ address: RECIPIENT, tipo: 'certificato' }],
    identificativo,
    at,
    messageId: `<${identificativo}>`,
    ricevuta: 'completa',
  });
  return {
    raw: Buffer.concat([deliveryHeaders(`posta-certificata@${SENDER_DOMAIN}`, RECIPIENT), raw]),
    messageId: `<${identificativo}>`,
  };
}

async function imap(dovecot: DovecotServer, password: string): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    auth: { user: RECIPIENT, pass: password },
    logger: false,
    disableAutoIdle: true,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Resident set size of a local process (VmRSS, bytes); 0 when it is gone. */
async function rssBytes(pid: number | undefined): Promise<number> {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return Number(m?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** CPU time a local process has used (utime + stime, ms); 0 when it is gone or not readable. */
async function processCpuMs(pid: number | undefined): Promise<number> {
  try {
    // In clock ticks (100 a second on Linux), the 14th and 15th fields, after the command's ")".
    const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
    return (Number(stat[11]) + Number(stat[12])) * 10;
  } catch {
    return 0;
  }
}

/** mailparser alone over the raw messages, one after another: seconds taken. */
async function parseAll(raws: readonly Buffer[]): Promise<number> {
  const start = performance.now();
  for (const raw of raws) {
    const parsed = await simpleParser(raw);
    // The busta's own parts: the texts, postacert.eml, daticert.xml and the signature.
    if (parsed.attachments.length === 0) throw new Error('mailparser found no parts in a busta');
  }
  return (performance.now() - start) / 1000;
}

const loads = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const loadAtStart = loads();
  const at = new Date();
  const ca = createTestCa(at);
  const gestore = 'PEC MITTENTE simulator S.p.A.';
  const emitter: Emitter = {
    domain: SENDER_DOMAIN,
    gestore,
    identity: issueProviderIdentity(ca, SENDER_DOMAIN, gestore, at),
  };
  const password = randomBytes(12).toString('base64url');
  const dovecot = await startDovecot({ users: [{ user: RECIPIENT, password }] });
  const dir = await mkdtemp(path.join(tmpdir(), 'dms-bench-pec-'));
  const db = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  let server: Started | undefined;
  const problems: string[] = [];
  try {
    // Preparation: the bustas, the staged ones in a folder of their own, the warm-up ones kept aside.
    const prepStart = performance.now();
    const bustas: Busta[] = [];
    for (let n = 1; n <= WARMUP + MESSAGES; n++) bustas.push(await busta(emitter, n, at));
    const warmup = bustas.slice(0, WARMUP);
    const measured = bustas.slice(WARMUP);
    const staging = await imap(dovecot, password);
    await staging.mailboxCreate(STAGING);
    for (const b of measured) await staging.append(STAGING, b.raw);
    const totalBytes = measured.reduce((s, b) => s + b.raw.length, 0);
    console.log(
      `bench:pec — ${MESSAGES} bustas (signed S/MIME, ${ATTACHMENT_BYTES / 1024} KiB attachment each, ` +
        `${(totalBytes / MESSAGES / MiB).toFixed(2)} MiB a message as delivered), ${WARMUP} warm-up; ` +
        `prepared in ${((performance.now() - prepStart) / 1000).toFixed(1)} s`,
    );

    // Baseline, first pass.
    const raws = measured.map((b) => b.raw);
    const parseBefore = await parseAll(raws);

    // The server, as deployed: dms start with the PEC plugin and its IMAP ingest.
    const caFile = path.join(dir, 'pec-ca.pem');
    await writeFile(caFile, ca.certificatePem);
    const secret = randomBytes(32).toString('base64url');
    const options = (process.env['BENCH_SERVER_NODE_OPTIONS'] ?? '').split(/\s+/).filter(Boolean);
    server = await started(process.execPath, [...options, DMS, 'start'], {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dir,
      DATABASE_URL: db.url,
      JWT_SECRET: secret,
      BLOB_DRIVER: 'fs',
      BLOB_DIR: path.join(dir, 'blobs'),
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'true',
      DMS_PLUGINS: 'pec',
      PEC_INGEST: 'true',
      PEC_IDLE: 'true',
      // The supervisor looks for new mailboxes this often (and a session polls at most this late).
      PEC_POLL_SECONDS: '1',
      PEC_TRUST_ANCHORS: caFile,
    });
    const { child, output } = server;
    const pid = child.pid;
    const key = new TextEncoder().encode(secret);
    const ids = (
      await pool.query<{ aoo: string; prot: string; protocollista: string }>(
        `select a.id as aoo,
                (select id from uor where aoo_id = a.id and code = 'PROT' order by created_at limit 1) as prot,
                (select id from app_user where username = 'protocollista') as protocollista
           from aoo a where a.code = 'ADEMO01'`,
      )
    ).rows[0];
    if (!ids) throw new Error('the demo AOO is missing');
    const admin = new GraphqlClient(
      server.url,
      await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('admin')
        .setExpirationTime('2h')
        .sign(key),
    );
    const mailbox = (
      await admin.data(CreatePecMailboxBenchDocument, {
        input: {
          aooId: ids.aoo,
          uorId: ids.prot,
          address: RECIPIENT,
          kind: 'PEC',
          description: 'Casella PEC istituzionale (bench:pec)',
          imap: { host: dovecot.host, port: dovecot.port, tls: false, user: RECIPIENT },
          smtp: { host: '127.0.0.1', port: 2525, tls: false, user: RECIPIENT },
          password,
        },
      })
    ).createPecMailbox;
    await admin.data(SetPecMailboxGrantsBenchDocument, {
      mailboxId: mailbox.id,
      grants: [{ userId: ids.protocollista, canRead: true, canRegister: true, canSend: false }],
    });
    // Automatic registration names its registrar, who must hold the register grant first.
    await admin.data(UpdatePecMailboxBenchDocument, {
      input: { id: mailbox.id, autoRegister: true, registrarId: ids.protocollista },
    });
    const registered = async (): Promise<number> =>
      Number(
        (
          await pool.query<{ n: string }>(
            `select count(*) as n from pec_message where mailbox_id = $1 and state = 'REGISTERED'`,
            [mailbox.id],
          )
        ).rows[0]?.n,
      );
    const waitFor = async (count: number, timeoutMs: number): Promise<boolean> => {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        if ((await registered()) >= count) return true;
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(
            `the server exited (${child.exitCode ?? child.signalCode}):\n${output().slice(-4000)}`,
          );
        await sleep(20);
      }
      return false;
    };

    // Warm-up: delivered to the INBOX and registered (the session is up, the server warm).
    for (const b of warmup) await staging.append('INBOX', b.raw);
    if (!(await waitFor(WARMUP, 60_000)))
      throw new Error(
        `the warm-up messages were not registered within 60 s (${await registered()} of ${WARMUP}):\n` +
          server.output().slice(-4000),
      );

    // Measured: every staged busta into the INBOX at once, the clock until all are registered.
    const rssBefore = await rssBytes(pid);
    const cpuBefore = await processCpuMs(pid);
    let peak = rssBefore;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssBytes(pid));
        await sleep(50);
      }
    })();
    const lock = await staging.getMailboxLock(STAGING);
    const t0 = performance.now();
    try {
      await staging.messageMove('1:*', 'INBOX');
    } finally {
      lock.release();
    }
    const finished = await waitFor(WARMUP + MESSAGES, TIMEOUT_MS);
    const ingestSeconds = (performance.now() - t0) / 1000;
    sampling = false;
    await sampler;
    const rssAfter = await rssBytes(pid);
    const cpuMs = (await processCpuMs(pid)) - cpuBefore;
    const loadAtIngest = loads();
    await staging.logout();
    if (!finished)
      problems.push(
        `ingest not finished within ${TIMEOUT_MS / 1000} s: ${(await registered()) - WARMUP} of ${MESSAGES} registered`,
      );

    // Baseline, second pass.
    const parseAfter = await parseAll(raws);

    // Every message exactly one record.
    const rows = (
      await pool.query<{
        message_id: string | null;
        state: string;
        record_id: string | null;
        signature_outcome: string;
        means: string | null;
        record_state: string | null;
      }>(
        `select m.message_id, m.state, m.record_id, m.signature_outcome,
                r.means_of_transmission as means, case when r.id is null then null else 'found' end as record_state
           from pec_message m left join protocol_record r on r.id = m.record_id
          where m.mailbox_id = $1`,
        [mailbox.id],
      )
    ).rows;
    const byMessageId = new Map<string, number>();
    for (const r of rows) byMessageId.set(r.message_id ?? '', (byMessageId.get(r.message_id ?? '') ?? 0) + 1);
    const sent = bustas.map((b) => b.messageId);
    const missing = sent.filter((id) => !byMessageId.has(id));
    const repeated = sent.filter((id) => (byMessageId.get(id) ?? 0) > 1);
    const unexpected = rows.filter((r) => !sent.includes(r.message_id ?? ''));
    const records = new Set(rows.map((r) => r.record_id).filter((id) => id !== null));
    if (rows.length !== sent.length)
      problems.push(`${rows.length} PEC messages stored for ${sent.length} sent`);
    if (missing.length > 0) problems.push(`${missing.length} messages not stored (e.g. ${missing[0]})`);
    if (repeated.length > 0) problems.push(`${repeated.length} messages stored more than once`);
    if (unexpected.length > 0) problems.push(`${unexpected.length} stored messages that were not sent`);
    const notRegistered = rows.filter((r) => r.state !== 'REGISTERED' || r.record_state === null);
    if (notRegistered.length > 0)
      problems.push(`${notRegistered.length} messages without a registered record`);
    if (records.size !== rows.length - notRegistered.length)
      problems.push(
        `${records.size} distinct records for ${rows.length - notRegistered.length} registered messages`,
      );
    const notPec = rows.filter((r) => r.record_state !== null && r.means !== 'PEC');
    if (notPec.length > 0) problems.push(`${notPec.length} records not registered as received by PEC`);
    const signatures = new Map<string, number>();
    for (const r of rows) signatures.set(r.signature_outcome, (signatures.get(r.signature_outcome) ?? 0) + 1);
    if ((signatures.get('valid') ?? 0) !== rows.length)
      problems.push(`signatures: ${JSON.stringify(Object.fromEntries(signatures))} (all should be valid)`);
    const recordCount = Number(
      (
        await pool.query<{ n: string }>(
          `select count(*) as n from protocol_record r join pec_message m on m.record_id = r.id where m.mailbox_id = $1`,
          [mailbox.id],
        )
      ).rows[0]?.n,
    );

    const ingestRate = MESSAGES / ingestSeconds;
    const parseRate = (2 * MESSAGES) / (parseBefore + parseAfter);
    console.log(`load average at start ${loadAtStart}; right after the ingest ${loadAtIngest}`);
    console.log(
      `mailparser simpleParser alone ${parseRate.toFixed(1).padStart(8)} msg/s ` +
        `(${(MESSAGES / parseBefore).toFixed(1)} before, ${(MESSAGES / parseAfter).toFixed(1)} after the ingest)`,
    );
    console.log(
      `IMAP → registered record    ${ingestRate.toFixed(1).padStart(8)} msg/s ` +
        `(${ingestSeconds.toFixed(1)} s for ${MESSAGES}; ${(totalBytes / MiB / ingestSeconds).toFixed(1)} MiB/s)   ` +
        `ratio ${(ingestRate / parseRate).toFixed(3)}`,
    );
    console.log(`server CPU ${(cpuMs / MESSAGES).toFixed(1)} ms a message`);
    console.log(
      `server RSS ${(rssBefore / MiB).toFixed(0)} MiB before, ${(rssAfter / MiB).toFixed(0)} MiB after ` +
        `(growth ${((rssAfter - rssBefore) / MiB).toFixed(0)} MiB), peak ${(peak / MiB).toFixed(0)} MiB ` +
        `(+${((peak - rssBefore) / MiB).toFixed(0)} MiB, sampled every 50 ms)`,
    );
    if (problems.length === 0)
      console.log(
        `OK: ${sent.length} messages (${WARMUP} warm-up) → ${rows.length} PEC messages, each REGISTERED with ` +
          `a record of its own (${recordCount} records, means PEC, signatures valid)`,
      );
    for (const p of problems) console.error(`FAIL: ${p}`);
    process.exitCode = problems.length > 0 ? 1 : 0;
  } finally {
    if (server) {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
    await pool.end();
    await db.drop();
    await dovecot.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
