import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../context.js';
import { InvalidInputError } from '../errors/domain-error.js';
import { connectionOf, pageRequest, type ConnectionShape, type PageRequest } from './connection.js';
import { grouped } from './loader-helpers.js';

/**
 * Batched nested Relay pages: `documents(first, after)` under every fascicolo or raccoglitore of
 * a list or tree, each parent with its own page, in one statement per level rather than one per
 * parent. It exists because every module with a nested connection needs the same delicate
 * machinery (group the asked pages by (first, after); fetch `first + 1` rows per parent so the
 * extra one tells whether more follow; cursors from each row's keyset; totals from a window count
 * or a count loader; validate cursors before any SQL; optionally prime pages fetched ahead for
 * the next level of a tree), and two private copies of it had already drifted apart. A module
 * supplies only what is its own: the SQL of a batch (a `NestedPageSource`), with its visibility
 * and its cursor shape; the statement count of a read then does not grow with its parents.
 */

/** A nested page asked of one parent. `after` is the client's opaque cursor, as received. */
export interface NestedPageKey {
  parentId: string;
  first: number;
  after: string | null;
}

/** One row a batch fetched: whose page it belongs to, its keyset (the cursor) and what it shows. */
export interface NestedPageRow<TRow> {
  parentId: string;
  row: TRow;
  cursor: unknown[];
  /** All rows of the parent (a window count), when the source counts on first pages (`windowTotal`). */
  total?: number;
}

/** What a batch fetched: the rows of the parents asked and, on a first page, of `covered` parents. */
export interface NestedPageFetch<TRow> {
  /** In page order within each parent; at most `limit` (= first + 1) per parent. */
  rows: Array<NestedPageRow<TRow>>;
  /**
   * Other parents (say, the sottofascicoli of those asked) whose whole first page is among the
   * rows: it is primed, so the next level of a tree costs no statement of its own.
   */
  covered?: string[];
}

/** The part of a nested connection that is a module's own. */
export interface NestedPageSource<TNode, TRow> {
  /** Largest `first` accepted. */
  max: number;
  /** How many values a cursor holds. */
  arity: number;
  /** Whether decoded cursor values fit this list's keyset (checked before any SQL). */
  isCursor: (values: unknown[]) => boolean;
  /**
   * The pages of `parentIds`, at most `limit` rows each, after the keyset `after` (null for a
   * first page): one statement, with the caller's visibility.
   */
  fetch: (parentIds: string[], limit: number, after: unknown[] | null) => Promise<NestedPageFetch<TRow>>;
  /**
   * Whether first-page rows carry `total`: then a first page's totalCount costs nothing (0 when
   * empty); otherwise, and after a cursor, totalCount asks `count`.
   */
  windowTotal: boolean;
  /** The visible rows of one parent (batched by the caller: a count loader). */
  count: (parentId: string) => Promise<number>;
  /**
   * The nodes of the rows a batch shows (every page it builds, each cut to `first`), in one go:
   * load or map them, audit their viewing. A null drops the row from its page.
   */
  present: (rows: Array<NestedPageRow<TRow>>) => Promise<Array<TNode | null>>;
}

/**
 * Loads the nested pages of one or more connections (`kind`s) through one per-request loader:
 * the pages of every kind asked at one level resolve together, so the fields below them batch
 * together too (a tree's sottofascicoli and documents, say, and the audit of what they show).
 */
export interface NestedPageLoader<TKind extends string, TNode> {
  load: (kind: TKind, key: NestedPageKey) => Promise<ConnectionShape<TNode>>;
}

interface KindKey extends NestedPageKey {
  kind: string;
}

function invalidCursor(): InvalidInputError {
  return new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
}

/** The request of a key, validated: `first` in range, `after` a cursor of this list. */
function validated<TNode, TRow>(source: NestedPageSource<TNode, TRow>, key: NestedPageKey): PageRequest {
  const page = pageRequest(key.first, key.after, source.max, source.arity);
  if (page.after !== null && !source.isCursor(page.after)) throw invalidCursor();
  return page;
}

/**
 * The per-request loader `name` of the nested connections `sources` (built once per request):
 * the one way a module serves a nested connection per parent, so that none writes its own
 * batching, cursors and totals again (see the top of this file for why).
 * Cursors and `first` are validated per field before any SQL. Batches take turns: a later one
 * first waits for the pages an earlier one fetched ahead, then fetches only what is still
 * missing, so the statements of a tree read do not depend on timing.
 */
export function nestedPageLoader<TKind extends string, TNode, TRow>(
  ctx: RequestContext,
  name: string,
  sources: () => Record<TKind, NestedPageSource<TNode, TRow>>,
): NestedPageLoader<TKind, TNode> {
  const pages = loader(ctx, name, () => createLoader<TNode, TRow>(sources()));
  return {
    load: async (kind, key) => {
      const source = pages.sources[kind];
      if (!source) throw new Error(`no nested page source ${kind} in ${name}`);
      validated(source, key);
      return pages.loader.load({ kind, parentId: key.parentId, first: key.first, after: key.after });
    },
  };
}

function createLoader<TNode, TRow>(sources: Partial<Record<string, NestedPageSource<TNode, TRow>>>) {
  const cacheKey = (k: KindKey): string => `${k.kind}/${k.parentId}/${k.first}/${k.after ?? ''}`;
  const fetchedAhead = new Map<string, ConnectionShape<TNode>>();
  let turn: Promise<void> = Promise.resolve();

  /** The page of one parent from its rows (at most first + 1), nodes presented. */
  const connection = (
    source: NestedPageSource<TNode, TRow>,
    parentId: string,
    rows: Array<NestedPageRow<TRow>>,
    nodes: Array<TNode | null>,
    page: PageRequest,
  ): ConnectionShape<TNode> => {
    const shown = rows.slice(0, page.first).flatMap((r, i) => {
      const node = nodes[i];
      return node == null ? [] : [{ node, cursor: r.cursor }];
    });
    const cursors = new Map(shown.map((s) => [s.node, s.cursor]));
    return connectionOf(
      shown.map((s) => s.node),
      rows.length > page.first,
      page,
      (n) => cursors.get(n) ?? [],
      // A first page counted its parent's rows already (with a window count); else count them.
      () =>
        source.windowTotal && page.after === null
          ? Promise.resolve(rows[0]?.total ?? 0)
          : source.count(parentId),
    );
  };

  const pages: DataLoader<KindKey, ConnectionShape<TNode>, string> = new DataLoader(
    async (keys) => {
      const previous = turn;
      let release = (): void => undefined;
      turn = new Promise<void>((resolve) => (release = resolve));
      try {
        await previous;
        const results = new Map<string, ConnectionShape<TNode>>();
        const groups = new Map<string, KindKey[]>();
        for (const key of keys) {
          const ahead = fetchedAhead.get(cacheKey(key));
          if (ahead) {
            results.set(cacheKey(key), ahead);
            continue;
          }
          const g = `${key.kind}/${key.first}/${key.after ?? ''}`;
          groups.set(g, [...(groups.get(g) ?? []), key]);
        }
        // One statement per kind and distinct (first, after); then the nodes of each kind at once.
        const built = await Promise.all(
          [...groups.values()].map(async (group) => {
            const sample = group[0];
            const source = sample && sources[sample.kind];
            if (!sample || !source) return [];
            const page = validated(source, sample);
            const asked = [...new Set(group.map((k) => k.parentId))];
            const fetched = await source.fetch(asked, page.first + 1, page.after);
            const covered =
              page.after === null ? (fetched.covered ?? []).filter((id) => !asked.includes(id)) : [];
            const parents = [...asked, ...covered];
            const byParent = grouped(fetched.rows, parents, (r) => r.parentId);
            return parents.map((parentId, i) => ({
              key: { kind: sample.kind, parentId, first: page.first, after: sample.after },
              source,
              ahead: i >= asked.length,
              rows: byParent[i] ?? [],
              page,
            }));
          }),
        );
        const all = built.flat();
        const presented = await Promise.all(
          [...new Set(all.map((p) => p.source))].map(async (source) => {
            const mine = all.filter((p) => p.source === source);
            const shown = mine.flatMap((p) => p.rows.slice(0, p.page.first));
            const nodes = shown.length > 0 ? await source.present(shown) : [];
            let offset = 0;
            return mine.map((p) => {
              const count = Math.min(p.rows.length, p.page.first);
              const value = connection(
                source,
                p.key.parentId,
                p.rows,
                nodes.slice(offset, offset + count),
                p.page,
              );
              offset += count;
              return { ...p, value };
            });
          }),
        );
        for (const p of presented.flat()) {
          if (p.ahead) {
            fetchedAhead.set(cacheKey(p.key), p.value);
            pages.prime(p.key, p.value);
          } else results.set(cacheKey(p.key), p.value);
        }
        return keys.map(
          (key) =>
            results.get(cacheKey(key)) ??
            connectionOf<TNode>(
              [],
              false,
              { first: key.first, after: null },
              () => [],
              () => Promise.resolve(0),
            ),
        );
      } finally {
        release();
      }
    },
    { cacheKeyFn: cacheKey },
  );
  return { sources, loader: pages };
}
