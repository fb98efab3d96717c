import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  DocumentFormat,
  SIGNATURE_STATUS_LABELS,
  SignatureStatus,
  type FormatInspection,
  type SignatureOutcome,
} from '../../schema/documents/inspection/index.js';
import {
  MAX_CONCURRENT_VERIFICATIONS,
  inspectSignature,
} from '../../schema/documents/signature-inspection.js';
import type { StoredBlob } from '../../server/blob/blob-store.js';
import { FsBlobStore } from '../../server/blob/fs-blob-store.js';
import { sleep } from '../harness/files-helpers.js';

const P7M: FormatInspection = {
  format: DocumentFormat.P7M,
  mediaType: 'application/pkcs7-mime',
  extension: 'p7m',
  accepted: true,
  size: 0,
  pdfA: undefined,
  signatureHint: 'CADES',
};

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Signed uploads are read whole into memory to be verified: however many arrive together, at
 * most MAX_CONCURRENT_VERIFICATIONS copies are held at once (10 concurrent 60 MB .p7m took the
 * process from 280 to 983 MB RSS).
 */
describe('signature verification memory bound', () => {
  let dir: string;
  let store: FsBlobStore;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dms-signature-limit-'));
    store = new FsBlobStore({ driver: 'fs', dir });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`reads and verifies at most ${MAX_CONCURRENT_VERIFICATIONS} signed files at once, then the others in turn`, async () => {
    const blobs: StoredBlob[] = [];
    for (let i = 0; i < 6; i++) blobs.push(await store.put(Readable.from([randomBytes(4096)])));

    // In memory: from the read of the stored object until its verification ends.
    let inMemory = 0;
    let peak = 0;
    let reads = 0;
    const get = store.get.bind(store);
    store.get = async (key, range) => {
      reads++;
      inMemory++;
      peak = Math.max(peak, inMemory);
      return get(key, range);
    };
    const gates: Array<() => void> = [];
    let arrived = deferred();
    const verify = async (bytes: Buffer): Promise<SignatureOutcome> => {
      assert.equal(bytes.length, 4096);
      const gate = deferred();
      gates.push(gate.resolve);
      arrived.resolve();
      await gate.promise;
      inMemory--;
      return {
        status: SignatureStatus.FIRMA_VALIDA,
        label: SIGNATURE_STATUS_LABELS[SignatureStatus.FIRMA_VALIDA],
        kind: 'CADES',
        signers: [],
        signingTime: undefined,
        envelopeDepth: 1,
        detail: 'verified (test double)',
      };
    };

    const results = Promise.all(blobs.map((b) => inspectSignature(store, b, P7M, new Date(), verify)));
    let released = 0;
    while (released < blobs.length) {
      while (gates.length === 0) {
        await arrived.promise;
        arrived = deferred();
      }
      // Time for anything unbounded to start reading more objects.
      await sleep(30);
      assert.ok(inMemory <= MAX_CONCURRENT_VERIFICATIONS, `${inMemory} signed files in memory at once`);
      assert.equal(reads - released, inMemory);
      gates.shift()?.();
      released++;
    }
    const records = await results;
    assert.deepEqual(
      records.map((r) => r.status),
      Array(blobs.length).fill(SignatureStatus.FIRMA_VALIDA),
    );
    assert.equal(reads, blobs.length);
    assert.equal(peak, MAX_CONCURRENT_VERIFICATIONS, 'the limit is used, not only respected');
  });
});
