import { DocumentCreated, DocumentFileAttached, DocumentFileReplaced } from './document-events.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditRead } from '../../server/audit/audit-log.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import { forbidden } from '../../server/auth/auth-checker.js';
import { DOCUMENT_CREATE, PROTOCOL_PARTICOLARE, PROTOCOL_READ_RESERVED } from './permissions.js';
import type { RequestContext } from '../../server/context.js';
import { DomainError, InvalidInputError, NotFoundError } from '../../server/errors/domain-error.js';
import { isoDate, isUuid, optionalText, requiredText } from '../../server/errors/input-checks.js';
import { romeDay } from '../../server/clock.js';
import { DocumentAccess, DocumentAccessReason } from './document-access.entity.js';
import { visibleUor } from '../organisation/index.js';
import { User } from '../organisation/index.js';
import { DocumentFile } from './document-file.entity.js';
import type { CreateDocumentInput, ReplaceDocumentFileInput } from './document.inputs.js';
import { visibleDocumentIds, visibleFileIds } from './document-visibility.js';
import { DocumentKind } from './document-enums.js';
import { Document } from './document.entity.js';
import { StoredFile } from './stored-file.entity.js';

/** Bounds of a document's lists (a query counts them at these sizes when it weighs its cost). */
export const MAX_ATTACHMENTS = 500;
export const MAX_FILE_VERSIONS = 2000;

export async function findVisibleDocument(
  ctx: RequestContext,
  em: EntityManager,
  id: string,
): Promise<Document> {
  // Visibility first, in one statement: a missing and a hidden document cost the same work.
  const visible = isUuid(id) && (await visibleDocumentIds(ctx, em, [id])).has(id);
  const doc = visible ? await em.findOne(Document, { id }) : null;
  if (!doc) throw new NotFoundError('Document', id);
  return doc;
}

/** A document read by a user: every viewing is audited (001 §6.4, DOMAIN §7). */
export async function readDocument(ctx: RequestContext, id: string): Promise<Document> {
  const doc = await findVisibleDocument(ctx, ctx.em, id);
  await auditRead(ctx, {
    aooId: doc.aoo.id,
    operation: 'document.read',
    targetType: 'Document',
    targetId: doc.id,
  });
  return doc;
}

/**
 * The files a document will hold, each visible to the caller: one visibility query and one
 * load for all of them, whatever the number of attachments. `fields` name them in errors.
 */
async function usableFiles(
  ctx: RequestContext,
  em: EntityManager,
  refs: ReadonlyArray<{ fileId: string; field: string }>,
): Promise<StoredFile[]> {
  const ids = [...new Set(refs.map((r) => r.fileId).filter(isUuid))];
  const visible = await visibleFileIds(ctx, em, ids);
  const files = new Map(
    (visible.size > 0 ? await em.find(StoredFile, { id: { $in: [...visible] } }) : []).map((f) => [f.id, f]),
  );
  return refs.map(({ fileId, field }) => {
    const file = files.get(fileId);
    if (!file) throw new InvalidInputError(field, `file ${fileId} not found`);
    return file;
  });
}

function requireWrite(ctx: RequestContext, doc: Document): void {
  // Whoever may create documents for the UOR; the creator too, while still holding the right in the AOO.
  const creatorStillEntitled =
    doc.createdBy.id === ctx.user?.id && ctx.grants.has(DOCUMENT_CREATE, doc.aoo.id);
  if (!ctx.grants.covers(DOCUMENT_CREATE, doc.aoo.id, doc.uor.id) && !creatorStillEntitled) {
    throw forbidden('change this document');
  }
  if (!doc.isDraft) {
    throw new DomainError(
      'DOCUMENT_REGISTERED',
      'The document is registered: its files are immutable (corrections go into annotations)',
    );
  }
}

interface Confidentiality {
  reservedUntil: string | null;
  reason: DocumentAccessReason | null;
  userIds: string[];
}

/**
 * Riservato and particolare at creation: the creator must hold the right (else the document
 * would be invisible to its own author), and the listed users must be active users of the AOO.
 */
async function confidentialityOf(
  ctx: RequestContext,
  em: EntityManager,
  input: Pick<CreateDocumentInput, 'reservedUntil' | 'particolare' | 'accessUserIds'>,
  aooId: string,
): Promise<Confidentiality> {
  const reservedUntil = input.reservedUntil ? isoDate('reservedUntil', input.reservedUntil) : null;
  if (reservedUntil !== null && reservedUntil <= romeDay(ctx.clock.now())) {
    throw new InvalidInputError('reservedUntil', 'must be a day after today');
  }
  if (input.particolare && !ctx.grants.has(PROTOCOL_PARTICOLARE, aooId)) {
    throw forbidden('create a protocollo particolare (needs PROTOCOL_PARTICOLARE)');
  }
  if (reservedUntil !== null && !ctx.grants.has(PROTOCOL_READ_RESERVED, aooId)) {
    throw forbidden('create a riservato document (needs PROTOCOL_READ_RESERVED)');
  }
  const reason = input.particolare
    ? DocumentAccessReason.NAMED
    : reservedUntil !== null
      ? DocumentAccessReason.INVOLVED
      : null;
  const userIds = [...new Set(input.accessUserIds)];
  if (reason === null && userIds.length > 0) {
    throw new InvalidInputError(
      'accessUserIds',
      'only riservato or particolare documents have involved or named users',
    );
  }
  const active = await activeUsersOfAoo(em, aooId, userIds);
  const stranger = userIds.findIndex((id) => !active.has(id));
  if (stranger >= 0) {
    throw new InvalidInputError(
      `accessUserIds[${stranger}]`,
      `user ${userIds[stranger]} is not an active user of this AOO`,
    );
  }
  return { reservedUntil, reason, userIds };
}

/** Which of these users are active members of the AOO (one query). */
async function activeUsersOfAoo(
  em: EntityManager,
  aooId: string,
  userIds: readonly string[],
): Promise<Set<string>> {
  const ids = userIds.filter(isUuid);
  if (ids.length === 0) return new Set();
  const rows = await em.execute<Array<{ id: string }>>(
    `select distinct m.user_id as id from membership m join uor u on u.id = m.uor_id join app_user au on au.id = m.user_id
      where m.user_id in (${ids.map(() => '?').join(',')}) and u.aoo_id = ? and m.ended_at is null and au.active`,
    [...ids, aooId],
  );
  return new Set(rows.map((r) => r.id));
}

/** A document with its primary file and ordered attachments, in one transaction. */
export async function createDocument(ctx: RequestContext, input: CreateDocumentInput): Promise<Document> {
  const user = ctx.user;
  if (!user) throw forbidden('create documents');
  const oggetto = requiredText('oggetto', input.oggetto, 2000);
  if (input.attachments.length > MAX_ATTACHMENTS)
    throw new InvalidInputError('attachments', `at most ${MAX_ATTACHMENTS} attachments`);
  const descriptions = input.attachments.map(
    (a, i) => optionalText(`attachments[${i}].description`, a.description, 1000) ?? null,
  );
  return withTransaction(ctx, async (tx) => {
    const em = tx.em;
    const uor = await visibleUor(ctx, em, input.uorId).catch((e: unknown) => {
      // Only "no such UOR" is the caller's mistake; an outage stays an outage.
      if (e instanceof NotFoundError) throw new InvalidInputError('uorId', `UOR ${input.uorId} not found`);
      throw e;
    });
    if (!ctx.grants.covers(DOCUMENT_CREATE, uor.aoo.id, uor.id))
      throw forbidden(`create documents for UOR ${uor.code}`);
    const [primary, ...attachments] = await usableFiles(ctx, em, [
      { fileId: input.primaryFileId, field: 'primaryFileId' },
      ...input.attachments.map((a, i) => ({ fileId: a.fileId, field: `attachments[${i}].fileId` })),
    ]);
    if (!primary) throw new InvalidInputError('primaryFileId', 'is required');
    const createdBy = em.getReference(User, user.id);
    const confidentiality = await confidentialityOf(ctx, em, input, uor.aoo.id);
    const doc = em.create(Document, {
      aoo: uor.aoo,
      uor,
      // A draft: only registration (protocol, repertorio) makes it PROTOCOLLATO or REPERTORIATO.
      kind: DocumentKind.NON_PROTOCOLLATO,
      oggetto,
      createdBy,
      createdAt: ctx.clock.now(),
      reservedUntil: confidentiality.reservedUntil,
      particolare: input.particolare,
    });
    if (confidentiality.reason) {
      for (const person of [user.id, ...confidentiality.userIds.filter((id) => id !== user.id)]) {
        em.create(DocumentAccess, {
          grantedAt: ctx.clock.now(),
          document: doc,
          user: em.getReference(User, person),
          reason: confidentiality.reason,
          grantedBy: createdBy,
        });
      }
    }
    em.create(DocumentFile, {
      createdAt: ctx.clock.now(),
      document: doc,
      file: primary,
      position: 0,
      version: 1,
      createdBy,
    });
    attachments.forEach((file, i) =>
      em.create(DocumentFile, {
        createdAt: ctx.clock.now(),
        document: doc,
        file,
        position: i + 1,
        version: 1,
        description: descriptions[i] ?? null,
        createdBy,
      }),
    );
    await tx.audit({
      aooId: uor.aoo.id,
      operation: 'document.create',
      targetType: 'Document',
      targetId: doc.id,
      changes: {
        kind: DocumentKind.NON_PROTOCOLLATO,
        oggetto,
        uorId: uor.id,
        files: [primary.id, ...attachments.map((f) => f.id)],
        reservedUntil: confidentiality.reservedUntil,
        particolare: input.particolare,
        accessUserIds: confidentiality.userIds,
      },
    });
    tx.publish(new DocumentCreated({ documentId: doc.id, aooId: uor.aoo.id, uorId: uor.id }));
    return doc;
  });
}

/**
 * A draft's slot gets a new file; the previous version stays on record, superseded. Position
 * = current number of attachments + 1 appends an attachment.
 */
export async function replaceDocumentFile(
  ctx: RequestContext,
  input: ReplaceDocumentFileInput,
): Promise<DocumentFile> {
  const user = ctx.user;
  if (!user) throw forbidden('change documents');
  const description = optionalText('description', input.description, 1000);
  return withTransaction(ctx, async (tx) => {
    const em = tx.em;
    const doc = await findVisibleDocument(ctx, em, input.documentId);
    // Lock the document: two replacements of one slot must not both become version n+1.
    await em.execute('select id from document where id = ? for update', [doc.id]);
    await em.refresh(doc);
    requireWrite(ctx, doc);
    const current = await em.find(DocumentFile, { document: doc.id, supersededAt: null });
    const slot = current.find((f) => f.position === input.position);
    if (!slot && input.position !== current.length) {
      throw new InvalidInputError(
        'position',
        `must be an existing slot (0..${current.length - 1}) or ${current.length} to add an attachment`,
      );
    }
    if (input.position === 0 && !slot)
      throw new InvalidInputError('position', 'the document has no primary file');
    if (!slot && input.position > MAX_ATTACHMENTS)
      throw new DomainError('LIMIT_REACHED', `position: at most ${MAX_ATTACHMENTS} attachments`, {
        field: 'position',
        limit: MAX_ATTACHMENTS,
      });
    // The document row is locked above: versions are counted one writer at a time.
    const versions = await em.count(DocumentFile, { document: doc.id });
    if (versions >= MAX_FILE_VERSIONS)
      throw new DomainError(
        'LIMIT_REACHED',
        `documentId: at most ${MAX_FILE_VERSIONS} file versions in a document`,
        {
          field: 'documentId',
          limit: MAX_FILE_VERSIONS,
        },
      );
    const [file] = await usableFiles(ctx, em, [{ fileId: input.fileId, field: 'fileId' }]);
    if (!file) throw new InvalidInputError('fileId', 'is required');
    const version = slot
      ? (await em.count(DocumentFile, { document: doc.id, position: input.position })) + 1
      : 1;
    if (slot) {
      slot.supersededAt = ctx.clock.now();
      await em.flush(); // the partial unique index allows one current row per slot
    }
    const next = em.create(DocumentFile, {
      createdAt: ctx.clock.now(),
      document: doc,
      file,
      position: input.position,
      version,
      description: description === undefined ? (slot?.description ?? null) : description,
      createdBy: em.getReference(User, user.id),
    });
    await tx.audit({
      aooId: doc.aoo.id,
      operation: slot ? 'document.replaceFile' : 'document.addAttachment',
      targetType: 'Document',
      targetId: doc.id,
      changes: { position: input.position, version, fileId: [slot?.file.id ?? null, file.id] },
    });
    const ref = {
      documentId: doc.id,
      aooId: doc.aoo.id,
      uorId: doc.uor.id,
      fileId: file.id,
      position: input.position,
    };
    tx.publish(slot ? new DocumentFileReplaced({ ...ref, version }) : new DocumentFileAttached(ref));
    return next;
  });
}
