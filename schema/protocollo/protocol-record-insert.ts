import { ReferenceKind } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { directSql } from '../../server/db/direct-sql.js';
import { markProtocollatoSql } from '../documents/index.js';
import { ProtocolRecord } from './protocol-record.entity.js';

type Column = { property: keyof ProtocolRecord; column: string };

/** Property → column of the record's mapped scalar columns, read once from the mapping. */
let columns: readonly Column[] | undefined;

// What the counter gives the record in the statement (see insertNumberedRecord).
const NUMBERED: ReadonlySet<string> = new Set(['number', 'registered_at', 'date']);

function recordColumns(em: EntityManager): readonly Column[] {
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
 * Takes the record's number and writes the record, in ONE statement: the counter's data-modifying
 * WITH part (`nextNumberSql`), the INSERT of the record's mapped columns with the number and its
 * instant (registration time, and the Europe/Rome day of it) from the counter, and the document
 * marked PROTOCOLLATO at that time. While the counter row is locked (to the commit) every
 * statement makes the AOO's other registrations wait: this was three (number, record, document).
 * The record is an entity instance the EntityManager does not manage (never flushed); its
 * number, time and day are set from what the statement returns.
 */
export async function insertNumberedRecord(
  em: EntityManager,
  record: ProtocolRecord,
  counter: { sql: string; params: readonly unknown[] },
): Promise<void> {
  const present = recordColumns(em).filter(
    (c) => !NUMBERED.has(c.column) && record[c.property] !== undefined,
  );
  const mark = markProtocollatoSql(record.documentId, { expression: '(select updated_at from n)' });
  const [row] = await directSql<{ number: number; registered_ms: number; day: string }>(
    em,
    `with n as (${counter.sql}), marked as (${mark.sql})
     insert into protocol_record (${present.map((c) => c.column).join(', ')}, number, registered_at, date)
     values (${present.map(() => '?').join(', ')}, (select last_value from n), (select updated_at from n),
             ((select updated_at from n) at time zone 'Europe/Rome')::date)
     returning number, (extract(epoch from registered_at) * 1000)::float8 as registered_ms,
               to_char(date, 'YYYY-MM-DD') as day`,
    [...counter.params, ...mark.params, ...present.map((c) => record[c.property])],
  );
  if (!row) throw new Error('protocol record: the numbered INSERT returned no row');
  record.number = row.number;
  // As milliseconds: the driver hands timestamps over as text (MikroORM parses its own).
  record.registeredAt = new Date(row.registered_ms);
  record.date = row.day;
}
