import { Field, Float, ObjectType } from 'type-graphql';
import { romeDay } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { isoDate, requiredText } from '../../server/errors/input-checks.js';
import { readableAoo } from './titolario-access.js';
import { MAX_SUGGESTIONS } from './titolario-limits.js';
import { versionInForce } from './titolario-lookup.js';
import { TitolarioNode } from './titolario-node.entity.js';

@ObjectType({
  simpleResolvers: true,
  description: 'A node suggested to classify a text, with how well it matches',
})
@AnyAuthenticated()
export class ClassificationSuggestion {
  @Field(() => TitolarioNode, {
    description: 'The suggested node (of the version in force on the day asked)',
  })
  node!: TitolarioNode;

  @Field(() => Float, {
    description: 'Relevance: higher is better; only the order among suggestions matters',
  })
  score!: number;

  @Field(() => String, {
    nullable: true,
    description:
      'The voce di indice that matched best, when an index term matched rather than the description',
  })
  matchedIndexTerm!: string | null;
}

/**
 * The text search configuration for Italian free text (migration 000012): Italian stemming with
 * accents and case ignored. Other modules search with it through this export.
 */
export const ITALIAN_TEXT_SEARCH = `'titolario_italian'::regconfig`;
/** Index terms are chosen by people for exactly this: a match there counts a little more. */
const INDEX_TERM_WEIGHT = 1.2;

/**
 * Nodes of the version in force whose description or index terms (and their variants) share
 * words with the text, best first. Words are compared by Italian stem with accents ignored
 * (the titolario_italian text search configuration); any word may match, more matching words
 * rank higher.
 */
export async function classificationSuggestions(
  ctx: RequestContext,
  args: { aooId: string; text: string; at: string | null; first: number; leavesOnly: boolean },
): Promise<ClassificationSuggestion[]> {
  const aoo = await readableAoo(ctx, args.aooId);
  const text = requiredText('text', args.text, 1000);
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_SUGGESTIONS) {
    throw new InvalidInputError('first', `must be between 1 and ${MAX_SUGGESTIONS}`);
  }
  const day = args.at == null ? romeDay(ctx.clock.now()) : isoDate('at', args.at);
  const version = await versionInForce(ctx.em, aoo.id, day);
  if (!version) return [];
  const rows = await ctx.em.execute<Array<{ node_id: string; score: number; term: string | null }>>(
    `with q as (
       select to_tsquery('simple', string_agg(quote_literal(l), ' | ')) as query
         from unnest(tsvector_to_array(to_tsvector(${ITALIAN_TEXT_SEARCH}, ?))) l
     ),
     hits as (
       select n.id as node_id, ts_rank(n.search, q.query) as score, null::text as term
         from titolario_node n, q where n.version_id = ? and n.search @@ q.query
       union all
       select t.node_id, ts_rank(t.search, q.query) * ${INDEX_TERM_WEIGHT}, t.term
         from titolario_index_term t, q where t.version_id = ? and t.search @@ q.query
     ),
     best as (
       select distinct on (node_id) node_id, score, term from hits order by node_id, score desc, term
     )
     select b.node_id, b.score::float8 as score, b.term
       from best b join titolario_node n on n.id = b.node_id
      where (not ? or n.leaf)
      order by b.score desc, n.sort_key
      limit ?`,
    [text, version.id, version.id, args.leavesOnly, args.first],
  );
  const nodes = new Map(
    (await ctx.em.find(TitolarioNode, { id: { $in: rows.map((r) => r.node_id) } })).map((n) => [n.id, n]),
  );
  return rows.flatMap((r) => {
    const node = nodes.get(r.node_id);
    return node ? [{ node, score: Number(r.score), matchedIndexTerm: r.term }] : [];
  });
}
