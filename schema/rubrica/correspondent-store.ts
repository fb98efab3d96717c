import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { isUuid } from '../../server/errors/input-checks.js';
import type { CorrespondentChange, CorrespondentKind } from './correspondent.types.js';
import type { Correspondent } from './correspondent.types.js';
import {
  DATA_COLUMNS,
  DATA_FIELDS,
  displayNameOf,
  ENTRY_COLUMNS,
  entryOf,
  type CorrespondentValues,
  type Row,
} from './correspondent-rows.js';

/** Entries of one AOO by id, in one statement (absent ids are left out). */
export async function entriesOfAoo(
  em: EntityManager,
  aooId: string,
  ids: readonly string[],
  lock = false,
): Promise<Correspondent[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0 || !isUuid(aooId)) return [];
  const rows = await em.execute<Row[]>(
    `select ${ENTRY_COLUMNS} from correspondent c where c.aoo_id = ? and c.id = any(?::uuid[])${lock ? ' for update' : ''}`,
    [aooId, pgArray(valid)],
  );
  return rows.map(entryOf);
}

/** A new entry at version 1 (the database records the version). */
export async function insertEntry(
  ctx: RequestContext,
  em: EntityManager,
  args: {
    aooId: string;
    kind: CorrespondentKind;
    values: CorrespondentValues;
    change: CorrespondentChange;
    actorId: string;
  },
): Promise<Correspondent> {
  const now = ctx.clock.now();
  const id = randomUUID();
  const cols = DATA_FIELDS.map((f) => DATA_COLUMNS[f]);
  const rows = await em.execute<Row[]>(
    `insert into correspondent as c (id, aoo_id, kind, version, active, last_change, display_name, ${cols.join(', ')},
       created_at, created_by, updated_at, updated_by)
     values (?, ?, ?, 1, true, ?, ?, ${cols.map(() => '?').join(', ')}, ?, ?, ?, ?)
     returning ${ENTRY_COLUMNS}`,
    [
      id,
      args.aooId,
      args.kind,
      args.change,
      displayNameOf(args.kind, args.values),
      ...DATA_FIELDS.map((f) => args.values[f]),
      now,
      args.actorId,
      now,
      args.actorId,
    ],
  );
  return entryOf(rows[0] ?? {});
}

/** The next version of an entry: its new data and/or state (the database records the version). */
export async function writeVersion(
  ctx: RequestContext,
  em: EntityManager,
  entry: Correspondent,
  args: { values: CorrespondentValues; active: boolean; change: CorrespondentChange; actorId: string },
): Promise<Correspondent> {
  const sets = DATA_FIELDS.map((f) => `${DATA_COLUMNS[f]} = ?`).join(', ');
  const rows = await em.execute<Row[]>(
    `update correspondent c set version = version + 1, active = ?, last_change = ?, display_name = ?, ${sets},
       updated_at = ?, updated_by = ?
     where c.id = ? and c.version = ?
     returning ${ENTRY_COLUMNS}`,
    [
      args.active,
      args.change,
      displayNameOf(entry.kind, args.values),
      ...DATA_FIELDS.map((f) => args.values[f]),
      ctx.clock.now(),
      args.actorId,
      entry.id,
      entry.version,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error(`correspondent ${entry.id} changed under a lock`);
  return entryOf(row);
}

/** The data of an entry as values. */
export function valuesOf(entry: Correspondent): CorrespondentValues {
  const out = {} as CorrespondentValues;
  for (const f of DATA_FIELDS) out[f] = entry[f];
  return out;
}

/** The fields that differ, as the audit records them. */
export function changedFields(
  before: CorrespondentValues,
  after: CorrespondentValues,
): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const f of DATA_FIELDS) if (before[f] !== after[f]) out[f] = [before[f], after[f]];
  return out;
}
