import pg from 'pg';

/**
 * A transaction's BEGIN sent in its first statement's round trip, on the ORM's pool connections
 * (installed when the pool makes one): knex sends `BEGIN;` and waits for it before the unit's
 * first statement, a round trip that carries nothing else and, on a busy event loop, waits its
 * turn twice (bench:register: one write and one read in six of a registration's).
 *
 * The bare `BEGIN;` is answered here, as PostgreSQL answers it, and written just before the next
 * statement on the connection, in the same write, as the extended protocol's Bind and Execute of
 * a statement prepared once per connection, so that PostgreSQL runs both under one Sync: BEGIN
 * first, then the statement in the transaction. BEGIN's only answer (its command tag) is taken
 * off before pg's Query sees the statement's; if BEGIN fails, the statement fails with its
 * error, as the ORM's next statement would have. A transaction that ends with no statement
 * (COMMIT or ROLLBACK next) never reaches the server: that is answered here too.
 *
 * What is not deferred goes as it did: a connection's first BEGIN (it prepares the statement,
 * answered like any other), BEGIN with options (isolation level, read only), and any BEGIN sent
 * with parameters. What cannot carry it (a simple-protocol text with several statements, a
 * Submittable other than pg's Query, a Query pg would refuse) has the BEGIN sent on its own
 * first; if that BEGIN fails, the statement is refused with its error instead of running
 * outside the transaction.
 */
export function beginWithFirstStatement(connection: pg.Client): void {
  let pending = false;
  const client = connection as unknown as QueryableClient;
  client.query = function (this: QueryableClient, ...args: unknown[]): unknown {
    const [config] = args;
    const text = queryText(config);
    const callback = args.find((a): a is QueryCallback => typeof a === 'function');
    if (!pending) {
      if (text !== undefined && BEGIN.test(text) && withoutParameters(args)) {
        // The connection's first: sent, as the statement later ones bind.
        if (!prepared(this)) return Reflect.apply(pgQuery, this, [{ ...BEGIN_STATEMENT }, ...args.slice(1)]);
        pending = true;
        return answer(callback, 'BEGIN');
      }
      return Reflect.apply(pgQuery, this, args);
    }
    pending = false;
    // A transaction with no statement: nothing of it ever reached the server.
    const close = text === undefined ? undefined : CLOSE.exec(text)?.[1];
    if (close !== undefined) return answer(callback, close.toUpperCase());
    const { query, result } = asQuery(args);
    if (query instanceof pg.Query && canCarryBegin(query, this)) carryBegin(query);
    else beginFirst(this, query);
    Reflect.apply(pgQuery, this, [query]);
    return result;
  };
}

/** pg's own: every query goes through it in the end. */
const pgQuery = Reflect.get(pg.Client.prototype, 'query') as (...args: unknown[]) => unknown;

const BEGIN = /^\s*begin\s*;?\s*$/i;
const CLOSE = /^\s*(commit|rollback)\s*;?\s*$/i;
/** The prepared BEGIN of a connection (pg remembers what it has parsed on each). */
const BEGIN_STATEMENT = { name: 'unit_begin', text: 'BEGIN' };

type QueryCallback = (error: Error | null, result?: unknown) => void;

interface QueryableClient {
  query: (...args: unknown[]) => unknown;
  connection: ProtocolConnection;
}

/** What of pg's Connection this writes with. */
interface ProtocolConnection {
  stream: { cork?: () => void; uncork?: () => void };
  parsedStatements: Record<string, string>;
  bind(config: { statement?: string; portal?: string }): void;
  execute(config: { portal?: string; rows?: number }): void;
}

/** What of pg's Query this reads and wraps (not in pg's typings). */
interface QueryInternals {
  text?: string;
  name?: string;
  values?: unknown;
  queryMode?: string;
  callback?: QueryCallback;
  requiresPreparation(this: QueryInternals): boolean;
  submit: (this: QueryInternals, connection: ProtocolConnection) => Error | null | undefined;
  handleCommandComplete: (
    this: QueryInternals,
    msg: { text?: string },
    connection: ProtocolConnection,
  ) => void;
}

function queryText(config: unknown): string | undefined {
  if (typeof config === 'string') return config;
  const text =
    typeof config === 'object' && config !== null ? (config as { text?: unknown }).text : undefined;
  return typeof text === 'string' ? text : undefined;
}

function withoutParameters([config, values]: unknown[]): boolean {
  if (typeof config === 'object' && config !== null) {
    const own = config as { submit?: unknown; values?: unknown; name?: unknown };
    if (typeof own.submit === 'function' || own.name !== undefined) return false;
    if (Array.isArray(own.values) && own.values.length > 0) return false;
  }
  return !(Array.isArray(values) && values.length > 0);
}

function prepared(client: QueryableClient): boolean {
  return client.connection.parsedStatements[BEGIN_STATEMENT.name] === BEGIN_STATEMENT.text;
}

/**
 * Answers as PostgreSQL would, without a round trip. Promise or callback, as pg's own query: the
 * ORM (knex) passes a callback.
 */
function answer(callback: QueryCallback | undefined, command: string): Promise<unknown> | undefined {
  const result = { command, rowCount: null, rows: [], fields: [] };
  if (callback === undefined) return Promise.resolve(result);
  process.nextTick(() => callback(null, result));
  return undefined;
}

/** The call's query as a pg Query (or the caller's Submittable), and what pg would return. */
function asQuery(args: unknown[]): { query: QueryInternals; result: unknown } {
  const [config, values, callback] = args;
  if (typeof (config as { submit?: unknown } | null)?.submit === 'function') {
    const query = config as QueryInternals;
    const given = [values, callback].find((a): a is QueryCallback => typeof a === 'function');
    if (query.callback === undefined && given !== undefined) query.callback = given;
    return { query, result: query };
  }
  const query = new pg.Query(
    config as never,
    values as never,
    callback as never,
  ) as unknown as QueryInternals;
  if (query.callback !== undefined) return { query, result: undefined };
  const result = new Promise((resolve, reject) => {
    query.callback = (error, rows) => (error ? reject(error) : resolve(rows));
  });
  return { query, result };
}

/**
 * A pg Query can carry BEGIN when it goes by the extended protocol and pg will send it (what
 * pg's submit would refuse is refused as pg refuses it, with no BEGIN written before). A
 * simple-protocol text of one statement goes by the extended protocol instead: the same
 * statement, the same rows; texts with several statements stay as they are.
 */
function canCarryBegin(query: QueryInternals, client: QueryableClient): boolean {
  if (typeof query.text !== 'string' && typeof query.name !== 'string') return false;
  if (query.values !== undefined && !Array.isArray(query.values)) return false;
  const parsed = query.name ? client.connection.parsedStatements[query.name] : undefined;
  if (query.text && parsed !== undefined && parsed !== query.text) return false;
  if (!query.requiresPreparation()) {
    if (!query.text || query.text.replace(/[\s;]+$/, '').includes(';')) return false;
    query.queryMode = 'extended';
  }
  return true;
}

function carryBegin(query: QueryInternals): void {
  const submit = query.submit;
  const handleCommandComplete = query.handleCommandComplete;
  query.submit = function (connection) {
    connection.stream.cork?.();
    try {
      connection.bind({ statement: BEGIN_STATEMENT.name, portal: '' });
      connection.execute({ portal: '', rows: 0 });
      return submit.call(this, connection);
    } finally {
      connection.stream.uncork?.();
    }
  };
  // BEGIN's command tag comes first: not one of the statement's results.
  query.handleCommandComplete = function (msg, connection) {
    query.handleCommandComplete = handleCommandComplete;
    if (msg.text !== 'BEGIN') handleCommandComplete.call(this, msg, connection);
  };
}

/**
 * BEGIN on its own, ahead of a query that cannot carry it. The query waits behind it in pg's
 * queue; if BEGIN fails, the query is refused (pg hands a submit's error to the query) rather
 * than run outside a transaction.
 */
function beginFirst(client: QueryableClient, query: QueryInternals): void {
  let failure: Error | undefined;
  Reflect.apply(pgQuery, client, [
    { ...BEGIN_STATEMENT },
    (error: Error | null) => {
      if (error) failure = error;
    },
  ]);
  const submit = query.submit;
  query.submit = function (connection) {
    return failure ?? submit.call(this, connection);
  };
}
