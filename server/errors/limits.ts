import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from './domain-error.js';

/**
 * Refuses to grow a bounded list past its maximum (LIMIT_REACHED, naming the field): the bound
 * is what lets a query's cost count the list at its maximum size. Runs in the write's
 * transaction: the owner's row (`owner`: table and id) is locked first, so concurrent writers
 * count one after the other; `count` is a `select count(*) as n …` of the list as it is.
 */
export interface ListBound {
  /** The input naming the owner (reported in the error). */
  field: string;
  max: number;
  /** What the list holds, for the message ("UORs of an AOO"). */
  what: string;
  owner: { table: string; id: string };
  count: { sql: string; params: unknown[] };
}

export async function refuseBeyond(em: EntityManager, bound: ListBound): Promise<void> {
  const { field, max, what, owner, count } = bound;
  await em.execute(`select 1 from ${owner.table} where id = ? for update`, [owner.id]);
  const rows = await em.execute<Array<{ n: string }>>(count.sql, count.params);
  if (Number(rows[0]?.n ?? 0) >= max) {
    throw new DomainError('LIMIT_REACHED', `${field}: at most ${max} ${what}`, { field, limit: max });
  }
}
