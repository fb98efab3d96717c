import { Readable } from 'node:stream';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import type { Aoo, Uor, User } from '../../organisation/index.js';
import { DocumentAccess, DocumentAccessReason } from '../document-access.entity.js';
import { DocumentKind, SignatureStatus } from '../document-enums.js';
import { DocumentFile } from '../document-file.entity.js';
import { Document } from '../document.entity.js';
import { StoredFile } from '../stored-file.entity.js';

export interface DemoDraft {
  aoo: Aoo;
  uor: Uor;
  createdBy: User;
  oggetto: string;
  /** The primary file's text, then each attachment's (plain text, stored for real). */
  texts: readonly string[];
  /** File names, in the order of texts. */
  names: readonly string[];
  createdAt: Date;
  /** A protocollo particolare draft, seen only by its creator (named, 001 §8.10). */
  particolare?: boolean;
  /** The attachments' description (default "Allegato"). */
  attachmentDescription?: string;
}

/**
 * A draft document of the demo (for the other modules' demo registrations): plain-text files
 * stored in the blob store, the first primary and the others attachments, not yet registered.
 * Demo data only: it is written directly, as the other demo seeds do, in the seeding unit of work.
 */
export async function createDemoDraft(
  tx: UnitOfWork,
  d: DemoDraft,
): Promise<{ document: Document; files: StoredFile[] }> {
  const { em } = tx;
  const files: StoredFile[] = [];
  for (const [n, text] of d.texts.entries()) {
    const stored = await tx.platform.blobs.put(Readable.from([Buffer.from(text)]));
    files.push(
      em.create(StoredFile, {
        sha256: stored.sha256,
        size: stored.size,
        blobKey: stored.key,
        mediaType: 'text/plain',
        declaredMediaType: 'text/plain',
        originalName: d.names[n] ?? `allegato-${n}.txt`,
        format: 'TXT' as StoredFile['format'],
        formatAccepted: true,
        pdfaPart: null,
        signatureKind: 'NONE',
        signatureStatus: SignatureStatus.FIRMA_MANCANTE,
        signatureDetail: {
          kind: 'NONE',
          label: 'firma mancante',
          detail: 'plain text: no signature',
          signingTime: null,
          envelopeDepth: 0,
          signers: [],
        },
        uploadedBy: d.createdBy,
        uploadedAt: d.createdAt,
      }),
    );
  }
  const doc = em.create(Document, {
    aoo: d.aoo,
    uor: d.uor,
    kind: DocumentKind.NON_PROTOCOLLATO,
    oggetto: d.oggetto,
    createdBy: d.createdBy,
    createdAt: d.createdAt,
    particolare: d.particolare ?? false,
  });
  if (d.particolare) {
    em.create(DocumentAccess, {
      document: doc,
      user: d.createdBy,
      reason: DocumentAccessReason.NAMED,
      grantedBy: d.createdBy,
      grantedAt: d.createdAt,
    });
  }
  files.forEach((file, position) =>
    em.create(DocumentFile, {
      createdAt: d.createdAt,
      document: doc,
      file,
      position,
      version: 1,
      description: position > 0 ? (d.attachmentDescription ?? 'Allegato') : null,
      createdBy: d.createdBy,
    }),
  );
  await em.flush();
  return { document: doc, files };
}
