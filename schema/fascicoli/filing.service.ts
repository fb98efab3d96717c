import type { RequestContext } from '../../server/context.js';
import { withTransaction, type UnitOfWork } from '../../server/db/unit-of-work.js';
import { directSql } from '../../server/db/direct-sql.js';
import { DomainError, InvalidInputError, NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { isProtocollatoLocked, visibleDocumentIds } from '../documents/index.js';
import type { DocumentFiling } from './document-filing.types.js';
import { DocumentFiled, DocumentUnfiled } from './fascicolo-events.js';
import type { Fascicolo } from './fascicolo.entity.js';
import type { FileDocumentInput } from './fascicolo.inputs.js';
import { fascicoloIdentifier, requireManage, requireOpen } from './fascicolo-rules.js';
import { findVisibleFascicolo } from './fascicolo-visibility.js';

/** The fascicoli a document may be filed in at once (bounds Document.fascicoli for query cost). */
export const MAX_FASCICOLI_PER_DOCUMENT = 20;

/**
 * Who files. The primary fascicolo of a document registered in the protocol is a managed field
 * of its record (DOMAIN §5), changed with the record's history by the protocol module only: it
 * passes `byProtocolRecord` (this module cannot see records, module order); every other caller,
 * the GraphQL mutations first, is refused a change of that primary filing.
 */
export interface FilingOptions {
  byProtocolRecord?: boolean;
}

/**
 * Filing is history (DOMAIN §3): each filing and unfiling is a row of fascicolo_filing, never an
 * update; what is filed now is the last step per (fascicolo, document). A document has at most
 * one primary fascicolo and any number of linked ones. Filings of one document take turns
 * (a transaction lock on the document id), so two primaries cannot both slip in.
 */
export async function fileDocument(
  ctx: RequestContext,
  input: FileDocumentInput,
  options: FilingOptions = {},
): Promise<DocumentFiling> {
  return withTransaction(ctx, async (tx) => {
    const f = await findVisibleFascicolo(tx, tx.em, input.fascicoloId, true);
    requireManage(tx, f, 'file documents here');
    await requireVisibleDocument(tx, f, input.documentId);
    requireOpen(f);
    await lockDocumentFilings(tx, input.documentId);
    const current = await tx.em.execute<Array<{ fascicolo_id: string; is_primary: boolean }>>(
      'select fascicolo_id, is_primary from fascicolo_filing_current where document_id = ?',
      [input.documentId],
    );
    if (current.some((c) => c.fascicolo_id === f.id)) {
      throw new DomainError(
        'DOCUMENT_ALREADY_FILED',
        `document ${input.documentId} is already in ${fascicoloIdentifier(f)}`,
        {
          field: 'documentId',
        },
      );
    }
    if (current.length >= MAX_FASCICOLI_PER_DOCUMENT) {
      throw new DomainError(
        'LIMIT_REACHED',
        `documentId: at most ${MAX_FASCICOLI_PER_DOCUMENT} fascicoli per document`,
        { field: 'documentId', limit: MAX_FASCICOLI_PER_DOCUMENT },
      );
    }
    const hasPrimary = current.some((c) => c.is_primary);
    const primary = input.primary ?? !hasPrimary;
    if (primary) await requirePrimaryFilingFree(tx, input.documentId, options, 'primary');
    if (primary && hasPrimary) {
      throw new DomainError(
        'DOCUMENT_PRIMARY_FASCICOLO_EXISTS',
        `document ${input.documentId} already has a primary fascicolo: file it with primary: false, or unfile it from there first`,
        { field: 'primary' },
      );
    }
    return insertFiling(tx, f, input.documentId, primary);
  });
}

/** The filing row of a document the caller checked, its audit row and event. */
export async function insertFiling(
  tx: UnitOfWork,
  f: Fascicolo,
  documentId: string,
  primary: boolean,
): Promise<DocumentFiling> {
  const filedAt = tx.clock.now();
  await tx.em.execute(
    `insert into fascicolo_filing (fascicolo_id, document_id, action, is_primary, at, actor_id) values (?, ?, 'FILE', ?, ?, ?)`,
    [f.id, documentId, primary, filedAt, tx.user?.id ?? null],
    'run',
  );
  await tx.audit({
    aooId: f.aoo.id,
    operation: 'fascicolo.file-document',
    targetType: 'Fascicolo',
    targetId: f.id,
    changes: { documentId, primary },
  });
  tx.publish(new DocumentFiled({ fascicoloId: f.id, aooId: f.aoo.id, uorId: f.uor.id, documentId, primary }));
  return { fascicoloId: f.id, documentId, primary, filedAt };
}

/** Takes a document out of a fascicolo: a history row, the filing stays on record. */
export async function unfileDocument(
  ctx: RequestContext,
  fascicoloId: string,
  documentId: string,
  options: FilingOptions = {},
): Promise<Fascicolo> {
  return withTransaction(ctx, async (tx) => {
    const f = await findVisibleFascicolo(tx, tx.em, fascicoloId, true);
    requireManage(tx, f, 'unfile documents here');
    await requireVisibleDocument(tx, f, documentId);
    requireOpen(f);
    await lockDocumentFilings(tx, documentId);
    const current = await tx.em.execute<Array<{ is_primary: boolean }>>(
      'select is_primary from fascicolo_filing_current where document_id = ? and fascicolo_id = ?',
      [documentId, f.id],
    );
    const filing = current[0];
    if (!filing) {
      throw new DomainError(
        'DOCUMENT_NOT_FILED',
        `document ${documentId} is not in ${fascicoloIdentifier(f)}`,
        {
          field: 'documentId',
        },
      );
    }
    if (filing.is_primary) await requirePrimaryFilingFree(tx, documentId, options, 'documentId');
    await tx.em.execute(
      `insert into fascicolo_filing (fascicolo_id, document_id, action, is_primary, at, actor_id) values (?, ?, 'UNFILE', false, ?, ?)`,
      [f.id, documentId, tx.clock.now(), tx.user?.id ?? null],
      'run',
    );
    await tx.audit({
      aooId: f.aoo.id,
      operation: 'fascicolo.unfile-document',
      targetType: 'Fascicolo',
      targetId: f.id,
      changes: { documentId, primary: filing.is_primary },
    });
    tx.publish(new DocumentUnfiled({ fascicoloId: f.id, aooId: f.aoo.id, uorId: f.uor.id, documentId }));
    return f;
  });
}

/**
 * The fascicolo a document of `aooId` is about to be filed in as its primary by another module's
 * change (a protocol registration, a record's managed field): the checks of fileDocument, made
 * before anything is written. A fascicolo of another AOO gets the answer of a hidden one.
 */
export async function fascicoloForFiling(
  tx: UnitOfWork,
  fascicoloId: string,
  aooId: string,
): Promise<Fascicolo> {
  const f = await findVisibleFascicolo(tx, tx.em, fascicoloId, true);
  if (f.aoo.id !== aooId) throw new NotFoundError('Fascicolo', fascicoloId);
  requireManage(tx, f, 'file documents here');
  requireOpen(f);
  return f;
}

/**
 * The primary filing of the document whose id is the SQL expression `documentId`, as a JSON
 * object { fascicoloId, classificationId } or null: for a caller's statement that reads it beside
 * other things (the protocol registration's one read before its number).
 */
export function primaryFilingSql(documentId: string): string {
  return `(select json_build_object('fascicoloId', c.fascicolo_id, 'classificationId', f.classification_id)
             from fascicolo_filing_current c join fascicolo f on f.id = c.fascicolo_id
            where c.document_id = ${documentId} and c.is_primary limit 1)`;
}

/** The primary fascicolo a document is filed in now (whoever may see it), with its node; or null. */
export async function primaryFilingOf(
  ctx: RequestContext,
  documentId: string,
): Promise<{ fascicoloId: string; classificationId: string } | null> {
  const rows = await directSql<{ fascicolo_id: string; classification_id: string }>(
    ctx.em,
    `select c.fascicolo_id, f.classification_id from fascicolo_filing_current c join fascicolo f on f.id = c.fascicolo_id
      where c.document_id = ? and c.is_primary`,
    [documentId],
  );
  const row = rows[0];
  return row ? { fascicoloId: row.fascicolo_id, classificationId: row.classification_id } : null;
}

/** A document the caller sees, of the fascicolo's AOO (a fascicolo holds its own AOO's documents). */
async function requireVisibleDocument(ctx: RequestContext, f: Fascicolo, documentId: string): Promise<void> {
  if (!isUuid(documentId) || !(await visibleDocumentIds(ctx, ctx.em, [documentId])).has(documentId)) {
    throw new NotFoundError('Document', documentId);
  }
  const rows = await ctx.em.execute<Array<{ aoo_id: string }>>('select aoo_id from document where id = ?', [
    documentId,
  ]);
  if (rows[0]?.aoo_id !== f.aoo.id) {
    throw new InvalidInputError(
      'documentId',
      'is a document of another AOO: a fascicolo holds documents of its own AOO',
    );
  }
}

/**
 * Refuses a change of the primary filing of a document registered in the protocol unless the
 * protocol module makes it (see FilingOptions). Read under the document's row lock, after the
 * filing lock: a registration committing meanwhile is seen.
 */
async function requirePrimaryFilingFree(
  tx: UnitOfWork,
  documentId: string,
  options: FilingOptions,
  field: string,
): Promise<void> {
  if (options.byProtocolRecord === true || !(await isProtocollatoLocked(tx, documentId))) return;
  throw new DomainError(
    'DOCUMENT_PRIMARY_FILING_BY_PROTOCOL',
    `${field}: document ${documentId} is registered in the protocol; its primary fascicolo is the record's, changed with updateProtocolFields (fascicoloId). Linked filings (primary: false) stay free`,
    { field },
  );
}

async function lockDocumentFilings(ctx: RequestContext, documentId: string): Promise<void> {
  await ctx.em.execute(`select pg_advisory_xact_lock(hashtextextended('fascicolo_filing:' || ?, 0))`, [
    documentId,
  ]);
}
