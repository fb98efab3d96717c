/**
 * bench:notify — live notifications across replicas: BENCH_SUBSCRIBERS (1,000) graphql-ws
 * subscribers split over two server processes (`dms start`) that share one database and the
 * Redis of REDIS_URL (redis://127.0.0.1:6379) under a channel prefix of their own. The
 * subscribers are distinct users (BENCH_SOCKETS_PER_USER sockets each, at most 10: the per-user
 * limit), READ_ONLY members of one of BENCH_OFFICES offices made for the run, so each event is
 * theirs to receive or not by the platform's row visibility.
 *
 * The trigger is one function (`trigger`), through replica A and B in turn. By default
 * (BENCH_TRIGGER=assignment) a `smistaProtocol` per competenza of a registration of the protocol
 * office (registered beforehand, not measured) to one office, delivered by `assignmentReceived`
 * to the members of that office; BENCH_TRIGGER=registration: a `registerProtocol` of a draft of
 * one office, delivered by `protocolRegistered(aooId)` to its members. BENCH_EVENTS (200)
 * triggers, one every BENCH_INTERVAL_MS (50 ms), after warm-up rounds that also prove every
 * subscription live.
 *
 * Latency = delivery − commit. Commit: the server's clock read right after the COMMIT returned,
 * before the event is published (protocolRegistered's `occurredAt`, assignmentReceived's
 * `committedAt`). Delivery: this process's
 * clock when the message is parsed. Both are the same host's clock. Prints p50/p95/p99/max, delivered
 * against expected, lost (expected, not delivered), misdirected (delivered to a subscriber not
 * entitled to it) and duplicated. Target p95 <= 100 ms. Exit 1 when anything is lost,
 * misdirected or duplicated, 2 when only the latency target is missed. BENCH_SERVER_NODE_OPTIONS go
 * to the replicas' processes (e.g. `--cpu-prof`).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { print } from 'graphql';
import { SignJWT } from 'jose';
import pg from 'pg';
import WebSocket from 'ws';
import {
  CreateUorDocument,
  AssignmentReceivedIdsDocument,
  ProtocolRegisteredIdsDocument,
  RegisterProtocolBenchDocument,
  SmistaProtocolBenchDocument,
} from '../clients/sdk/generated/graphql.js';
import { MAX_SOCKETS_PER_USER } from '../server/http/graphql-ws.js';
import { createTestDatabase } from '../test/harness/database.js';
import { GraphqlClient } from '../test/harness/graphql-client.js';
import { DMS, exited, started, type Started } from '../test/harness/server-process.js';

const SUBSCRIBERS = Number(process.env['BENCH_SUBSCRIBERS'] ?? 1000);
const SOCKETS_PER_USER = Math.min(Number(process.env['BENCH_SOCKETS_PER_USER'] ?? 1), MAX_SOCKETS_PER_USER);
const OFFICES = Number(process.env['BENCH_OFFICES'] ?? 10);
const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 200);
const INTERVAL_MS = Number(process.env['BENCH_INTERVAL_MS'] ?? 50);
/** `assignment` (the issue's: smistaProtocol → assignmentReceived) or `registration` (protocolRegistered). */
const TRIGGER = process.env['BENCH_TRIGGER'] === 'registration' ? 'registration' : 'assignment';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const TARGET_P95_MS = 100;

interface Subscriber {
  index: number;
  userId: string;
  office: number;
  replica: 'A' | 'B';
  socket: WebSocket;
  /** recordId → latency (ms), first delivery. */
  received: Map<string, number>;
  duplicates: number;
  /** Errors delivered instead of events. */
  errors: number;
}

/** What one trigger caused: the event's id and who is entitled to it. */
interface Triggered {
  eventId: string;
  entitled: (s: Subscriber) => boolean;
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const dir = await mkdtemp(path.join(tmpdir(), 'dms-notify-'));
  const secret = randomBytes(32).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dir,
    DATABASE_URL: db.url,
    JWT_SECRET: secret,
    BLOB_DRIVER: 'fs',
    BLOB_DIR: path.join(dir, 'blobs'),
    REDIS_URL,
    EVENT_CHANNEL_PREFIX: `bench-${randomBytes(6).toString('hex')}`,
    JOBS_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
  };
  const servers: Started[] = [];
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  const subscribers: Subscriber[] = [];
  try {
    // One replica seeds the demo organisation; the other starts on the migrated database.
    const options = (process.env['BENCH_SERVER_NODE_OPTIONS'] ?? '').split(/\s+/).filter(Boolean);
    const a = await started(process.execPath, [...options, DMS, 'start'], { ...env, SEED_DEMO: 'true' });
    servers.push(a);
    const b = await started(process.execPath, [...options, DMS, 'start'], env);
    servers.push(b);
    const replicas = { A: a, B: b };
    const key = new TextEncoder().encode(secret);
    const tokenOf = (subject: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(subject)
        .setExpirationTime('2h')
        .sign(key);
    const ids = (
      await pool.query<{ aoo: string; protocollista: string }>(
        `select a.id as aoo, (select id from app_user where username = 'protocollista') as protocollista
           from aoo a where a.code = 'ADEMO01'`,
      )
    ).rows[0];
    if (!ids) throw new Error('the demo AOO is missing');
    const aooId = ids.aoo;

    // Offices of the run, through the API; users and memberships straight to the database.
    const admin = new GraphqlClient(a.url, await tokenOf('admin'));
    const offices: string[] = [];
    for (let o = 0; o < OFFICES; o++) {
      const uor = await admin.data(CreateUorDocument, {
        input: { aooId, code: `NOTIFY${o}`, name: `Ufficio notifiche ${o}` },
      });
      offices.push(uor.createUor.id);
    }
    const users = Math.ceil(SUBSCRIBERS / SOCKETS_PER_USER);
    const made = await pool.query<{ id: string; n: number }>(
      `with u as (
         insert into app_user (id, username, given_name, family_name, subject, created_in_aoo_id)
         select gen_random_uuid(), 'notify.' || g, 'Utente', 'Notifiche ' || g, 'notify.' || g, $1
           from generate_series(0, $2::int - 1) g returning id, username),
       m as (
         insert into membership (id, user_id, uor_id, profile)
         select gen_random_uuid(), u.id, ($3::uuid[])[1 + (substr(u.username, 8)::int % $4)], 'READ_ONLY' from u)
       select id, substr(username, 8)::int as n from u order by n`,
      [aooId, users, offices, OFFICES],
    );
    const userIds = made.rows.map((r) => r.id);

    // The subscribers, alternately on A and B.
    const subscription = print(
      TRIGGER === 'assignment' ? AssignmentReceivedIdsDocument : ProtocolRegisteredIdsDocument,
    );
    const variables = TRIGGER === 'assignment' ? {} : { aooId };
    const open = async (index: number): Promise<Subscriber> => {
      const user = Math.floor(index / SOCKETS_PER_USER);
      const replica = index % 2 === 0 ? 'A' : 'B';
      const token = await tokenOf(`notify.${user}`);
      const socket = new WebSocket(replicas[replica].url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      const s: Subscriber = {
        index,
        userId: userIds[user] ?? '',
        office: user % OFFICES,
        replica,
        socket,
        received: new Map(),
        duplicates: 0,
        errors: 0,
      };
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.on('message', (raw: Buffer) => {
          const at = Date.now();
          const m = JSON.parse(raw.toString('utf8')) as { type: string; payload?: unknown };
          if (m.type === 'connection_ack') {
            socket.send(
              JSON.stringify({
                id: 's',
                type: 'subscribe',
                payload: { query: subscription, variables },
              }),
            );
            resolve();
          } else if (m.type === 'next') {
            type Delivered = { occurredAt: string; committedAt?: string; record: { id: string } };
            const payload = m.payload as {
              data?: { protocolRegistered?: Delivered; assignmentReceived?: Delivered } | null;
            };
            const data = payload.data?.assignmentReceived ?? payload.data?.protocolRegistered;
            if (!data) {
              s.errors += 1;
              console.error(`subscriber ${index}: ${JSON.stringify(m.payload)}`);
            } else if (s.received.has(data.record.id)) s.duplicates += 1;
            else s.received.set(data.record.id, at - Date.parse(data.committedAt ?? data.occurredAt));
          } else if (m.type === 'error') {
            reject(new Error(`subscription refused: ${JSON.stringify(m.payload)}`));
          }
        });
        socket.once('open', () =>
          socket.send(
            JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
          ),
        );
        socket.once('close', (code, reason) => {
          if (code !== 1000) console.error(`subscriber ${index} closed: ${code} ${reason.toString()}`);
        });
      });
      return s;
    };
    for (let i = 0; i < SUBSCRIBERS; i += 50) {
      subscribers.push(
        ...(await Promise.all(Array.from({ length: Math.min(50, SUBSCRIBERS - i) }, (_, k) => open(i + k)))),
      );
    }

    // Drafts for every trigger (warm-up included) with a primary file: of the office itself to be
    // registered (registration), or of the protocol office to be registered now and sent to the
    // office (assignment).
    const protocolOffice = (
      await pool.query<{ id: string }>(`select id from uor where aoo_id = $1 and code = 'PROT'`, [aooId])
    ).rows[0]?.id;
    const warmupRounds = 5;
    const perOffice = Math.ceil(EVENTS / OFFICES) + warmupRounds;
    const drafts = new Map<number, string[]>();
    for (const [o, uorId] of offices.entries()) {
      const rows = await pool.query<{ id: string }>(
        `with docs as (
           insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
           select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Istanza n. ' || g, $3
             from uor u, generate_series(1, $2::int) g where u.id = $1 returning id, created_by),
         files as (
           insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                    signature_kind, signature_status, uploaded_by)
           select gen_random_uuid(), h, 48213, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
                  'application/pdf', 'istanza.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', created_by
             from (select encode(sha256(id::text::bytea), 'hex') as h, created_by from docs) x returning id, sha256)
         insert into document_file (id, document_id, file_id, position, version, created_by)
         select gen_random_uuid(), d.id, f.id, 0, 1, d.created_by
           from docs d join files f on f.sha256 = encode(sha256(d.id::text::bytea), 'hex')
         returning document_id as id`,
        [TRIGGER === 'assignment' ? protocolOffice : uorId, perOffice, ids.protocollista],
      );
      drafts.set(
        o,
        rows.rows.map((r) => r.id),
      );
    }
    const registrars = {
      A: new GraphqlClient(a.url, await tokenOf('protocollista')),
      B: new GraphqlClient(b.url, await tokenOf('protocollista')),
    };

    const register = async (documentId: string, through: 'A' | 'B'): Promise<string> => {
      const registered = await registrars[through].data(RegisterProtocolBenchDocument, {
        input: {
          kind: 'ARRIVO',
          documentId,
          oggetto: 'Istanza di accesso agli atti',
          correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Maria', cognome: 'Bianchi' }],
        },
      });
      return registered.registerProtocol.id;
    };
    // Assignment: the records to send, registered beforehand (not measured), four at a time.
    const records = new Map<number, string[]>();
    if (TRIGGER === 'assignment') {
      for (const [o, documents] of drafts) {
        const sent: string[] = [];
        for (let k = 0; k < documents.length; k += 4)
          sent.push(
            ...(await Promise.all(
              documents.slice(k, k + 4).map((d, j) => register(d, (k + j) % 2 === 0 ? 'A' : 'B')),
            )),
          );
        records.set(o, sent);
      }
    }

    /**
     * The one triggering action, through replica A or B in turn, for office `i % OFFICES`: send
     * (smistaProtocol per competenza) a registration of the protocol office to it — the members
     * of that office are entitled to the assignmentReceived notice, nobody else; or (registration)
     * register a draft of that office — its members are entitled to protocolRegistered.
     */
    const trigger = async (i: number): Promise<Triggered> => {
      const office = i % OFFICES;
      const through = i % 2 === 0 ? 'A' : 'B';
      const entitled = (s: Subscriber) => s.office === office;
      if (TRIGGER === 'assignment') {
        const recordId = records.get(office)?.pop();
        if (!recordId) throw new Error(`no registration left for office ${office}`);
        await registrars[through].data(SmistaProtocolBenchDocument, {
          input: { recordId, competenza: [offices[office] ?? ''] },
        });
        return { eventId: recordId, entitled };
      }
      const documentId = drafts.get(office)?.pop();
      if (!documentId) throw new Error(`no draft left for office ${office}`);
      return { eventId: await register(documentId, through), entitled };
    };

    // Warm-up: rounds of one trigger per office until every subscriber has had one (live).
    const warm = new Set<string>();
    for (let round = 0; ; round++) {
      for (let o = 0; o < OFFICES; o++) warm.add((await trigger(o)).eventId);
      await sleep(1000);
      const cold = subscribers.filter((s) => s.received.size === 0).length;
      if (cold === 0) break;
      if (round + 1 >= warmupRounds) throw new Error(`${cold} subscribers received nothing while warming up`);
    }
    for (const s of subscribers) {
      s.received.clear();
      s.duplicates = 0;
    }

    const events: Triggered[] = [];
    const measuredFrom = Date.now();
    const cpuBefore = await Promise.all(servers.map((s) => processCpuMs(s.child.pid)));
    for (let i = 0; i < EVENTS; i++) {
      const next = Date.now() + INTERVAL_MS;
      events.push(await trigger(i));
      await sleep(Math.max(0, next - Date.now()));
    }
    const expected = events.reduce((n, e) => n + subscribers.filter(e.entitled).length, 0);
    const delivered = () =>
      events.reduce(
        (n, e) => n + subscribers.filter((s) => e.entitled(s) && s.received.has(e.eventId)).length,
        0,
      );
    for (let waited = 0; waited < 5000 && delivered() < expected; waited += 100) await sleep(100);
    await sleep(500); // anything misdirected still in flight
    const cpuAfter = await Promise.all(servers.map((s) => processCpuMs(s.child.pid)));
    const cpuPerEvent = cpuAfter.map((c, i) => (c - (cpuBefore[i] ?? 0)) / EVENTS);
    const seconds = (Date.now() - measuredFrom) / 1000;

    const byId = new Map(events.map((e) => [e.eventId, e]));
    const latencies: number[] = [];
    const byReplica: Record<'A' | 'B', number[]> = { A: [], B: [] };
    let misdirected = 0;
    let duplicates = 0;
    let errors = 0;
    for (const s of subscribers) {
      duplicates += s.duplicates;
      errors += s.errors;
      for (const [id, ms] of s.received) {
        const e = byId.get(id);
        if (warm.has(id)) continue;
        if (!e?.entitled(s)) {
          misdirected += 1;
          continue;
        }
        latencies.push(ms);
        byReplica[s.replica].push(ms);
      }
    }
    latencies.sort((x, y) => x - y);
    const got = latencies.length;
    const lost = expected - got;
    const line = (label: string, xs: number[]) => {
      const sorted = [...xs].sort((x, y) => x - y);
      return `${label}: p50 ${pct(sorted, 0.5)} ms, p95 ${pct(sorted, 0.95)} ms, p99 ${pct(sorted, 0.99)} ms, max ${sorted.at(-1) ?? NaN} ms (${sorted.length} deliveries)`;
    };
    console.log(
      `bench:notify — ${SUBSCRIBERS} subscribers (${users} users × ${SOCKETS_PER_USER} socket(s), READ_ONLY in one of ${OFFICES} offices), half on replica A, half on B (Redis ${REDIS_URL})`,
    );
    console.log(
      `${
        TRIGGER === 'assignment'
          ? 'trigger: smistaProtocol of a registration to one office, through A and B in turn; subscription: assignmentReceived'
          : 'trigger: registerProtocol of a draft of one office, through A and B in turn; subscription: protocolRegistered(aooId)'
      }; ${EVENTS} events, one every ${INTERVAL_MS} ms (${(EVENTS / seconds).toFixed(1)}/s)`,
    );
    console.log(
      TRIGGER === 'assignment'
        ? 'latency = delivery − commit; commit = the notice’s committedAt (server clock right after COMMIT, before publishing); delivery = this process’s clock at the message; same host clock'
        : 'latency = delivery − commit; commit = the event’s occurredAt (server clock right after COMMIT, before publishing), delivery = this process’s clock at the message; same host clock',
    );
    console.log(
      `replica CPU per event (its subscribers' filtering and deliveries, and the triggers it served): A ${cpuPerEvent[0]?.toFixed(1)} ms, B ${cpuPerEvent[1]?.toFixed(1)} ms; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${cpus().length} CPUs`,
    );
    console.log(line('all', latencies));
    console.log(line('subscribers on A', byReplica.A));
    console.log(line('subscribers on B', byReplica.B));
    console.log(
      `delivered ${got} of ${expected} expected; lost ${lost}; misdirected ${misdirected}; duplicated ${duplicates}; errors ${errors}`,
    );
    const p95 = pct(latencies, 0.95);
    const failed = lost !== 0 || misdirected !== 0 || duplicates !== 0 || errors !== 0;
    if (failed) console.error('FAIL: events lost, misdirected or duplicated, or errors delivered');
    else console.log('OK: every event reached exactly the subscribers entitled to it, once');
    if (!(p95 <= TARGET_P95_MS)) console.error(`FAIL: p95 ${p95} ms above the target ${TARGET_P95_MS} ms`);
    else console.log(`OK: p95 ${p95} ms <= ${TARGET_P95_MS} ms`);
    process.exitCode = failed ? 1 : p95 <= TARGET_P95_MS ? 0 : 2;
  } finally {
    for (const s of subscribers) s.socket.close(1000);
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => exited(s.child)));
    await pool.end();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
