import { randomUUID } from 'node:crypto';
import { ArrayType, Entity, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { TitolarioNode } from './titolario-node.entity.js';
import { TitolarioVersion } from './titolario-version.entity.js';

/**
 * A voce di indice (001 §5.3.2): a term people use for a matter ("licenze edilizie") pointing to
 * the node that classifies it, with lexical variants ("permesso di costruire"). It helps
 * classification; suggestions search it with the node descriptions.
 */
@Entity({ tableName: 'titolario_index_term' })
@ObjectType({
  simpleResolvers: true,
  description: 'A voce di indice: a term with variants pointing to a node',
})
@AnyAuthenticated()
export class TitolarioIndexTerm {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier of the index term' })
  id: string = randomUUID();

  @ManyToOne(() => TitolarioNode)
  node!: Rel<TitolarioNode>;

  @ManyToOne(() => TitolarioVersion)
  version!: Rel<TitolarioVersion>;

  @Property({ length: 300 })
  @Field({ description: 'The term, e.g. "Licenze edilizie"' })
  term!: string;

  @Property({ type: ArrayType, columnType: 'text[]' })
  @Field(() => [String], { description: 'Lexical variants and synonyms of the term' })
  variants: string[] = [];
}
