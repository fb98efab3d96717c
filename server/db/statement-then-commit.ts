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
 * A prepared statement of a transaction, then COMMIT, then BEGIN, written at once and answered
 * once (one Sync): the transaction commits in the statement's round trip instead of a round trip
 * of its own. A unit of work whose last statement takes a lock (the counter row of a register)
 * holds it only until that statement has run, not for one more wait on a busy event loop.
 *
 * BEGIN opens an empty transaction where the ORM still believes its own is: its COMMIT closes
 * that one, and nothing else can run between. If the statement fails, PostgreSQL skips the rest
 * to the Sync (nothing committed, the transaction aborted for the ORM's ROLLBACK); if COMMIT
 * fails (a deferred constraint), it has rolled back and the ORM's ROLLBACK finds no transaction.
 *
 * A `Submittable` of pg (its documented extension point, as pg-cursor is one): pg's own Query
 * handles the answers (rows of the statement, then the command tags of COMMIT and BEGIN, so the
 * rows are the first of three results); only what is sent differs.
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
      for (const command of ['COMMIT', 'BEGIN']) {
        connection.parse({ text: command, name: '' });
        connection.bind({ statement: '', portal: '' });
        connection.execute({ portal: '', rows: 0 });
      }
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
  }
}
