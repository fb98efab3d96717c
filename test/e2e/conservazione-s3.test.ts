import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Client } from 'minio';
import {
  ConservationColour,
  ConservationItem,
  ConservationPackage,
  createPackage,
  PackageKind,
} from '../../plugins/conservazione/package/index.js';
import {
  startConservatorSimulator,
  type ConservatorSimulator,
} from '../../plugins/conservazione/simulator/index.js';
import { runTransfer } from '../../plugins/conservazione/transfer/index.js';
import { systemContext } from '../../server/context.js';
import { SettableClock } from '../harness/clock.js';
import { conservationWorld, type ConservationWorld } from '../harness/conservazione-fixtures.js';
import { closedSipTree } from '../harness/conservazione-sip-fixtures.js';
import { inUnit } from '../harness/fascicoli-fixtures.js';
import { sha256Hex } from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const run = promisify(execFile);

/**
 * A conservation package built and sent with the S3 blob driver (the production store, here an
 * S3-protocol server on loopback): the SIP zip streamed into the bucket through the driver's
 * spool, the documents read back from it to the conservator simulator, the rapporti stored in
 * it. What is in the bucket is read with a client of its own, not through the store.
 */
describe('conservation on the S3 blob store', () => {
  const clock = new SettableClock('2025-06-15T10:00:00Z');
  let env: TestEnv;
  let world: ConservationWorld;
  let simulator: ConservatorSimulator;
  let bucket: { client: Client; name: string };

  before(async () => {
    simulator = await startConservatorSimulator({ user: 'versatore', password: 'segreto' });
    env = await startTestEnv({
      clock,
      blobDriver: 's3',
      plugins: ['conservazione'],
      env: {
        JOBS_ENABLED: 'false',
        CONSERVATION_URL: simulator.url,
        CONSERVATION_USER: 'versatore',
        CONSERVATION_PASSWORD: 'segreto',
      },
    });
    assert.ok(env.s3);
    const { endPoint, port, useSSL, accessKey, secretKey, region } = env.s3.config;
    bucket = {
      client: new Client({ endPoint, port, useSSL, accessKey, secretKey, region }),
      name: env.s3.bucket,
    };
    world = await conservationWorld(env, clock);
  });
  after(async () => {
    await env?.close();
    await simulator?.stop();
  });

  /** An object as the bucket holds it. */
  const object = async (key: string | null): Promise<Buffer> => {
    assert.ok(key);
    const chunks: Buffer[] = [];
    for await (const c of await bucket.client.getObject(bucket.name, key)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };

  it('a closed fascicolo: the SIP zip in the bucket is whole and its digest, every document green with its rapporto', async () => {
    const tree = await closedSipTree(env, world.ids, world.nodes['2025']['VI/3/1'] ?? '', 12, (i) =>
      Readable.from([Buffer.from(`Verbale ${i}: ${randomUUID()}`)]),
    );
    const pkg = await inUnit(env, (tx) =>
      createPackage(tx, { kind: PackageKind.FASCICOLO, aooId: world.ids.aooId, fascicoloId: tree.id }),
    );
    const ctx = await systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'test' });
    const result = await runTransfer(ctx, pkg.id);
    assert.deepEqual(
      { sent: result.sent, green: result.green, red: result.red, orange: result.orange },
      { sent: 12, green: 12, red: 0, orange: 0 },
    );

    const done = await ctx.em.fork().findOneOrFail(ConservationPackage, { id: pkg.id });
    assert.equal(done.colour, ConservationColour.GREEN);
    const sip = await object(done.sipBlobKey);
    assert.equal(sip.length, done.sipSize);
    assert.equal(sha256Hex(sip), done.sipSha256);
    assert.equal(sha256Hex(await object(done.pindexBlobKey)), done.pindexSha256);
    // Read back by an independent reader: every entry's CRC checks.
    const dir = await mkdtemp(path.join(tmpdir(), 'dms-s3-sip-'));
    try {
      const file = path.join(dir, 'sip.zip');
      await writeFile(file, sip);
      const { stdout } = await run('unzip', ['-t', file]);
      assert.match(stdout, /No errors detected/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const items = await ctx.em.fork().find(ConservationItem, { packageId: pkg.id });
    assert.equal(items.length, 12);
    for (const item of items) {
      assert.equal(item.colour, ConservationColour.GREEN);
      assert.equal(sha256Hex(await object(item.rapportoBlobKey)), item.rapportoSha256);
    }
  });
});
