import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AssignmentReceivedIdsDocument,
  CreateDocumentDocument,
  ProtocolRegisteredDocument,
  RegisterProtocolBenchDocument,
  SmistaProtocolBenchDocument,
} from '../../clients/sdk/generated/graphql.js';
import { coreModules } from '../../schema/modules.js';
import { bootstrap, seedDemo } from '../../server/bootstrap.js';
import { composeModules } from '../../server/modules/compose.js';
import { loadConfig } from '../../server/config.js';
import { createMigratedTestDatabase, withClient, type TestDatabase } from '../harness/database.js';
import { DocumentEventsSubscriber } from '../harness/document-events.js';
import { GraphqlClient } from '../harness/graphql-client.js';
import { DMS, exited, started, type Started } from '../harness/server-process.js';
import { TypedSubscriber } from '../harness/typed-subscriber.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * Two replicas behind one database and one Redis: a change committed on one reaches the
 * subscribers of the other, and a deployment with another channel prefix hears nothing.
 */
describe('events across replicas (Redis)', () => {
  let db: TestDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const servers: Started[] = [];
  let a: Started;
  let b: Started;
  let aooId: string;
  let uorId: string;
  let tecId: string;

  // Minted once per user in this process, as `dms token` does (its own test is the CLI's): a
  // `dms token` process per request cost seconds each on a loaded machine. Both replicas accept
  // them: one JWT secret.
  const tokens = new Map<string, string>();
  const tokenFor = (username: string): string => {
    const token = tokens.get(username);
    assert.ok(token, `a token for ${username} was minted in before()`);
    return token;
  };
  const wsUrl = (s: Started) => s.url.replace(/^http/, 'ws');

  /** A draft in RAG (or `uor`) created through `server`'s HTTP API; returns its id. */
  async function createOn(server: Started, oggetto: string, uor = uorId): Promise<string> {
    const token = tokenFor('protocollista');
    const base = server.url.replace(/\/graphql$/, '');
    const res = await fetch(`${base}/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/pdf',
        'x-file-name': 'atto.pdf',
      },
      body: Buffer.from(`%PDF-1.4 ${oggetto} ${randomBytes(8).toString('hex')}`),
    });
    assert.equal(res.status, 201);
    const file = (await res.json()) as { id: string };
    const created = await new GraphqlClient(server.url, token).data(CreateDocumentDocument, {
      input: { uorId: uor, primaryFileId: file.id, oggetto, attachments: [] },
    });
    return created.createDocument.id;
  }

  /** A draft of `uor` registered in the protocol through `server`; returns the record's id. */
  async function registerOn(server: Started, oggetto: string, uor = uorId): Promise<string> {
    const documentId = await createOn(server, oggetto, uor);
    const client = new GraphqlClient(server.url, tokenFor('protocollista'));
    const registered = await client.data(RegisterProtocolBenchDocument, {
      input: {
        kind: 'ARRIVO',
        documentId,
        oggetto,
        correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Maria', cognome: 'Bianchi' }],
      },
    });
    return registered.registerProtocol.id;
  }

  const registrations = async (server: Started, username: string) =>
    TypedSubscriber.open(
      wsUrl(server),
      tokenFor(username),
      ProtocolRegisteredDocument,
      { aooId },
      (d) => d.protocolRegistered,
    );

  before(async () => {
    db = await createMigratedTestDatabase(composeModules(coreModules));
    dir = await mkdtemp(path.join(tmpdir(), 'dms-replicas-'));
    env = {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dir,
      DATABASE_URL: db.url,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      BLOB_DRIVER: 'fs',
      BLOB_DIR: path.join(dir, 'blobs'), // both replicas share the store, as they would a bucket
      REDIS_URL,
      EVENT_CHANNEL_PREFIX: `test-${randomBytes(6).toString('hex')}`,
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
    };
    // The demo organisation and every user's token, in this process as `dms seed-demo` and
    // `dms token` would (a process each costs seconds on a loaded machine); this also creates
    // the job queue, so the replicas can then start together as a deployment's would.
    const runtime = await bootstrap(loadConfig(env), coreModules);
    try {
      await seedDemo(runtime.platform, ['organisation']);
      for (const username of ['protocollista', 'lettore', 'rpa.tecnico', 'rpa.ragioneria']) {
        const user = await runtime.platform.identity.findActive(runtime.platform.orm.em.fork(), { username });
        assert.ok(user, `the demo user ${username}`);
        tokens.set(username, await runtime.platform.tokens.issue(user.subject, 3600));
      }
    } finally {
      await runtime.close();
    }
    const starts = await Promise.allSettled([
      started(process.execPath, [DMS, 'start'], env),
      started(process.execPath, [DMS, 'start'], env),
    ]);
    for (const s of starts) if (s.status === 'fulfilled') servers.push(s.value);
    for (const s of starts) if (s.status === 'rejected') throw s.reason;
    [a, b] = servers as [Started, Started];
    const ids = await withClient(db.url, (c) =>
      c.query<{ aoo: string; uor: string; tec: string }>(
        `select a.id as aoo, u.id as uor, t.id as tec from aoo a join uor u on u.aoo_id = a.id
           join uor t on t.aoo_id = a.id where a.code = 'ADEMO01' and u.code = 'RAG' and t.code = 'TEC'`,
      ),
    );
    aooId = ids.rows[0]?.aoo ?? '';
    uorId = ids.rows[0]?.uor ?? '';
    tecId = ids.rows[0]?.tec ?? '';
    assert.ok(aooId && uorId, 'the demo organisation is there');
  });
  after(async () => {
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => exited(s.child)));
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a document created on one replica reaches a subscriber of the other, both ways', async () => {
    const onB = await DocumentEventsSubscriber.open(wsUrl(b), tokenFor('lettore'), aooId);
    const onA = await DocumentEventsSubscriber.open(wsUrl(a), tokenFor('lettore'), aooId);
    try {
      await onB.ready(async () => void (await createOn(a, 'sonda')));
      await onA.ready(async () => void (await createOn(b, 'sonda')));
      await onB.skipDelivered(); // the probes for A reached B too
      const fromA = await createOn(a, 'Creato sulla replica A');
      const seenOnB = await onB.next();
      assert.equal(seenOnB.documentId, fromA);
      assert.equal(seenOnB.document.oggetto, 'Creato sulla replica A');
      const fromB = await createOn(b, 'Creato sulla replica B');
      assert.equal((await onA.next()).documentId, fromA, 'A also delivers its own');
      assert.equal((await onA.next()).documentId, fromB);
      assert.equal((await onB.next()).documentId, fromB);
    } finally {
      onA.close();
      onB.close();
    }
  });

  it('a registration made through one replica reaches the protocolRegistered subscribers of the other who may see it', async () => {
    const lettore = await registrations(b, 'lettore'); // READ_ONLY in RAG
    const tecnico = await registrations(b, 'rpa.tecnico'); // TEC only
    try {
      await lettore.ready(async () => void (await registerOn(a, 'sonda')));
      await tecnico.ready(async () => void (await registerOn(a, 'sonda', tecId)));
      await lettore.nothingWithin(0); // the TEC probes were not the reader's
      const rag = await registerOn(a, 'Registrato sulla replica A');
      const seen = await lettore.next();
      assert.equal(seen.record.id, rag);
      assert.equal(seen.record.oggetto, 'Registrato sulla replica A');
      const tec = await registerOn(a, 'Per il tecnico', tecId);
      assert.equal((await tecnico.next()).record.id, tec, "the TEC subscriber's first is its own");
      await lettore.nothingWithin(300);
    } finally {
      lettore.close();
      tecnico.close();
    }
  });

  it('an assignment made through one replica reaches the assignmentReceived subscriber of the office on the other', async () => {
    const sendOn = async (server: Started, oggetto: string, to: string): Promise<string> => {
      const recordId = await registerOn(server, oggetto);
      const client = new GraphqlClient(server.url, tokenFor('protocollista'));
      await client.data(SmistaProtocolBenchDocument, { input: { recordId, competenza: [to] } });
      return recordId;
    };
    const notices = async (username: string) =>
      TypedSubscriber.open(
        wsUrl(b),
        tokenFor(username),
        AssignmentReceivedIdsDocument,
        {},
        (d) => d.assignmentReceived,
      );
    const tecnico = await notices('rpa.tecnico'); // RPA of TEC
    const ragioneria = await notices('rpa.ragioneria'); // head of RAG
    try {
      await tecnico.ready(async () => void (await sendOn(a, 'sonda', tecId)));
      await ragioneria.ready(async () => void (await sendOn(a, 'sonda', uorId)));
      await tecnico.nothingWithin(0); // the RAG probes were not the technical office's
      const sent = await sendOn(a, 'Assegnato sulla replica A', tecId);
      const notice = await tecnico.next();
      assert.deepEqual([notice.action, notice.record?.id], ['SMISTAMENTO', sent]);
      await ragioneria.nothingWithin(500);
    } finally {
      tecnico.close();
      ragioneria.close();
    }
  });

  it('another deployment sharing the Redis (another channel prefix) hears nothing', async () => {
    const other = await started(process.execPath, [DMS, 'start'], {
      ...env,
      EVENT_CHANNEL_PREFIX: `other-${randomBytes(6).toString('hex')}`,
    });
    servers.push(other);
    const onOther = await DocumentEventsSubscriber.open(wsUrl(other), tokenFor('lettore'), aooId);
    const onB = await DocumentEventsSubscriber.open(wsUrl(b), tokenFor('lettore'), aooId);
    try {
      // Both subscriptions live: each has received an event of its own deployment's replicas.
      await onOther.ready(async () => void (await createOn(other, 'sonda')));
      await onB.ready(async () => void (await createOn(a, 'sonda')));
      const id = await createOn(a, 'Solo per la prima installazione');
      assert.equal((await onB.next()).documentId, id);
      await onOther.nothingWithin(500);
    } finally {
      onOther.close();
      onB.close();
    }
  });
});
