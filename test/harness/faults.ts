import { randomBytes } from 'node:crypto';
import { withClient } from './database.js';

/**
 * Injects a database failure: a trigger that raises on `event` of `table` (optionally only
 * for rows matching `when`, in terms of NEW), as an outage would at that exact statement.
 * Runs `work`, then removes the trigger whatever happened, and returns what `work` returned.
 */
export async function withFailingStatement<T>(
  databaseUrl: string,
  fault: { table: string; event: 'insert' | 'update' | 'delete'; when?: string },
  work: () => Promise<T>,
): Promise<T> {
  const name = `injected_fault_${randomBytes(4).toString('hex')}`;
  await withClient(databaseUrl, (c) =>
    c.query(
      `create function ${name}() returns trigger language plpgsql as $$
         begin raise exception 'database unavailable (injected)'; end $$;
       create trigger ${name} before ${fault.event} on ${fault.table} for each row
         ${fault.when ? `when (${fault.when})` : ''} execute function ${name}();`,
    ),
  );
  try {
    return await work();
  } finally {
    await withClient(databaseUrl, (c) =>
      c.query(`drop trigger ${name} on ${fault.table}; drop function ${name}();`),
    );
  }
}
