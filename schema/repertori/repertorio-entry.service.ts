import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { auditRead } from '../../server/audit/audit-log.js';
import { forbidden } from '../../server/auth/auth-checker.js';
import { romeDay, type Clock } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { withTransaction, type UnitOfWork } from '../../server/db/unit-of-work.js';
import { ConflictError, DomainError, InvalidInputError } from '../../server/errors/domain-error.js';
import { requiredText } from '../../server/errors/input-checks.js';
import { findVisibleDocument, markRepertoriato } from '../documents/index.js';
import { nextNumber } from '../numbering/index.js';
import { REPERTORIO_ANNUL, REPERTORIO_REGISTER } from './permissions.js';
import { RepertorioEntryAnnulled, RepertorioEntryRegistered } from './repertori-events.js';
import { RepertorioEntry, RepertorioEntryState } from './repertorio-entry.entity.js';
import { findVisibleEntry } from './repertorio-entry-visibility.js';
import type { AnnulRepertorioEntryInput, RegisterRepertorioEntryInput } from './repertorio.inputs.js';
import { findVisibleRepertorio } from './repertorio.service.js';
import type { Repertorio } from './repertorio.entity.js';

/** A document stands in at most this many entries, annulled ones included (bounds Document.repertorioEntries). */
export const MAX_ENTRIES_PER_DOCUMENT = 50;

function alreadyRegistered(rep: Repertorio): DomainError {
  return new DomainError(
    'REPERTORIO_DOCUMENT_REGISTERED',
    `input.documentId: the document already stands in repertorio ${rep.code} (annul that entry first)`,
    { field: 'input.documentId' },
  );
}

export interface RegisterEntryOptions {
  /**
   * Runs once the number is taken, before the document is frozen as REPERTORIATO, in the same
   * transaction: for a document whose own content states its number (the daily register writes
   * its progressive number into the file it then adds to the document).
   */
  onNumbered?(tx: UnitOfWork, entry: RepertorioEntry): Promise<void>;
}

/**
 * Registers a document in a repertorio: the next number of the repertorio and year, in the
 * caller's transaction (gap-free: a failure gives it back), dated by one reading of the request
 * clock (number year and date agree even across midnight). The document becomes REPERTORIATO
 * unless already registered (then it carries both numbers).
 */
export async function registerEntry(
  ctx: RequestContext,
  input: RegisterRepertorioEntryInput,
  options: RegisterEntryOptions = {},
): Promise<RepertorioEntry> {
  return withTransaction(ctx, async (tx) => {
    const rep = await findVisibleRepertorio(tx, tx.em, input.repertorioId);
    if (!tx.grants.has(REPERTORIO_REGISTER, rep.aooId)) {
      throw forbidden('register in the repertori of this AOO (needs REPERTORIO_REGISTER)');
    }
    const doc = await findVisibleDocument(tx, tx.em, input.documentId);
    if (doc.aoo.id !== rep.aooId) {
      throw new InvalidInputError('input.documentId', 'is a document of another AOO than the repertorio');
    }
    if (!tx.grants.covers(REPERTORIO_REGISTER, rep.aooId, doc.uor.id)) {
      throw forbidden("register this office's documents (needs REPERTORIO_REGISTER over its UOR)");
    }
    if (!rep.active) {
      throw new DomainError(
        'REPERTORIO_INACTIVE',
        `repertorio ${rep.code} is deactivated: nothing more is registered in it`,
      );
    }
    const held = await tx.em.find(RepertorioEntry, { documentId: doc.id });
    if (held.some((e) => e.repertorioId === rep.id && e.state === RepertorioEntryState.REGISTRATO)) {
      throw alreadyRegistered(rep);
    }
    if (held.length >= MAX_ENTRIES_PER_DOCUMENT) {
      throw new ConflictError(
        'input.documentId',
        `a document has at most ${MAX_ENTRIES_PER_DOCUMENT} repertorio entries`,
      );
    }
    const at = tx.clock.now();
    const fixed: Clock = { now: () => new Date(at) };
    const { number, year } = await nextNumber(
      { ...tx, clock: fixed },
      { series: 'repertorio', within: [rep.aooId, rep.id], yearly: true },
    );
    const entry = tx.em.create(RepertorioEntry, {
      repertorioId: rep.id,
      aooId: rep.aooId,
      documentId: doc.id,
      number,
      year: year ?? Number(romeDay(at).slice(0, 4)),
      date: romeDay(at),
      registeredAt: at,
      registeredById: tx.user?.id ?? '',
    });
    await options.onNumbered?.(tx, entry);
    await markRepertoriato(tx, doc.id, at);
    try {
      await tx.audit({
        aooId: rep.aooId,
        operation: 'repertorio.register',
        targetType: 'RepertorioEntry',
        targetId: entry.id,
        changes: { repertorio: rep.code, number, year: entry.year, date: entry.date, documentId: doc.id },
      });
    } catch (e) {
      // Two registrations of the same document at once: the index lets one stand.
      if (e instanceof UniqueConstraintViolationException) throw alreadyRegistered(rep);
      throw e;
    }
    tx.publish(
      new RepertorioEntryRegistered({
        entryId: entry.id,
        repertorioId: rep.id,
        repertorioCode: rep.code,
        aooId: rep.aooId,
        documentId: doc.id,
        uorId: doc.uor.id,
        number,
        year: entry.year,
      }),
    );
    return entry;
  });
}

/** Annuls an entry: it stays listed with its number, marked ANNULLATO with reason, operator and time. */
export async function annulEntry(
  ctx: RequestContext,
  input: AnnulRepertorioEntryInput,
): Promise<RepertorioEntry> {
  return withTransaction(ctx, async (tx: UnitOfWork) => {
    const entry = await findVisibleEntry(tx, tx.em, input.entryId);
    if (!tx.grants.has(REPERTORIO_ANNUL, entry.aooId)) {
      throw forbidden('annul repertorio entries of this AOO (needs REPERTORIO_ANNUL)');
    }
    const reason = requiredText('input.reason', input.reason, 2000);
    if (entry.state === RepertorioEntryState.ANNULLATO) {
      throw new DomainError(
        'REPERTORIO_ENTRY_ANNULLED',
        `entry ${entry.number}/${entry.year} is already annulled`,
      );
    }
    const rep = await findVisibleRepertorio(tx, tx.em, entry.repertorioId);
    const doc = await findVisibleDocument(tx, tx.em, entry.documentId);
    entry.state = RepertorioEntryState.ANNULLATO;
    entry.annulledAt = tx.clock.now();
    entry.annulledById = tx.user?.id ?? null;
    entry.annulmentReason = reason;
    await tx.audit({
      aooId: entry.aooId,
      operation: 'repertorio.annul',
      targetType: 'RepertorioEntry',
      targetId: entry.id,
      changes: { state: [RepertorioEntryState.REGISTRATO, RepertorioEntryState.ANNULLATO], reason },
    });
    tx.publish(
      new RepertorioEntryAnnulled({
        entryId: entry.id,
        repertorioId: rep.id,
        repertorioCode: rep.code,
        aooId: entry.aooId,
        documentId: doc.id,
        uorId: doc.uor.id,
        number: entry.number,
        year: entry.year,
        reason,
      }),
    );
    return entry;
  });
}

/** An entry read by id: the viewing is audited like a document's. */
export async function readEntry(ctx: RequestContext, id: string): Promise<RepertorioEntry> {
  const entry = await findVisibleEntry(ctx, ctx.em, id);
  await auditRead(ctx, {
    aooId: entry.aooId,
    operation: 'repertorioEntry.read',
    targetType: 'RepertorioEntry',
    targetId: entry.id,
  });
  return entry;
}
