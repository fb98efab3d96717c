import { forbidden } from '../../server/auth/auth-checker.js';
import type { RequestContext } from '../../server/context.js';
import { withTransaction, type UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError, NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { CorrespondentCreated, CorrespondentUpdated } from './correspondent.events.js';
import type { CreateCorrespondentInput, UpdateCorrespondentInput } from './correspondent.inputs.js';
import { CorrespondentChange, type Correspondent } from './correspondent.types.js';
import {
  DATA_FIELDS,
  ENTRY_COLUMNS,
  entryOf,
  type CorrespondentValues,
  type DataField,
  type Row,
} from './correspondent-rows.js';
import { pgArray } from '../../server/db/sql-array.js';
import {
  checkValues,
  duplicateProblem,
  entriesSharingKeys,
  keysOf,
  lockDirectory,
  raise,
  sharedKey,
} from './correspondent-rules.js';
import { changedFields, entriesOfAoo, insertEntry, valuesOf, writeVersion } from './correspondent-store.js';
import { RUBRICA_MANAGE, RUBRICA_READ } from './permissions.js';

/** Whether the caller reads the directory of this AOO (any entry of it). */
export function readsDirectory(ctx: RequestContext, aooId: string): boolean {
  return ctx.grants.has(RUBRICA_READ, aooId) || ctx.grants.has(RUBRICA_MANAGE, aooId);
}

/** The AOOs whose directory the caller reads. */
export function readableDirectories(ctx: RequestContext): string[] {
  return [...new Set([...ctx.grants.aoosWith(RUBRICA_READ), ...ctx.grants.aoosWith(RUBRICA_MANAGE)])];
}

/**
 * An entry the caller may see, else NOT_FOUND exactly as for an id that does not exist: one
 * statement with visibility in its WHERE, so a hidden entry costs what a missing one does.
 */
export async function findVisibleCorrespondent(
  ctx: RequestContext,
  id: string,
  lock = false,
): Promise<Correspondent> {
  const aoos = readableDirectories(ctx);
  const rows =
    isUuid(id) && aoos.length > 0
      ? await ctx.em.execute<Row[]>(
          `select ${ENTRY_COLUMNS} from correspondent c where c.id = ? and c.aoo_id = any(?::uuid[])${lock ? ' for update' : ''}`,
          [id, pgArray(aoos)],
        )
      : [];
  const found = rows[0];
  if (!found) throw new NotFoundError('Correspondent', id);
  return entryOf(found);
}

function actorOf(ctx: RequestContext): string {
  if (ctx.user === null) throw forbidden('change the correspondents directory without signing in');
  return ctx.user.id;
}

function requireManage(ctx: RequestContext, aooId: string): void {
  if (!ctx.grants.has(RUBRICA_MANAGE, aooId))
    throw forbidden('change this directory (needs RUBRICA_MANAGE in the AOO)');
}

/** Validation, then duplicates against the rest of the directory (under the directory lock). */
async function checked(
  tx: UnitOfWork,
  aooId: string,
  id: string | null,
  kind: Correspondent['kind'],
  raw: Partial<Record<DataField, string | null | undefined>>,
): Promise<CorrespondentValues> {
  const { values, problems } = checkValues(kind, raw);
  if (problems[0]) raise(problems[0]);
  const mine = keysOf(id, kind, values);
  for (const other of await entriesSharingKeys(tx.em, aooId, [mine])) {
    const field = sharedKey(mine, other);
    if (field && other.id) raise(duplicateProblem(field, other.id));
  }
  return values;
}

function published(tx: UnitOfWork, entry: Correspondent, created: boolean): Correspondent {
  const ref = { correspondentId: entry.id, aooId: entry.aooId, version: entry.version };
  tx.publish(created ? new CorrespondentCreated(ref) : new CorrespondentUpdated(ref));
  return entry;
}

export function createCorrespondent(
  ctx: RequestContext,
  input: CreateCorrespondentInput,
): Promise<Correspondent> {
  return withTransaction(ctx, async (tx) => {
    // Another AOO's directory looks like one that does not exist.
    if (!isUuid(input.aooId) || !readsDirectory(tx, input.aooId)) throw new NotFoundError('Aoo', input.aooId);
    requireManage(tx, input.aooId);
    await lockDirectory(tx.em, input.aooId);
    const values = await checked(tx, input.aooId, null, input.kind, input);
    const entry = await insertEntry(tx, tx.em, {
      aooId: input.aooId,
      kind: input.kind,
      values,
      change: CorrespondentChange.CREATED,
      actorId: actorOf(tx),
    });
    await tx.audit({
      aooId: entry.aooId,
      operation: 'correspondent.create',
      targetType: 'Correspondent',
      targetId: entry.id,
      changes: { kind: entry.kind, ...changedFields(emptyValues(), values) },
    });
    return published(tx, entry, true);
  });
}

function emptyValues(): CorrespondentValues {
  return Object.fromEntries(DATA_FIELDS.map((f) => [f, null])) as CorrespondentValues;
}

export function updateCorrespondent(
  ctx: RequestContext,
  id: string,
  input: UpdateCorrespondentInput,
): Promise<Correspondent> {
  return withTransaction(ctx, async (tx) => {
    const seen = await findVisibleCorrespondent(tx, id);
    requireManage(tx, seen.aooId);
    await lockDirectory(tx.em, seen.aooId);
    const [entry] = await entriesOfAoo(tx.em, seen.aooId, [id], true);
    if (!entry) throw new NotFoundError('Correspondent', id);
    if (!entry.active) {
      throw new DomainError(
        'CORRESPONDENT_INACTIVE',
        `Correspondent ${id} is deactivated: reactivate it first`,
        {
          correspondentId: id,
        },
      );
    }
    const before = valuesOf(entry);
    const raw: Partial<Record<DataField, string | null>> = { ...before };
    for (const f of DATA_FIELDS) if (input[f] !== undefined) raw[f] = input[f];
    const values = await checked(tx, entry.aooId, entry.id, entry.kind, raw);
    const changes = changedFields(before, values);
    const changed = Object.keys(changes).length > 0;
    // An edit that changes nothing makes no version (the history lists only real changes).
    const after = changed
      ? await writeVersion(tx, tx.em, entry, {
          values,
          active: true,
          change: CorrespondentChange.UPDATED,
          actorId: actorOf(tx),
        })
      : entry;
    await tx.audit({
      aooId: entry.aooId,
      operation: 'correspondent.update',
      targetType: 'Correspondent',
      targetId: entry.id,
      changes,
    });
    return changed ? published(tx, after, false) : after;
  });
}

/** Deactivation replaces deletion: the entry stays, with its history, and can come back. */
export function setCorrespondentActive(
  ctx: RequestContext,
  id: string,
  active: boolean,
): Promise<Correspondent> {
  return withTransaction(ctx, async (tx) => {
    const seen = await findVisibleCorrespondent(tx, id);
    requireManage(tx, seen.aooId);
    await lockDirectory(tx.em, seen.aooId);
    const [entry] = await entriesOfAoo(tx.em, seen.aooId, [id], true);
    if (!entry) throw new NotFoundError('Correspondent', id);
    const changed = entry.active !== active;
    const after = changed
      ? await writeVersion(tx, tx.em, entry, {
          values: valuesOf(entry),
          active,
          change: active ? CorrespondentChange.REACTIVATED : CorrespondentChange.DEACTIVATED,
          actorId: actorOf(tx),
        })
      : entry;
    await tx.audit({
      aooId: entry.aooId,
      operation: active ? 'correspondent.reactivate' : 'correspondent.deactivate',
      targetType: 'Correspondent',
      targetId: entry.id,
      changes: changed ? { active: [entry.active, active] } : {},
    });
    return changed ? published(tx, after, false) : after;
  });
}
