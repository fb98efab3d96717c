import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { diff } from '../../server/audit/audit-log.js';
import { forbidden } from '../../server/auth/auth-checker.js';
import type { RequestContext } from '../../server/context.js';
import { withTransaction, type UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError, InvalidInputError, NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid, optionalText, requiredText } from '../../server/errors/input-checks.js';
import { refuseBeyond } from '../../server/errors/limits.js';
import { Document, visibleDocumentIds } from '../documents/index.js';
import { visibleUor } from '../organisation/index.js';
import { RACCOGLITORE_MANAGE } from './permissions.js';
import { RaccoglitoreDocumentAdded, RaccoglitoreDocumentRemoved } from './raccoglitore.events.js';
import { Raccoglitore, RaccoglitoreState } from './raccoglitore.entity.js';
import type { CreateRaccoglitoreInput, UpdateRaccoglitoreInput } from './raccoglitore.inputs.js';
import { visibleRaccoglitoreIds } from './raccoglitore-visibility.js';

export const MAX_NAME = 200;
export const MAX_DESCRIPTION = 2000;
/** A document sits in at most this many raccoglitori at once (bounds Document.raccoglitori). */
export const MAX_RACCOGLITORI_PER_DOCUMENT = 100;

/** A raccoglitore the caller may see, else NOT_FOUND exactly as for an id that does not exist. */
export async function findVisibleRaccoglitore(
  ctx: RequestContext,
  em: EntityManager,
  id: string,
  lock = false,
): Promise<Raccoglitore> {
  // Visibility first, in one statement: a missing and a hidden raccoglitore cost the same work.
  const visible = isUuid(id) && (await visibleRaccoglitoreIds(ctx, em, [id])).has(id);
  const found = visible
    ? await em.findOne(Raccoglitore, { id }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {})
    : null;
  if (!found) throw new NotFoundError('Raccoglitore', id);
  return found;
}

export function readRaccoglitore(ctx: RequestContext, id: string): Promise<Raccoglitore> {
  return findVisibleRaccoglitore(ctx, ctx.em, id);
}

/** Who acts: every operation here needs a signed-in user (the resolvers require a permission). */
function actorOf(ctx: RequestContext): string {
  if (ctx.user === null) throw forbidden('change raccoglitori without signing in');
  return ctx.user.id;
}

function requireManage(ctx: RequestContext, r: { aooId: string; uorId: string }, what: string): void {
  if (!ctx.grants.covers(RACCOGLITORE_MANAGE, r.aooId, r.uorId)) {
    throw forbidden(`${what} (needs RACCOGLITORE_MANAGE over the owner UOR)`);
  }
}

function requireOpen(r: Raccoglitore): void {
  if (r.state === RaccoglitoreState.CLOSED) {
    throw new DomainError(
      'RACCOGLITORE_CLOSED',
      `Raccoglitore «${r.name}» is closed: it can be read, not changed`,
      { raccoglitoreId: r.id },
    );
  }
}

/** The unique index on open names turns a race between two creations into the same typed error. */
async function nameChecked<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof UniqueConstraintViolationException) throw nameInUse(name);
    throw e;
  }
}

function nameInUse(name: string): DomainError {
  return new DomainError(
    'RACCOGLITORE_NAME_IN_USE',
    `name: an open raccoglitore of this AOO is already called «${name}» (case ignored); choose another name`,
    { field: 'name' },
  );
}

async function refuseTakenName(
  tx: UnitOfWork,
  aooId: string,
  name: string,
  except: string | null,
): Promise<void> {
  // Unique per AOO across UORs (001 §4.8 names them for the whole AOO): the clash may be with a
  // raccoglitore the caller does not see; the answer names only the name, never that record.
  const rows = await tx.em.execute<Array<{ id: string }>>(
    `select id from raccoglitore where aoo_id = ? and lower(name) = lower(?) and state = 'OPEN'${except ? ' and id <> ?' : ''}`,
    except ? [aooId, name, except] : [aooId, name],
  );
  if (rows.length > 0) throw nameInUse(name);
}

export function createRaccoglitore(
  ctx: RequestContext,
  input: CreateRaccoglitoreInput,
): Promise<Raccoglitore> {
  const name = requiredText('name', input.name, MAX_NAME);
  const description = optionalText('description', input.description, MAX_DESCRIPTION) ?? null;
  return nameChecked(name, () =>
    withTransaction(ctx, async (tx) => {
      const uor = await visibleUor(tx, tx.em, input.uorId);
      const owner = { aooId: uor.aoo.id, uorId: uor.id };
      requireManage(tx, owner, 'create raccoglitori for this UOR');
      await refuseTakenName(tx, owner.aooId, name, null);
      const now = tx.clock.now();
      const r = tx.em.create(Raccoglitore, {
        ...owner,
        name,
        description,
        createdAt: now,
        createdById: actorOf(tx),
        updatedAt: now,
      });
      await tx.audit({
        aooId: r.aooId,
        operation: 'raccoglitore.create',
        targetType: 'Raccoglitore',
        targetId: r.id,
        changes: { uorId: r.uorId, name, description },
      });
      return r;
    }),
  );
}

export function updateRaccoglitore(
  ctx: RequestContext,
  id: string,
  input: UpdateRaccoglitoreInput,
): Promise<Raccoglitore> {
  const name = input.name == null ? undefined : requiredText('name', input.name, MAX_NAME);
  const description = optionalText('description', input.description, MAX_DESCRIPTION);
  return nameChecked(name ?? '', () =>
    withTransaction(ctx, async (tx) => {
      const r = await findVisibleRaccoglitore(tx, tx.em, id, true);
      requireManage(tx, r, 'rename or describe this raccoglitore');
      requireOpen(r);
      if (name !== undefined && name.toLowerCase() !== r.name.toLowerCase())
        await refuseTakenName(tx, r.aooId, name, r.id);
      const changes = diff(r, { name, description });
      if (name !== undefined) r.name = name;
      if (description !== undefined) r.description = description;
      if (Object.keys(changes).length > 0) r.updatedAt = tx.clock.now();
      await tx.audit({
        aooId: r.aooId,
        operation: 'raccoglitore.update',
        targetType: 'Raccoglitore',
        targetId: r.id,
        changes,
      });
      return r;
    }),
  );
}

/** Closing freezes the raccoglitore: no additions, removals or renaming; it stays readable. */
export function closeRaccoglitore(ctx: RequestContext, id: string): Promise<Raccoglitore> {
  return withTransaction(ctx, async (tx) => {
    const r = await findVisibleRaccoglitore(tx, tx.em, id, true);
    requireManage(tx, r, 'close this raccoglitore');
    requireOpen(r);
    const now = tx.clock.now();
    r.state = RaccoglitoreState.CLOSED;
    r.closedAt = now;
    r.closedById = actorOf(tx);
    r.updatedAt = now;
    await tx.audit({
      aooId: r.aooId,
      operation: 'raccoglitore.close',
      targetType: 'Raccoglitore',
      targetId: r.id,
      changes: { state: [RaccoglitoreState.OPEN, RaccoglitoreState.CLOSED] },
    });
    return r;
  });
}

interface MembershipChange {
  tx: UnitOfWork;
  raccoglitore: Raccoglitore;
  document: Document;
  /** The last version of the pair's history (0: never added); odd means it is a member. */
  version: number;
}

/**
 * The checks shared by addition and removal, in the order a caller can act on: the raccoglitore
 * (visible, then managed, then open), then the document (visible, then of the same AOO). The
 * raccoglitore row is locked, so changes to one raccoglitore (and its closing) run one at a time.
 */
async function membershipChange(
  tx: UnitOfWork,
  raccoglitoreId: string,
  documentId: string,
  what: string,
): Promise<MembershipChange> {
  const raccoglitore = await findVisibleRaccoglitore(tx, tx.em, raccoglitoreId, true);
  requireManage(tx, raccoglitore, what);
  requireOpen(raccoglitore);
  const visible = isUuid(documentId) && (await visibleDocumentIds(tx, tx.em, [documentId])).has(documentId);
  const document = visible ? await tx.em.findOne(Document, { id: documentId }) : null;
  if (!document) throw new NotFoundError('Document', documentId);
  if (document.aoo.id !== raccoglitore.aooId) {
    throw new InvalidInputError('documentId', 'the document belongs to another AOO than the raccoglitore');
  }
  const rows = await tx.em.execute<Array<{ v: number }>>(
    `select coalesce(max(version), 0)::int as v from raccoglitore_document_event
      where raccoglitore_id = ? and document_id = ?`,
    [raccoglitore.id, document.id],
  );
  return { tx, raccoglitore, document, version: rows[0]?.v ?? 0 };
}

async function appendHistory(change: MembershipChange, action: 'ADDED' | 'REMOVED'): Promise<void> {
  const { tx, raccoglitore, document, version } = change;
  await tx.em.execute(
    `insert into raccoglitore_document_event (raccoglitore_id, document_id, version, action, at, actor_id)
     values (?, ?, ?, ?, ?, ?)`,
    [raccoglitore.id, document.id, version + 1, action, tx.clock.now(), actorOf(tx)],
    'run',
  );
  await tx.audit({
    aooId: raccoglitore.aooId,
    operation: action === 'ADDED' ? 'raccoglitore.document-add' : 'raccoglitore.document-remove',
    targetType: 'Raccoglitore',
    targetId: raccoglitore.id,
    changes: { documentId: document.id, version: version + 1 },
  });
  const ref = {
    raccoglitoreId: raccoglitore.id,
    aooId: raccoglitore.aooId,
    uorId: raccoglitore.uorId,
    documentId: document.id,
  };
  tx.publish(action === 'ADDED' ? new RaccoglitoreDocumentAdded(ref) : new RaccoglitoreDocumentRemoved(ref));
}

export function addDocumentToRaccoglitore(
  ctx: RequestContext,
  raccoglitoreId: string,
  documentId: string,
): Promise<Raccoglitore> {
  return withTransaction(ctx, async (tx) => {
    const change = await membershipChange(
      tx,
      raccoglitoreId,
      documentId,
      'add documents to this raccoglitore',
    );
    if (change.version % 2 === 1) {
      throw new DomainError(
        'DOCUMENT_ALREADY_IN_RACCOGLITORE',
        `Document ${documentId} is in raccoglitore «${change.raccoglitore.name}» already`,
        { field: 'documentId' },
      );
    }
    await refuseBeyond(tx.em, {
      field: 'documentId',
      max: MAX_RACCOGLITORI_PER_DOCUMENT,
      what: 'raccoglitori holding one document',
      owner: { table: 'document', id: change.document.id },
      count: {
        sql: `select count(*) as n from (select raccoglitore_id from raccoglitore_document_event
               where document_id = ? group by raccoglitore_id having max(version) % 2 = 1) m`,
        params: [change.document.id],
      },
    });
    await appendHistory(change, 'ADDED');
    return change.raccoglitore;
  });
}

export function removeDocumentFromRaccoglitore(
  ctx: RequestContext,
  raccoglitoreId: string,
  documentId: string,
): Promise<Raccoglitore> {
  return withTransaction(ctx, async (tx) => {
    const change = await membershipChange(
      tx,
      raccoglitoreId,
      documentId,
      'remove documents from this raccoglitore',
    );
    if (change.version % 2 === 0) {
      throw new DomainError(
        'DOCUMENT_NOT_IN_RACCOGLITORE',
        `Document ${documentId} is not in raccoglitore «${change.raccoglitore.name}»`,
        { field: 'documentId' },
      );
    }
    await appendHistory(change, 'REMOVED');
    return change.raccoglitore;
  });
}
