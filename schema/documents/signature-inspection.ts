import type { BlobStore, StoredBlob } from '../../server/blob/blob-store.js';
import {
  DocumentFormat,
  MAX_IN_MEMORY_SIGNED_BYTES,
  SIGNATURE_STATUS_LABELS,
  SignatureStatus,
  verifySignature,
  type FormatInspection,
  type SignatureKind,
  type SignatureOutcome,
} from './inspection/index.js';
import { Semaphore } from './semaphore.js';
import type { StoredSignature } from './stored-file.entity.js';

/**
 * Signed files verified at once, process-wide. Each is held whole in memory (up to
 * MAX_IN_MEMORY_SIGNED_BYTES, several times that while parsed); more uploads wait their turn.
 */
export const MAX_CONCURRENT_VERIFICATIONS = 2;
const verifications = new Semaphore(MAX_CONCURRENT_VERIFICATIONS);

export interface SignatureRecord {
  kind: SignatureKind;
  status: SignatureStatus;
  detail: StoredSignature;
}

/**
 * Verifies the signature of a stored file when its bytes suggest one (a .p7m, a PDF with a
 * signature field, XML). Signed files are read back from storage, up to the in-memory limit
 * and at most MAX_CONCURRENT_VERIFICATIONS at once; the outcome is recorded and never blocks
 * anything (DOMAIN §10). `at`: the verification time (request clock) for signers that state
 * no signing time. `verify` is replaceable for tests.
 */
export async function inspectSignature(
  blobs: BlobStore,
  stored: StoredBlob,
  format: FormatInspection,
  at: Date,
  verify: (bytes: Buffer, options: { at: Date }) => Promise<SignatureOutcome> = verifySignature,
): Promise<SignatureRecord> {
  const mayBeSigned = format.signatureHint !== undefined || format.format === DocumentFormat.XML;
  if (!mayBeSigned)
    return record({
      status: SignatureStatus.FIRMA_MANCANTE,
      kind: 'NONE',
      detail: 'no digital signature found',
    });
  if (stored.size > MAX_IN_MEMORY_SIGNED_BYTES) {
    return record({
      status: SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA,
      kind: format.signatureHint ?? 'NONE',
      detail: `signed file larger than ${MAX_IN_MEMORY_SIGNED_BYTES} bytes: not verified in memory`,
    });
  }
  // Read and verified in memory: a turn bounds how many such copies the process holds at once.
  return verifications.use(async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of await blobs.get(stored.key)) chunks.push(chunk as Buffer);
    return fromOutcome(await verify(Buffer.concat(chunks), { at }));
  });
}

function record(o: { status: SignatureStatus; kind: SignatureKind; detail: string }): SignatureRecord {
  return {
    kind: o.kind,
    status: o.status,
    detail: {
      kind: o.kind,
      label: SIGNATURE_STATUS_LABELS[o.status],
      detail: o.detail,
      signingTime: null,
      envelopeDepth: 0,
      signers: [],
    },
  };
}

export function fromOutcome(o: SignatureOutcome): SignatureRecord {
  return {
    kind: o.kind,
    status: o.status,
    detail: {
      kind: o.kind,
      label: o.label,
      detail: o.detail,
      signingTime: o.signingTime?.toISOString() ?? null,
      envelopeDepth: o.envelopeDepth,
      signers: o.signers.map((s) => ({
        ...s,
        notBefore: s.notBefore.toISOString(),
        notAfter: s.notAfter.toISOString(),
      })),
    },
  };
}
