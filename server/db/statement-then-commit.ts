import pg from 'pg';

/** pg's own mapping of a value to its wire text (exported by pg, not in its typings). */
const { prepareValue } = (pg as unknown as { utils: { prepareValue: (value: unknown) => unknown } }).utils;

/** What of pg's Connection this writes with: the extended protocol's messages. */
interface ProtocolConnection {
  stream: { cork?: () => void; uncork?: () => void };
  parsedStatements: Record<string, string>;
  parse(query: { text: string; name?: string }): void;
  bind(config: { statement?: string; portal?: string; values?: unknown[]; valueMapper?: unknown }): void;
  describe(msg: { type: 'P' | 'S'; name?: string }): void;
  execute(config: { portal?: string; rows?: number }): void;
  sync(): void;
}

/**
 * A prepared statement of a transaction, then COMMIT, written at once and answered once (one
 * Sync): the transaction commits in the statement's round trip instead of a round trip of its
 * own. A unit of work whose last statement takes a lock (the counter row of a register) holds it
 * only until that statement has run, not for one more wait on a busy event loop. If the
 * statement fails, PostgreSQL skips the COMMIT (the transaction is aborted, for the ORM's
 * ROLLBACK); if the COMMIT fails (a deferred constraint), the transaction has rolled back.
 *
 * A `Submittable` of pg (its documented extension point, as pg-cursor is one): pg's own Query
 * handles the answers (the statement's rows, then COMMIT's command tag, so the rows are the first
 * of two results); only what is sent differs. The ORM still ends its transaction on the
 * connection: absorbClose answers that COMMIT (or ROLLBACK) without sending it.
 */
export class StatementThenCommit extends pg.Query {
  constructor(
    private readonly statement: { name: string; text: string; values: unknown[] },
    callback: (error: Error | undefined, results: unknown) => void,
  ) {
    super({ ...statement }, callback as never);
    this.submit = (connection) => this.send(connection as unknown as ProtocolConnection);
  }

  private send(connection: ProtocolConnection): void {
    const { name, text, values } = this.statement;
    connection.stream.cork?.();
    try {
      if (name === '' || connection.parsedStatements[name] === undefined) connection.parse({ text, name });
      // The values as pg's own Query binds them (dates, buffers, arrays, JSON).
      connection.bind({ statement: name, portal: '', values, valueMapper: prepareValue });
      connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '', rows: 0 });
      connection.parse({ text: 'COMMIT', name: '' });
      connection.bind({ statement: '', portal: '' });
      connection.execute({ portal: '', rows: 0 });
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
  }
}

type QueryCallback = (error: Error | null, result?: unknown) => void;

/**
 * After a StatementThenCommit has committed, the ORM (knex) still closes its transaction with a
 * COMMIT of its own, and a ROLLBACK if the unit fails after: on a connection no longer in a
 * transaction PostgreSQL would answer with a warning (logged by the server), after a round trip.
 * The next query on the connection is therefore looked at once: that COMMIT or ROLLBACK is
 * answered here, as PostgreSQL answers it, without being sent; anything else (the ORM changed its
 * ways, the connection's next user begins) goes to the server as it is.
 */
export function absorbClose(connection: pg.Client): void {
  const target = connection as unknown as { query: (...args: unknown[]) => unknown };
  const own = Object.hasOwn(connection, 'query');
  const query = target.query;
  target.query = function (this: unknown, ...args: unknown[]): unknown {
    // Once: the connection's own query again (the prototype's, unless it had one of its own).
    if (own) target.query = query;
    else delete (target as { query?: unknown }).query;
    const [config] = args;
    const text = typeof config === 'object' && config !== null ? (config as { text?: unknown }).text : config;
    const callback = args.find((a): a is QueryCallback => typeof a === 'function');
    const command = typeof text === 'string' ? /^\s*(COMMIT|ROLLBACK)\s*;?\s*$/i.exec(text)?.[1] : undefined;
    if (command === undefined || callback === undefined) return Reflect.apply(query, this, args);
    const tag = command.toUpperCase();
    process.nextTick(() => callback(null, { command: tag, rowCount: null, rows: [], fields: [] }));
    return undefined;
  };
}
