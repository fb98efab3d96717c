import { ReferenceKind } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { directSql } from '../../server/db/direct-sql.js';
import { ProtocolRecord } from './protocol-record.entity.js';

/** Property → column of the record's mapped scalar columns, read once from the mapping. */
let columns: ReadonlyArray<{ property: keyof ProtocolRecord; column: string }> | undefined;

function recordColumns(em: EntityManager): ReadonlyArray<{ property: keyof ProtocolRecord; column: string }> {
  columns ??= em
    .getMetadata()
    .get(ProtocolRecord.name)
    .props.filter(
      (p) =>
        p.kind === ReferenceKind.SCALAR && p.persist !== false && !p.formula && p.fieldNames?.length === 1,
    )
    .map((p) => ({ property: p.name as keyof ProtocolRecord, column: p.fieldNames[0] ?? '' }));
  return columns;
}

/**
 * Writes a new record (an entity made with `em.create(…, { persist: false })`) with one INSERT
 * of its mapped columns, as `em.insert` does, without building it through the query builder.
 * `along`: a data-modifying WITH part (UPDATE/INSERT, `?` parameters) made in the same
 * statement (the document marked PROTOCOLLATO): one round trip while the number is held.
 */
export async function insertRecord(
  em: EntityManager,
  record: ProtocolRecord,
  along?: { sql: string; params: readonly unknown[] },
): Promise<void> {
  const present = recordColumns(em).filter((c) => record[c.property] !== undefined);
  await directSql(
    em,
    `${along ? `with along as (${along.sql}) ` : ''}insert into protocol_record (${present
      .map((c) => c.column)
      .join(', ')}) values (${present.map(() => '?').join(', ')})`,
    [...(along?.params ?? []), ...present.map((c) => record[c.property])],
  );
}
