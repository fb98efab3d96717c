import { Readable } from 'node:stream';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { DEMO_AOO_CODE, Uor, User } from '../../organisation/index.js';
import { Document } from '../document.entity.js';
import { DocumentAccess, DocumentAccessReason } from '../document-access.entity.js';
import { DocumentKind } from '../document-enums.js';
import { DocumentFile } from '../document-file.entity.js';
import { inspectStream } from '../inspection/index.js';
import { inspectSignature } from '../signature-inspection.js';
import { StoredFile } from '../stored-file.entity.js';
import { demoPdf } from './demo-pdf.js';
import { SIGNED_DELIBERA_P7M } from './signed-demo-file.js';

interface DemoFile {
  name: string;
  mediaType: string;
  bytes: Buffer;
}

interface DemoDocument {
  uor: string;
  creator: string;
  oggetto: string;
  files: DemoFile[];
  /** Riservato until this many days from the seed, with these users involved besides the creator. */
  reserved?: { days: number; involved: string[] };
}

const pdf = (name: string, title: string, ...lines: string[]): DemoFile => ({
  name,
  mediaType: 'application/pdf',
  bytes: demoPdf(title, lines),
});

/** Drafts in several offices, so every demo user's document list shows something. */
export const DEMO_DOCUMENTS: readonly DemoDocument[] = [
  {
    uor: 'RAG',
    creator: 'rpa.ragioneria',
    oggetto: 'Determina n. 45/2026 - impegno di spesa per la manutenzione del verde pubblico',
    files: [
      pdf(
        'determina-45-2026.pdf',
        'Determina n. 45/2026',
        'Impegno di spesa: euro 18.400,00.',
        'Capitolo 1234.',
      ),
      pdf('preventivo-verde.pdf', 'Preventivo Verde Srl', 'Manutenzione aree verdi, anno 2027.'),
    ],
  },
  {
    uor: 'RAG',
    creator: 'protocollista',
    oggetto: 'Fattura n. 2026/118 della ditta Verde Srl',
    files: [pdf('fattura-2026-118.pdf', 'Fattura n. 2026/118', 'Imponibile euro 15.081,97, IVA 22%.')],
  },
  {
    uor: 'TRIB',
    creator: 'rpa.ragioneria',
    oggetto: 'Avviso di accertamento IMU 2024 - posizione n. 3321',
    files: [pdf('avviso-imu-3321.pdf', 'Avviso di accertamento IMU 2024', 'Posizione n. 3321.')],
  },
  {
    uor: 'TEC',
    creator: 'rpa.tecnico',
    oggetto: 'Permesso di costruire n. 12/2026 - via Roma 15',
    files: [
      pdf('permesso-12-2026.pdf', 'Permesso di costruire n. 12/2026', 'Immobile in via Roma 15.'),
      pdf('planimetria.pdf', 'Planimetria', 'Tavola 1 di 3.'),
    ],
  },
  {
    uor: 'LLPP',
    creator: 'rpa.tecnico',
    oggetto: 'Verbale di consegna dei lavori di rifacimento dei marciapiedi',
    files: [pdf('verbale-consegna.pdf', 'Verbale di consegna lavori', 'Cantiere di via Garibaldi.')],
  },
  {
    uor: 'SEG',
    creator: 'rgd',
    oggetto: 'Delibera di Giunta n. 12/2026 - piano triennale delle opere pubbliche 2027-2029',
    files: [
      {
        name: 'delibera-giunta-12-2026.pdf.p7m',
        mediaType: 'application/pkcs7-mime',
        bytes: SIGNED_DELIBERA_P7M,
      },
    ],
  },
  {
    uor: 'PROT',
    creator: 'protocollista',
    oggetto: 'Richiesta di accesso agli atti del sig. Giuseppe Verdi',
    files: [pdf('richiesta-accesso.pdf', 'Richiesta di accesso agli atti', 'Ai sensi della legge 241/1990.')],
  },
  {
    uor: 'RAG',
    creator: 'rgd',
    oggetto: 'Esposto riservato sull\u2019appalto della mensa scolastica',
    files: [pdf('esposto.pdf', 'Esposto', 'Contenuto riservato.')],
    reserved: { days: 365, involved: ['rpa.ragioneria'] },
  },
];

/**
 * Stores the demo files (bytes at their content-addressed keys, format and signature inspected
 * as for an upload) and creates the demo documents in the demo AOO's offices, in the seed's
 * transaction; nothing when the demo AOO is absent or has documents already.
 */
export async function seedDemoDocuments(tx: UnitOfWork): Promise<boolean> {
  const { em, platform } = tx;
  const blobs = platform.blobs;
  const aooUorList = await em.find(Uor, { aoo: { code: DEMO_AOO_CODE } }, { populate: ['aoo'] });
  const aoo = aooUorList[0]?.aoo;
  if (!aoo || (await em.count(Document, { aoo })) > 0) return false;
  const aooUors = new Map(aooUorList.map((u) => [u.code, u]));
  const creators = new Set(DEMO_DOCUMENTS.flatMap((d) => [d.creator, ...(d.reserved?.involved ?? [])]));
  const users = new Map(
    (await em.find(User, { username: { $in: [...creators] } })).map((u) => [u.username, u]),
  );
  const now = tx.clock.now();
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  for (const [index, d] of DEMO_DOCUMENTS.entries()) {
    const uor = aooUors.get(d.uor);
    const creator = users.get(d.creator);
    if (!uor || !creator) throw new Error(`demo document ${d.oggetto}: unknown UOR or user`);
    const files: StoredFile[] = [];
    for (const f of d.files) {
      const stored = await blobs.put(Readable.from([f.bytes]));
      const format = await inspectStream(Readable.from([f.bytes]));
      const signature = await inspectSignature(blobs, stored, format, now);
      files.push(
        em.create(StoredFile, {
          sha256: stored.sha256,
          size: stored.size,
          blobKey: stored.key,
          mediaType: format.mediaType,
          declaredMediaType: f.mediaType,
          originalName: f.name,
          format: format.format,
          formatAccepted: format.accepted,
          pdfaPart: null,
          signatureKind: signature.kind,
          signatureStatus: signature.status,
          signatureDetail: signature.detail,
          uploadedBy: creator,
          uploadedAt: now,
        }),
      );
    }
    const doc = em.create(Document, {
      aoo: uor.aoo,
      uor,
      kind: DocumentKind.NON_PROTOCOLLATO,
      oggetto: d.oggetto,
      createdBy: creator,
      // A minute apart, oldest first, so "newest first" lists them in a stable order.
      createdAt: new Date(now.getTime() - (DEMO_DOCUMENTS.length - index) * 60_000),
      reservedUntil: d.reserved ? day(d.reserved.days) : null,
    });
    files.forEach((file, position) =>
      em.create(DocumentFile, {
        createdAt: now,
        document: doc,
        file,
        position,
        version: 1,
        createdBy: creator,
      }),
    );
    for (const username of d.reserved ? [d.creator, ...d.reserved.involved] : []) {
      const user = users.get(username);
      if (!user) throw new Error(`demo document ${d.oggetto}: unknown user ${username}`);
      em.create(DocumentAccess, {
        grantedAt: now,
        document: doc,
        user,
        reason: DocumentAccessReason.INVOLVED,
        grantedBy: creator,
      });
    }
  }
  return true;
}
