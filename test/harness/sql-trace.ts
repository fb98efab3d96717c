import type { TestEnv } from './test-env.js';

export interface TracedStatement {
  sql: string;
  /** Rows the statement returned (what a hidden record would cost beyond a missing one). */
  rows: number;
}

/**
 * The SQL the server ran (and the rows each statement returned) while `work` ran, with the
 * given ids replaced by `<id>`: what a hidden record's request is compared with a missing one's.
 * Only for test files that send one request at a time.
 */
export async function traceSql(
  env: TestEnv,
  ids: readonly string[],
  work: () => Promise<unknown>,
): Promise<TracedStatement[]> {
  const knex = env.platform.orm.em.getConnection().getKnex();
  const traced: TracedStatement[] = [];
  const byUid = new Map<string, TracedStatement>();
  // An audit row carries its own time and request id: the same statement for two requests.
  const ownValues = (sql: string) =>
    sql.startsWith('insert into audit_event')
      ? sql
          .replace(/'\d{4}-\d\d-\d\dT[\d:.]+Z'/g, "'<time>'")
          .replace(/'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'/g, "'<uuid>'")
      : sql;
  const anonymise = (sql: string) => ownValues(ids.reduce((text, id) => text.replaceAll(id, '<id>'), sql));
  const onQuery = (q: { sql: string; __knexQueryUid?: string }) => {
    const statement = { sql: anonymise(q.sql), rows: 0 };
    traced.push(statement);
    if (q.__knexQueryUid) byUid.set(q.__knexQueryUid, statement);
  };
  const onResponse = (response: unknown, q: { __knexQueryUid?: string }) => {
    const statement = q.__knexQueryUid ? byUid.get(q.__knexQueryUid) : undefined;
    if (!statement) return;
    const rows = Array.isArray(response) ? response : (response as { rows?: unknown[] } | null)?.rows;
    statement.rows = rows?.length ?? 0;
  };
  knex.on('query', onQuery).on('query-response', onResponse);
  try {
    await work();
  } finally {
    knex.off('query', onQuery);
    knex.off('query-response', onResponse);
  }
  return traced;
}
