import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  ConservationColour,
  ConservationItem,
  ConservationPackage,
  createPackage,
  PackageKind,
  resendPackage,
} from '../../plugins/conservazione/package/index.js';
import {
  startConservatorSimulator,
  type ConservatorSimulator,
} from '../../plugins/conservazione/simulator/index.js';
import { httpConnector, type ConservationConnector } from '../../plugins/conservazione/connector/index.js';
import { runTransfer } from '../../plugins/conservazione/transfer/index.js';
import { versatoreFor } from '../../plugins/conservazione/transfer/versatore.js';
import { yearlyFascicoliJob } from '../../plugins/conservazione/transfer/schedule.jobs.js';
import { systemContext, type RequestContext } from '../../server/context.js';
import { SettableClock } from '../harness/clock.js';
import { conservationWorld, type ConservationWorld } from '../harness/conservazione-fixtures.js';
import { closedSipTree } from '../harness/conservazione-sip-fixtures.js';
import { inUnit } from '../harness/fascicoli-fixtures.js';
import { sha256Hex, sql } from '../harness/files-helpers.js';
import { DMS } from '../harness/server-process.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';
import { spawn } from 'node:child_process';

/**
 * Transfers to a conservator simulator on loopback (a real HTTP server speaking the ParER
 * protocol, checking XSDs and digests): outcomes green, red and orange through faults. Jobs are
 * off: each transfer run is started here, as the job would start it.
 */
describe('conservation transfers', () => {
  const clock = new SettableClock('2025-06-15T10:00:00Z');
  let env: TestEnv;
  let world: ConservationWorld;
  let simulator: ConservatorSimulator;

  const system = (): Promise<RequestContext> =>
    systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'test' });
  const series = async (label: string, n: number) => {
    const docs: string[] = [];
    for (let i = 0; i < n; i++) docs.push(await world.registeredDocument(`${label} ${i + 1}`));
    return inUnit(env, (tx) =>
      createPackage(tx, { kind: PackageKind.SERIES, aooId: world.ids.aooId, label, documentIds: docs }),
    );
  };
  const transfer = async (packageId: string) => runTransfer(await system(), packageId);
  const stateOf = async (packageId: string) => {
    const ctx = await system();
    const pkg = await ctx.em.findOneOrFail(ConservationPackage, { id: packageId });
    const items = await ctx.em.find(ConservationItem, { packageId }, { orderBy: { position: 'asc' } });
    return { pkg, items };
  };
  const keyOf = (i: ConservationItem) => ({
    registro: i.registro ?? '',
    anno: i.anno ?? 0,
    numero: i.numero ?? '',
  });

  before(async () => {
    simulator = await startConservatorSimulator({ user: 'versatore', password: 'segreto' });
    env = await startTestEnv({
      clock,
      plugins: ['conservazione'],
      env: {
        JOBS_ENABLED: 'false',
        CONSERVATION_URL: simulator.url,
        CONSERVATION_USER: 'versatore',
        CONSERVATION_PASSWORD: 'segreto',
        CONSERVATION_TIMEOUT_SECONDS: '2',
      },
    });
    world = await conservationWorld(env, clock);
  });
  after(async () => {
    await env?.close();
    await simulator?.stop();
  });

  it('a closed fascicolo with sottofascicoli and 200 documents: built once, every document conserved once', async () => {
    const tree = await closedSipTree(env, world.ids, world.nodes['2025']['VI/3/1'] ?? '', 200, (i) =>
      Readable.from([Buffer.from(`Nota ${i}: ${randomUUID()}`)]),
    );
    const pkg = await inUnit(env, (tx) =>
      createPackage(tx, { kind: PackageKind.FASCICOLO, aooId: world.ids.aooId, fascicoloId: tree.id }),
    );
    const result = await transfer(pkg.id);
    assert.deepEqual(
      {
        built: result.builtNow,
        sent: result.sent,
        green: result.green,
        red: result.red,
        orange: result.orange,
      },
      { built: true, sent: 200, green: 200, red: 0, orange: 0 },
    );
    const { pkg: done, items } = await stateOf(pkg.id);
    assert.equal(done.colour, ConservationColour.GREEN);
    assert.equal(done.lastError, null);
    assert.deepEqual(
      items.map((i) => i.documentId),
      tree.documentIds,
    );
    // The stored SIP is the one its digest names (its content is the SIP tests' subject).
    assert.equal(sha256Hex(await readBlob(done.sipBlobKey ?? '')), done.sipSha256);
    // The simulator checked every file against its request's digest, and holds each document once.
    for (const i of items) {
      assert.equal(i.colour, ConservationColour.GREEN);
      assert.equal(simulator.receivedCount(keyOf(i)), 1);
      assert.ok(simulator.conserved(keyOf(i)));
      assert.equal(sha256Hex(await readBlob(i.rapportoBlobKey ?? '')), i.rapportoSha256);
    }
    // A second run finds nothing to do: nothing is built or sent again.
    const again = await transfer(pkg.id);
    assert.deepEqual(
      { built: again.builtNow, sent: again.sent, green: again.green },
      { built: false, sent: 0, green: 200 },
    );
  });

  it('a digest tampered on the way turns red with the reason; corrected and resent, green', async () => {
    const pkg = await series('Contratti', 2);
    await simulator.setFault({ kind: 'tamper' });
    await transfer(pkg.id);
    await simulator.setFault(null);
    const { pkg: red, items } = await stateOf(pkg.id);
    assert.equal(red.colour, ConservationColour.RED);
    const rejected = items.filter((i) => i.colour === ConservationColour.RED);
    assert.ok(rejected.length >= 1);
    assert.ok(
      rejected.every((i) => i.reasons.some((r) => r.code === 'HASH-004-001' && r.componentId !== null)),
      JSON.stringify(rejected.map((i) => i.reasons)),
    );
    const again = await inUnit(env, (tx) => resendPackage(tx, pkg.id));
    await transfer(again.id);
    assert.equal((await stateOf(again.id)).pkg.colour, ConservationColour.GREEN);
  });

  it('a timeout stays orange and is retried: the retry asks first, and the document is conserved once', async () => {
    const pkg = await series('Delibere', 1);
    await simulator.setFault({ kind: 'delay', ms: 3500 });
    await assert.rejects(
      transfer(pkg.id),
      (e: { extensions?: { code?: string } }) => e.extensions?.code === 'CONSERVATOR_UNAVAILABLE',
    );
    await simulator.setFault(null);
    const waiting = await stateOf(pkg.id);
    assert.equal(waiting.pkg.colour, ConservationColour.ORANGE);
    assert.match(waiting.pkg.lastError ?? '', /.+/);
    assert.equal(waiting.items[0]?.sentCount, 1);
    await new Promise((r) => setTimeout(r, 2000)); // the delayed answer lands at the simulator
    await transfer(pkg.id);
    const { pkg: done, items } = await stateOf(pkg.id);
    assert.equal(done.colour, ConservationColour.GREEN);
    const [item] = items;
    assert.ok(item);
    assert.equal(simulator.receivedCount(keyOf(item)), 1, 'asked, not sent again');
  });

  it('the conservator down: orange, the reason recorded; back up, green', async () => {
    const pkg = await series('Ordinanze', 2);
    await simulator.setFault({ kind: 'down', mode: 'refuse' });
    await assert.rejects(transfer(pkg.id));
    await simulator.setFault(null);
    const down = await stateOf(pkg.id);
    assert.equal(down.pkg.colour, ConservationColour.ORANGE);
    assert.equal(down.pkg.attempts, 1);
    assert.ok(down.items.every((i) => i.colour === ConservationColour.ORANGE));
    await transfer(pkg.id);
    assert.equal((await stateOf(pkg.id)).pkg.colour, ConservationColour.GREEN);
  });

  it('an answer lost after the conservator kept the document: green once, marked already conserved', async () => {
    const pkg = await series('Decreti', 1);
    await simulator.setFault({ kind: 'drop-after-conserve' });
    await assert.rejects(transfer(pkg.id));
    await simulator.setFault(null);
    await transfer(pkg.id);
    const { items } = await stateOf(pkg.id);
    const [item] = items;
    assert.ok(item);
    assert.equal(item.colour, ConservationColour.GREEN);
    assert.equal(item.alreadyConserved, true);
    assert.equal(simulator.receivedCount(keyOf(item)), 1);
  });

  for (const fault of ['doctype', 'malformed', 'unknown-code'] as const) {
    it(`a response with ${fault}: a clear error, nothing changes`, async () => {
      const pkg = await series(`Risposta ${fault}`, 1);
      await simulator.setFault({ kind: fault });
      await assert.rejects(
        transfer(pkg.id),
        (e: { extensions?: { code?: string } }) => e.extensions?.code === 'CONSERVATOR_RESPONSE_INVALID',
      );
      await simulator.setFault(null);
      const { pkg: after, items } = await stateOf(pkg.id);
      assert.equal(after.colour, ConservationColour.ORANGE);
      assert.match(after.lastError ?? '', /.+/);
      assert.equal(items[0]?.colour, ConservationColour.ORANGE);
      assert.equal(items[0]?.rapportoBlobKey, null);
      assert.doesNotMatch(after.lastError ?? '', /root:|\/bin\/bash/, 'no external entity was read');
    });
  }

  for (const [attests, error] of [
    [
      'other-bytes',
      /does not attest the files sent: no component with SHA-256 [0-9a-f]{64}; components with digests not sent [0-9a-f]{64}/,
    ],
    ['other-unit', /names unit \S+9$/],
  ] as const) {
    it(`a rapporto attesting ${attests}: never green, the error kept, and asked again it stays so`, async () => {
      const pkg = await series(`Rapporto ${attests}`, 1);
      await simulator.setFault({ kind: 'false-rapporto', attests });
      const refused = (e: { message?: string; extensions?: { code?: string } }) =>
        e.extensions?.code === 'CONSERVATOR_RESPONSE_INVALID' && error.test(e.message ?? '');
      await assert.rejects(transfer(pkg.id), refused);
      await simulator.setFault(null);
      const first = await stateOf(pkg.id);
      assert.equal(first.pkg.colour, ConservationColour.ORANGE);
      assert.match(first.pkg.lastError ?? '', error);
      assert.equal(first.items[0]?.colour, ConservationColour.ORANGE);
      assert.equal(first.items[0]?.rapportoBlobKey, null);
      // The next run asks the conservator, which holds the unit with that same rapporto.
      await assert.rejects(transfer(pkg.id), refused);
      const { pkg: after, items } = await stateOf(pkg.id);
      const [item] = items;
      assert.ok(item);
      assert.equal(after.colour, ConservationColour.ORANGE);
      assert.equal(item.colour, ConservationColour.ORANGE);
      assert.equal(item.rapportoBlobKey, null);
      assert.equal(simulator.receivedCount(keyOf(item)), 1, 'asked, not sent again');
    });
  }

  it('the process killed mid-transfer: after the restart each document is conserved exactly once', async () => {
    const pkg = await series('Determine', 6);
    // Each answer takes a while, so the kill lands between documents (or during one).
    await simulator.setFault({ kind: 'delay', ms: 400 });
    const child = spawn(process.execPath, [DMS, 'conservazione', 'transfer', pkg.id], {
      env: {
        ...process.env,
        DATABASE_URL: env.databaseUrl,
        DATA_DIR: env.config.dataDir,
        ...(env.config.blob.driver === 'fs' ? { BLOB_DIR: env.config.blob.dir } : {}),
        JWT_SECRET: 'x'.repeat(43),
        LOG_LEVEL: 'warn',
        JOBS_ENABLED: 'false',
        DMS_PLUGINS: 'conservazione',
        CONSERVATION_URL: simulator.url,
        CONSERVATION_USER: 'versatore',
        CONSERVATION_PASSWORD: 'segreto',
      },
      stdio: 'ignore',
    });
    // Documents the conservator has received (a page is marked sent before its first send, so
    // the items' sent counts would not say how far the run got).
    const received = async () =>
      (await stateOf(pkg.id)).items.reduce((n, i) => n + simulator.receivedCount(keyOf(i)), 0);
    for (let i = 0; i < 600 && (await received()) < 3; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const killed = await stateOf(pkg.id);
    assert.ok(
      killed.items.some((i) => i.colour === ConservationColour.ORANGE),
      'killed before the end',
    );
    assert.ok(killed.pkg.builtAt, 'the SIP was built and stored before sending');
    await simulator.setFault(null);
    await new Promise((r) => setTimeout(r, 500)); // an answer in flight lands at the simulator
    // The restart: the lease died with the process; the run asks about what was sent.
    const result = await transfer(pkg.id);
    assert.equal(result.busy, false);
    const { pkg: done, items } = await stateOf(pkg.id);
    assert.equal(done.colour, ConservationColour.GREEN);
    for (const i of items) {
      assert.equal(i.colour, ConservationColour.GREEN);
      assert.equal(simulator.receivedCount(keyOf(i)), 1, `document ${i.position} sent once`);
    }
  });

  it('a page marked sent, then an answer lost to an unexpected error: the run stops, each document conserved exactly once', async () => {
    const pkg = await series('Verbali', 6);
    const ctx = await system();
    const config = env.platform.config.conservation;
    const real = httpConnector(config, await versatoreFor(ctx.em, config, world.ids.aooId));
    // The first document reaches the conservator and its answer is lost to an unexpected error
    // (as if the process died); the three sent beside it go only after that error.
    let calls = 0;
    let died: () => void = () => undefined;
    const death = new Promise<void>((resolve) => {
      died = resolve;
    });
    const dying: ConservationConnector = {
      ...real,
      send: async (submission) => {
        calls += 1;
        if (calls === 1) {
          await real.send(submission);
          died();
          throw new Error('the process died');
        }
        await death;
        return real.send(submission);
      },
    };
    await assert.rejects(runTransfer(ctx, pkg.id, { connector: dying }), /the process died/);
    // The unexpected error stops every worker: none takes another document after it.
    assert.equal(calls, 4, 'documents sent by the run');
    const stopped = await stateOf(pkg.id);
    // The whole page was marked sent before the first send, in one transaction.
    assert.ok(stopped.items.every((i) => i.sentCount === 1));
    const [first] = stopped.items.filter(
      (i) => simulator.receivedCount(keyOf(i)) === 1 && i.colour === ConservationColour.ORANGE,
    );
    assert.ok(first, 'the document whose answer was lost is orange');
    assert.deepEqual(
      stopped.items.map((i) => i.colour).sort(),
      ['GREEN', 'GREEN', 'GREEN', 'ORANGE', 'ORANGE', 'ORANGE'],
      'the answers received were recorded',
    );
    // The restart asks about every marked document: the one kept is recorded, the others sent once.
    const result = await transfer(pkg.id);
    assert.deepEqual({ sent: result.sent, green: result.green }, { sent: 2, green: 6 });
    const { pkg: done, items } = await stateOf(pkg.id);
    assert.equal(done.colour, ConservationColour.GREEN);
    for (const i of items) {
      assert.equal(i.colour, ConservationColour.GREEN);
      assert.equal(simulator.receivedCount(keyOf(i)), 1, `document ${i.position} sent once`);
      assert.equal(i.alreadyConserved, i.id === first.id, `document ${i.position} already conserved`);
    }
    // A third run finds nothing to do and sends nothing.
    const again = await transfer(pkg.id);
    assert.deepEqual({ sent: again.sent, green: again.green }, { sent: 0, green: 6 });
    assert.equal(simulator.receivedCount(keyOf(first)), 1);
  });

  it('on 2 January the fascicoli closed more than a year before go, each in a package of its own', async () => {
    const old = await world.tree(2, 1, { oggetto: 'Lavori conclusi' });
    const ctx = await system();
    clock.set('2027-01-02T03:00:00Z');
    const run = (await yearlyFascicoliJob.run(ctx, {})) as { packages: number; skipped: number };
    const [pkg] = await sql<{ id: string; kind: string; colour: string }>(
      env,
      'select id, kind, colour from conservation_package where fascicolo_id = $1',
      [old.fascicoloId],
    );
    assert.ok(pkg, 'the old fascicolo has its package');
    assert.equal(pkg.kind, 'FASCICOLO');
    assert.ok(run.packages >= 1);
    // Conserved or waiting: the next year's run leaves it alone.
    clock.set('2028-01-02T03:00:00Z');
    await yearlyFascicoliJob.run(ctx, {});
    const again = await sql(env, 'select 1 from conservation_package where fascicolo_id = $1', [
      old.fascicoloId,
    ]);
    assert.equal(again.length, 1);
  });

  async function readBlob(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of await env.platform.blobs.get(key)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
});
