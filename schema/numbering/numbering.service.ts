import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { romeDay } from '../../server/clock.js';
import { directSql } from '../../server/db/direct-sql.js';

/**
 * Which series a number belongs to: the series name (`protocol`, `emergency`, `fascicolo`,
 * `repertorio`…) and what it is counted within (the AOO, a register or parent id…). Yearly
 * series restart at 1 on 1 January, Europe/Rome, by the request clock.
 */
export interface NumberSeries {
  series: string;
  within: readonly string[];
  yearly: boolean;
}

export interface LegalNumber {
  number: number;
  /** The Europe/Rome calendar year of a yearly series; null otherwise. */
  year: number | null;
}

const PART = /^[A-Za-z0-9_.-]{1,100}$/;

/** The counter row's key: `series/within…[/year]`, parts checked so no two series share a key. */
export function counterKey(series: NumberSeries, year: number | null): string {
  const parts = [series.series, ...series.within];
  for (const part of parts) {
    if (!PART.test(part)) throw new Error(`numbering: invalid series part "${part}"`);
  }
  return [...parts, ...(year === null ? [] : [String(year)])].join('/');
}

/**
 * The next number of a series, in the caller's transaction: the counter row is created at 1 or
 * advanced by one, and stays locked until the transaction ends, so callers of one series take
 * turns, a rollback gives the number back, and numbers are gap-free (never a sequence). Other
 * series are not blocked.
 */
export async function nextNumber(tx: UnitOfWork, series: NumberSeries): Promise<LegalNumber> {
  const now = tx.clock.now();
  const year = series.yearly ? Number(romeDay(now).slice(0, 4)) : null;
  const rows = await directSql<{ last_value: string }>(
    tx.em,
    `insert into number_counter (key, last_value, updated_at) values (?, 1, ?)
     on conflict (key) do update set last_value = number_counter.last_value + 1, updated_at = excluded.updated_at
     returning last_value`,
    [counterKey(series, year), now],
  );
  const value = rows[0]?.last_value;
  if (value === undefined) throw new Error('numbering: the counter returned no value');
  return { number: Number(value), year };
}

/**
 * `nextNumber` as a data-modifying WITH part (`?` parameters) for a caller's statement that uses
 * the number at once, e.g. in the INSERT of what it numbers: one round trip fewer while the
 * counter row is locked, which every other caller of the series waits for. It returns
 * `last_value` (the number) and `updated_at`: the instant of this number, the later of `now` and
 * the previous number's, so that instants follow numbers however the callers' clock readings
 * raced to the lock (and every instant of a yearly series stays in its year, as `now` is).
 */
export function nextNumberSql(
  series: NumberSeries,
  now: Date,
): { sql: string; params: unknown[]; year: number | null } {
  const year = series.yearly ? Number(romeDay(now).slice(0, 4)) : null;
  return {
    sql: `insert into number_counter (key, last_value, updated_at) values (?, 1, ?)
          on conflict (key) do update set last_value = number_counter.last_value + 1,
            updated_at = greatest(number_counter.updated_at, excluded.updated_at)
          returning last_value, updated_at`,
    params: [counterKey(series, year), now],
    year,
  };
}
