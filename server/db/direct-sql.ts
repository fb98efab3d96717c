import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { absorbClose, StatementThenCommit } from './statement-then-commit.js';

/**
 * A raw statement run on the `pg` connection under the EntityManager (the transaction's, or one
 * from the pool for a fork outside any), as a named prepared statement with its parameters
 * bound, instead of through `em.execute`. The latter formats every value into the text (so
 * PostgreSQL parses and plans each statement anew) and goes through MikroORM's and knex's
 * layers: about 120-150 µs of the server's CPU a statement, against some 30 µs here (measured
 * with bench:register). For the hot paths of every request (authentication, the audit row)
 * and of a registration; everything else keeps em.execute.
 *
 * `?` placeholders, as em.execute (no `?` operators or `??` identifiers in the text). Dates go
 * as ISO instants (UTC), as MikroORM formats them. Errors come back converted by MikroORM's
 * driver (UniqueConstraintViolationException…), so callers and the outage check see the same
 * classes. knex's `query` and `query-response` events are emitted as for its own statements:
 * traces and statement counts see these too.
 */
export async function directSql<T extends object = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: readonly unknown[] = [],
  options: { thenCommit?: boolean } = {},
): Promise<T[]> {
  const knex = em.getConnection().getKnex();
  const client = knex.client as KnexClient;
  const trx = em.getTransactionContext<{ client: KnexClient } | undefined>();
  if (options.thenCommit && !trx) throw new Error('directSql: thenCommit outside a transaction');
  if (trx && committedEarly.has(trx)) {
    throw new Error('directSql: a statement after its unit of work committed (thenCommit)');
  }
  const owner = trx?.client ?? client;
  let connection: pg.Client;
  try {
    connection = await owner.acquireConnection();
  } catch (e) {
    throw em.getDriver().convertException(e as Error);
  }
  const statement = prepared(text);
  const values = params.map(bindable);
  const uid = `direct${++queries}`;
  const event = { sql: text, bindings: values, method: 'raw', __knexQueryUid: uid, __knexTxId: undefined };
  client.emit('query', event);
  try {
    const rows =
      options.thenCommit && trx
        ? await thenCommit<T>(connection, statement, values, trx)
        : (await connection.query<T>({ name: statement.name, text: statement.text, values })).rows;
    client.emit('query-response', rows, event);
    return rows;
  } catch (e) {
    client.emit('query-error', e, event);
    throw em.getDriver().convertException(e as Error);
  } finally {
    if (!trx) await client.releaseConnection(connection);
  }
}

/**
 * Transactions whose COMMIT went with their last statement (StatementThenCommit): what would run
 * on their connection after is outside the unit (in no transaction), so directSql refuses it.
 */
const committedEarly = new WeakSet<object>();

async function thenCommit<T>(
  connection: pg.Client,
  statement: Prepared,
  values: unknown[],
  trx: object,
): Promise<T[]> {
  const results = await new Promise<unknown>((resolve, reject) => {
    void connection.query(
      new StatementThenCommit({ ...statement, values }, (error, answer) =>
        error ? reject(error) : resolve(answer),
      ),
    );
  });
  committedEarly.add(trx);
  absorbClose(connection);
  const [first] = results as Array<{ rows: T[] }>;
  return first?.rows ?? [];
}

/** What of knex's client this uses (its pool, its events). */
interface KnexClient {
  acquireConnection(): Promise<pg.Client>;
  releaseConnection(connection: pg.Client): Promise<unknown>;
  emit(event: string, ...args: unknown[]): boolean;
}

let queries = 0;

interface Prepared {
  name: string;
  text: string;
}

/**
 * Statement names by text: the same text is the same prepared statement on every connection
 * (pg prepares it on a connection's first use). Bounded: texts built for a number of rows vary,
 * and past the bound statements still run, unnamed.
 */
const statements = new Map<string, Prepared>();
const MAX_STATEMENTS = 2000;

function prepared(text: string): Prepared {
  const known = statements.get(text);
  if (known) return known;
  let n = 0;
  const numbered = text.replace(/\?/g, () => `$${++n}`);
  const statement = { name: statements.size < MAX_STATEMENTS ? `d${statements.size}` : '', text: numbered };
  if (statement.name !== '') statements.set(text, statement);
  return statement;
}

function bindable(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}
