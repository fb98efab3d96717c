import pg from 'pg';

/**
 * A transaction's BEGIN sent with its first statement, in the same write and round trip, instead
 * of alone before it. knex (under MikroORM) opens every transaction with a `BEGIN;` of its own and
 * waits for the answer: on this platform a round trip costs the server a socket write (the
 * dearest single item of a registration's CPU profile) and PostgreSQL a statement. Here the BEGIN
 * is answered at once and held; the transaction's first statement then goes as one extended-
 * protocol pipeline, `Parse/Bind/Execute` of the BEGIN followed by the statement's own messages
 * and one `Sync`. PostgreSQL runs the messages in order, so the BEGIN has run before the statement
 * is even parsed: a statement that fails (syntax error included) leaves the transaction open and
 * aborted, exactly as after a BEGIN of its own, and an explicit BEGIN inside a pipeline makes a
 * transaction block that outlives the Sync (PostgreSQL docs, "Pipelining"). Nothing is sent
 * sooner than before, nor in another order.
 *
 * Only the plain case is merged: a first statement with parameters or a name (the extended
 * protocol, as pg sends it anyway) that is not a cursor or another submittable. Otherwise the
 * held BEGIN goes alone just before it (pg's queue keeps the order). A transaction that ends
 * before any statement (COMMIT or ROLLBACK right after BEGIN) sends nothing: it did nothing.
 */
export function pipelineBegin(client: pg.Client): pg.Client {
  const send = client.query.bind(client) as (...args: unknown[]) => unknown;
  let held: string | null = null;
  const patched = (config: unknown, values?: unknown, callback?: unknown): unknown => {
    const query = normalised(config, values, callback);
    if (!query) {
      // A submittable (cursor, stream) or an unusual call: after the held BEGIN, as it came.
      if (held !== null) send(takeHeld());
      return send(config, values, callback);
    }
    if (held === null) {
      if (!isBegin(query.text, query.values)) return send(config, values, callback);
      held = query.text;
      return answer(query.callback, completed('BEGIN'));
    }
    if (isEnd(query.text, query.values)) {
      // Nothing ran since BEGIN: no transaction to end (PostgreSQL would have opened and closed
      // an empty one).
      held = null;
      return answer(
        query.callback,
        completed(query.text.trim().toUpperCase().startsWith('COMMIT') ? 'COMMIT' : 'ROLLBACK'),
      );
    }
    const begin = takeHeld();
    if (!mergeable(query)) {
      send(begin);
      return send(config, values, callback);
    }
    const merged = new BeginThenQuery(begin, query);
    if (query.callback) {
      send(merged);
      return undefined;
    }
    return new Promise((resolve, reject) => {
      merged.callback = (err: Error | null, res: unknown) => (err ? reject(err) : resolve(res));
      send(merged);
    });
  };
  const takeHeld = (): string => {
    const text = held ?? 'BEGIN';
    held = null;
    return text;
  };
  // Only knex's transaction statements are held or dropped: these texts, without parameters.
  client.query = patched as typeof client.query;
  return client;
}

/** `BEGIN;` and `BEGIN TRANSACTION ISOLATION LEVEL …;`/`READ ONLY`, as knex's pg dialect writes them. */
const BEGIN =
  /^BEGIN(?: TRANSACTION(?: ISOLATION LEVEL (?:READ UNCOMMITTED|READ COMMITTED|REPEATABLE READ|SERIALIZABLE))?(?: READ ONLY)?)?;?$/;
const END = /^(?:COMMIT|ROLLBACK);?$/;

const noValues = (values: unknown[] | undefined): boolean => values === undefined || values.length === 0;
const isBegin = (text: string, values: unknown[] | undefined): boolean =>
  noValues(values) && BEGIN.test(text);
const isEnd = (text: string, values: unknown[] | undefined): boolean => noValues(values) && END.test(text);

interface QueryConfig {
  text: string;
  values?: unknown[];
  name?: string;
  rows?: number;
  queryMode?: string;
  callback?: (err: Error | null, res?: unknown) => void;
  [option: string]: unknown;
}

/** The call as one config (pg's own forms: text or config, values, callback); null otherwise. */
function normalised(config: unknown, values: unknown, callback: unknown): QueryConfig | null {
  if (config === null || config === undefined) return null;
  if (typeof (config as { submit?: unknown }).submit === 'function') return null;
  const base: QueryConfig | null =
    typeof config === 'string'
      ? { text: config }
      : typeof (config as { text?: unknown }).text === 'string'
        ? { ...(config as QueryConfig) }
        : null;
  if (!base) return null;
  if (typeof values === 'function') base.callback = values as QueryConfig['callback'];
  else {
    if (Array.isArray(values)) base.values = values;
    if (typeof callback === 'function') base.callback = callback as QueryConfig['callback'];
  }
  return base;
}

/** What pg would send with the extended protocol (parameters or a name), in one Sync, no cursor. */
function mergeable(q: QueryConfig): boolean {
  return (
    q.rows === undefined &&
    ((q.values !== undefined && q.values.length > 0) || !!q.name || q.queryMode === 'extended')
  );
}

function completed(command: string): pg.QueryResult {
  return { command, rowCount: null, oid: 0, rows: [], fields: [] };
}

/** As pg answers: through the callback (later, never in the call), else a promise. */
function answer(callback: QueryConfig['callback'], result: pg.QueryResult): unknown {
  if (callback) {
    process.nextTick(() => callback(null, result));
    return undefined;
  }
  return Promise.resolve(result);
}

/** What of pg's Query the subclass below uses (not all in its type declarations). */
interface PgQuery {
  callback?: (err: Error | null, res?: unknown) => void;
  requiresPreparation(): boolean;
  submit(connection: pg.Connection): Error | null;
  prepare(connection: pg.Connection): void;
  handleCommandComplete(msg: unknown, connection: pg.Connection): void;
}
const PgQueryBase = pg.Query as unknown as new (config: object) => PgQuery;

/** pg's Query, its messages preceded by the held BEGIN's (no Sync between). */
class BeginThenQuery extends PgQueryBase {
  private beginDone = false;
  private submitting = false;
  private readonly statementName: string | undefined;

  constructor(
    private readonly begin: string,
    config: QueryConfig,
  ) {
    const { name, ...rest } = config;
    super(rest);
    this.statementName = name;
  }

  /**
   * The statement's name, as pg reads it to parse (at submit) and to remember a parsed statement
   * (at each ParseComplete). The BEGIN's ParseComplete comes first: the name is hidden until the
   * BEGIN has completed, so it is not taken for the statement's (whose own Parse may yet fail).
   */
  get name(): string | undefined {
    return this.submitting || this.beginDone ? this.statementName : undefined;
  }

  set name(_value: string | undefined) {
    // Set by pg's constructor from the config (without the name: kept in statementName).
  }

  override requiresPreparation(): boolean {
    return true;
  }

  override submit(connection: pg.Connection): Error | null {
    this.submitting = true;
    try {
      return super.submit(connection);
    } finally {
      this.submitting = false;
    }
  }

  override prepare(connection: pg.Connection): void {
    // The unnamed statement and portal: each is replaced by the statement's own Parse and Bind,
    // after the BEGIN has run (messages are processed in order).
    const c = connection as unknown as PgConnection;
    c.parse({ text: this.begin, name: '', types: [] });
    c.bind({ portal: '', statement: '', values: [] });
    c.execute({ portal: '', rows: 0 });
    super.prepare(connection);
  }

  override handleCommandComplete(msg: unknown, connection: pg.Connection): void {
    if (!this.beginDone) {
      // The BEGIN's: not a result of the statement.
      this.beginDone = true;
      return;
    }
    super.handleCommandComplete(msg, connection);
  }
}

/** The message writers of pg's Connection used above (not in its type declarations). */
interface PgConnection {
  parse(query: { text: string; name: string; types: unknown[] }): void;
  bind(config: { portal: string; statement: string; values: unknown[] }): void;
  execute(config: { portal: string; rows: number }): void;
}
