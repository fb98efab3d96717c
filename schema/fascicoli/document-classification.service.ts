import DataLoader from 'dataloader';
import { forbidden } from '../../server/auth/auth-checker.js';
import { romeDay } from '../../server/clock.js';
import { loader, type RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { directSql } from '../../server/db/direct-sql.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import { DomainError } from '../../server/errors/domain-error.js';
import { grouped } from '../../server/graphql/loader-helpers.js';
import { type Document, DocumentKind, findVisibleDocument } from '../documents/index.js';
import { resolveClassification } from '../titolario/index.js';
import { classificationAgrees, classificationMismatch } from './classification-agreement.js';
import type {
  ClassifyDocumentInput,
  DocumentClassificationVersion,
} from './document-classification.types.js';
import { primaryFilingOf } from './filing.service.js';
import { FASCICOLO_MANAGE } from './permissions.js';

/** At most this many versions a document's classification history shows. */
export const MAX_CLASSIFICATION_VERSIONS = 100;

interface VersionRow {
  document_id: string;
  version: number;
  classification_id: string;
  previous_classification_id: string | null;
  at: Date;
  actor_id: string | null;
}

/**
 * Classifies a document non protocollato (DOMAIN §2: every document, protocolled or not, is
 * classified): a leaf of the titolario in force today, agreeing with its primary fascicolo if it
 * has one. Each change is a version row with the node before, who and when, and an audit row;
 * the same node again makes no version. A registered document is refused: its classification
 * is a managed field of its protocol record (the database refuses the row too).
 */
export async function classifyDocument(ctx: RequestContext, input: ClassifyDocumentInput): Promise<Document> {
  return withTransaction(ctx, async (tx) => {
    const doc = await findVisibleDocument(tx, tx.em, input.documentId);
    if (!tx.grants.covers(FASCICOLO_MANAGE, doc.aoo.id, doc.uor.id)) {
      throw forbidden("classify this office's documents (needs FASCICOLO_MANAGE over its UOR)");
    }
    // The document row lock: classifications of one document, and its registration, take turns.
    const locked = await tx.em.execute<Array<{ kind: DocumentKind }>>(
      'select kind from document where id = ? for update',
      [doc.id],
    );
    if (locked[0]?.kind === DocumentKind.PROTOCOLLATO) {
      throw new DomainError(
        'DOCUMENT_CLASSIFIED_IN_PROTOCOL',
        `input.documentId: document ${doc.id} is registered in the protocol; change its classification on the record with updateProtocolFields`,
        { field: 'input.documentId' },
      );
    }
    const { node } = await resolveClassification(tx, {
      aooId: doc.aoo.id,
      nodeId: input.classificationId,
      day: romeDay(tx.clock.now()),
    });
    if (!node.leaf) {
      throw new DomainError(
        'DOCUMENT_CLASSIFICATION_NOT_LEAF',
        `input.classificationId: ${node.fullCode} has subdivisions; classify on one of its last-level nodes`,
        { field: 'input.classificationId' },
      );
    }
    const primary = await primaryFilingOf(tx, doc.id);
    if (primary && !(await classificationAgrees(tx, node.id, primary.classificationId))) {
      throw classificationMismatch('input.classificationId', primary.fascicoloId);
    }
    const last = (
      await tx.em.execute<Array<{ version: number; classification_id: string }>>(
        'select version, classification_id from document_classification where document_id = ? order by version desc limit 1',
        [doc.id],
      )
    )[0];
    if (last?.classification_id === node.id) return doc;
    const version = (last?.version ?? 0) + 1;
    const previous = last?.classification_id ?? null;
    await tx.em.execute(
      `insert into document_classification (document_id, version, classification_id, previous_classification_id, at, actor_id)
       values (?, ?, ?, ?, ?, ?)`,
      [doc.id, version, node.id, previous, tx.clock.now(), tx.user?.id ?? null],
      'run',
    );
    await tx.audit({
      aooId: doc.aoo.id,
      operation: 'document.classify',
      targetType: 'Document',
      targetId: doc.id,
      changes: { classificationId: [previous, node.id], version },
    });
    return doc;
  });
}

/**
 * Per-request loaders of documents' classification versions, oldest first; callers pass only
 * visible documents (the classification is read through the document).
 */
export function classificationVersionsLoader(
  ctx: RequestContext,
): DataLoader<string, DocumentClassificationVersion[]> {
  return loader(
    ctx,
    'fascicoli.classificationVersions',
    () =>
      new DataLoader<string, DocumentClassificationVersion[]>(async (ids) => {
        const rows = await ctx.em.execute<VersionRow[]>(
          `select * from (
             select c.*, row_number() over (partition by c.document_id order by c.version desc) as nth
               from document_classification c where c.document_id = any(?::uuid[])) v
            where v.nth <= ? order by v.document_id, v.version`,
          [pgArray([...ids]), MAX_CLASSIFICATION_VERSIONS],
        );
        return grouped(
          rows.map((r) => ({
            documentId: r.document_id,
            version: Number(r.version),
            classificationId: r.classification_id,
            previousClassificationId: r.previous_classification_id,
            classifiedAt: new Date(r.at),
            actorId: r.actor_id,
          })),
          ids,
          (v) => v.documentId,
        );
      }),
  );
}

/** The node a document non protocollato is classified on now, or null (loaded with the versions). */
export async function currentDocumentClassification(
  ctx: RequestContext,
  documentId: string,
): Promise<string | null> {
  const versions = await classificationVersionsLoader(ctx).load(documentId);
  return versions.at(-1)?.classificationId ?? null;
}

/**
 * The node the document whose id is the SQL expression `documentId` is classified on now, or
 * null: documentClassificationOf as a scalar subquery, for a caller's statement that reads it
 * beside other things.
 */
export function documentClassificationSql(documentId: string): string {
  return `(select classification_id from document_classification where document_id = ${documentId}
            order by version desc limit 1)`;
}

/** The node a document non protocollato is classified on now, read in the caller's transaction. */
export async function documentClassificationOf(
  ctx: RequestContext,
  documentId: string,
): Promise<string | null> {
  const rows = await directSql<{ classification_id: string }>(
    ctx.em,
    'select classification_id from document_classification where document_id = ? order by version desc limit 1',
    [documentId],
  );
  return rows[0]?.classification_id ?? null;
}
