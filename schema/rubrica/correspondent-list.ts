import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { connectionOf, pageRequest, type ConnectionShape } from '../../server/graphql/connection.js';
import type { CorrespondentFilter } from './correspondent.inputs.js';
import type { Correspondent } from './correspondent.types.js';
import { ENTRY_COLUMNS, entryOf, type Row } from './correspondent-rows.js';
import { normaliseCode } from './tax-codes.js';
import { readsDirectory } from './correspondent.service.js';

export const MAX_CORRESPONDENT_PAGE = 100;

interface Where {
  sql: string[];
  params: unknown[];
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function filterSql(aooId: string, filter: CorrespondentFilter | null | undefined): Where {
  const where: Where = { sql: ['c.aoo_id = ?'], params: [aooId] };
  if (!filter) return where;
  const text = filter.text?.trim();
  if (text) {
    if (text.length > 200) throw new InvalidInputError('filter.text', 'must be at most 200 characters');
    const words = text.split(/\s+/).filter((w) => w.length > 0);
    if (words.some((w) => w.length < 2) || words.length > 10)
      throw new InvalidInputError('filter.text', 'must be 1 to 10 words of at least 2 characters');
    // Every word somewhere in the name, accents and case ignored (trigram index).
    for (const w of words) {
      where.sql.push(`c.search_text like '%' || lower(dms_unaccent(?)) || '%'`);
      where.params.push(escapeLike(w));
    }
  }
  const code = filter.code?.trim();
  if (code) {
    const c = normaliseCode(code);
    where.sql.push(
      '? in (c.codice_fiscale, c.partita_iva, upper(c.ipa_code), upper(c.aoo_code), upper(c.uo_code))',
    );
    where.params.push(c);
  }
  const address = filter.address?.trim();
  if (address) {
    where.sql.push('lower(?) in (lower(c.pec), lower(c.email))');
    where.params.push(address);
  }
  if (filter.kinds) {
    where.sql.push('c.kind = any(?::text[])');
    where.params.push(pgArray(filter.kinds));
  }
  if (filter.active != null) {
    where.sql.push('c.active = ?');
    where.params.push(filter.active);
  }
  return where;
}

/** A page of an AOO's directory, by name (accents and case ignored), then id. */
export async function listCorrespondents(
  ctx: RequestContext,
  aooId: string,
  args: { first: number; after?: string | null; filter?: CorrespondentFilter | null },
): Promise<ConnectionShape<Correspondent>> {
  const page = pageRequest(args.first, args.after, MAX_CORRESPONDENT_PAGE, 2);
  // Another AOO's directory, or a malformed id, reads as an empty one.
  if (!isUuid(aooId) || !readsDirectory(ctx, aooId))
    return connectionOf<Correspondent>(
      [],
      false,
      page,
      () => [],
      () => Promise.resolve(0),
    );
  const where = filterSql(aooId, args.filter);
  const keyset: Where = { sql: [...where.sql], params: [...where.params] };
  if (page.after) {
    const [name, id] = page.after;
    if (typeof name !== 'string' || typeof id !== 'string' || !isUuid(id))
      throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
    keyset.sql.push('(c.sort_name, c.id) > (?, ?::uuid)');
    keyset.params.push(name, id);
  }
  const rows = await ctx.em.execute<Row[]>(
    `select ${ENTRY_COLUMNS}, c.sort_name from correspondent c where ${keyset.sql.join(' and ')}
      order by c.sort_name, c.id limit ?`,
    [...keyset.params, page.first + 1],
  );
  const shown = rows.slice(0, page.first);
  const sortOf = new Map(shown.map((r) => [r['id'] as string, r['sort_name'] as string]));
  return connectionOf(
    shown.map(entryOf),
    rows.length > page.first,
    page,
    (c) => [sortOf.get(c.id) ?? '', c.id],
    async () => {
      const counted = await ctx.em.execute<Array<{ n: string }>>(
        `select count(*) as n from correspondent c where ${where.sql.join(' and ')}`,
        where.params,
      );
      return Number(counted[0]?.n ?? 0);
    },
  );
}
