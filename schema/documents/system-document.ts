import { Readable } from 'node:stream';
import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { Aoo, Uor, User } from '../organisation/index.js';
import { blobLockKey } from './blob-lock.js';
import { DocumentFormat, DocumentKind, SignatureStatus } from './document-enums.js';
import { DocumentFile } from './document-file.entity.js';
import { Document } from './document.entity.js';
import { StoredFile } from './stored-file.entity.js';

export interface SystemDocumentInput {
  aooId: string;
  /** The owning office: who holds PROTOCOL_READ over it sees the document. */
  uorId: string;
  /** The user the document is recorded as created by (a person answerable for it, e.g. the RGD). */
  createdById: string;
  oggetto: string;
}

export interface SystemFileInput {
  bytes: Buffer;
  name: string;
  mediaType: string;
  format: DocumentFormat;
  /** Whether the format is in the accepted list (001 §3.2.2). */
  formatAccepted: boolean;
  description?: string | null;
}

/**
 * Creates a document the platform produces itself (the daily register), with its files, in the caller's
 * transaction: each file's bytes go to the blob store under their SHA-256 first (a rollback
 * leaves an orphan object for the collector, as an upload does), then its row under the digest's
 * advisory lock shared with the orphan collector. The caller registers the document (a
 * repertorio, the protocol), which freezes its files for good.
 */
export async function createSystemDocument(tx: UnitOfWork, input: SystemDocumentInput): Promise<Document> {
  const document = tx.em.create(Document, {
    aoo: tx.em.getReference(Aoo, input.aooId),
    uor: tx.em.getReference(Uor, input.uorId),
    kind: DocumentKind.NON_PROTOCOLLATO,
    oggetto: input.oggetto,
    createdBy: tx.em.getReference(User, input.createdById),
    createdAt: tx.clock.now(),
  });
  await tx.em.flush();
  return document;
}

/** Adds the files, in slot order from 0, to a document of createSystemDocument (see there). */
export async function addSystemFiles(
  tx: UnitOfWork,
  document: Document,
  files: readonly SystemFileInput[],
): Promise<StoredFile[]> {
  const { em } = tx;
  const at = tx.clock.now();
  const createdBy = document.createdBy;
  const stored: StoredFile[] = [];
  for (const [position, f] of files.entries()) {
    const blob = await tx.platform.blobs.put(Readable.from([f.bytes]));
    await em.execute('select pg_advisory_xact_lock(?)', [blobLockKey(blob.sha256)]);
    const file = em.create(StoredFile, {
      sha256: blob.sha256,
      size: blob.size,
      blobKey: blob.key,
      mediaType: f.mediaType,
      declaredMediaType: f.mediaType,
      originalName: f.name,
      format: f.format,
      formatAccepted: f.formatAccepted,
      pdfaPart: null,
      signatureKind: 'NONE',
      signatureStatus: SignatureStatus.FIRMA_MANCANTE,
      signatureDetail: {
        kind: 'NONE',
        label: 'firma mancante',
        detail: 'produced by the platform; a detached seal, if any, is a file of its own',
        signingTime: null,
        envelopeDepth: 0,
        signers: [],
      },
      uploadedBy: createdBy,
      uploadedAt: at,
    });
    em.create(DocumentFile, {
      createdAt: at,
      document,
      file,
      position,
      version: 1,
      description: f.description ?? null,
      createdBy,
    });
    stored.push(file);
  }
  await em.flush();
  return stored;
}
