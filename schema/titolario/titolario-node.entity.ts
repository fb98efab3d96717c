import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Aoo } from '../organisation/index.js';
import { TitolarioVersion } from './titolario-version.entity.js';

/**
 * A node of one titolario version: a titolo (level 1, roman numeral code), a classe (level 2),
 * a sottoclasse… (arabic numerals). fullCode is the path of codes ('IX/1/2'); sortKey orders
 * nodes naturally (IX before X, 2 before 10) in depth-first order.
 */
@Entity({ tableName: 'titolario_node' })
@ObjectType({
  simpleResolvers: true,
  description: 'A node of a titolario version: titolo, classe, sottoclasse…',
})
@AnyAuthenticated()
export class TitolarioNode {
  [OptionalProps]?: 'leaf';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier of the node (a classification points to it)' })
  id: string = randomUUID();

  @ManyToOne(() => TitolarioVersion)
  version!: Rel<TitolarioVersion>;

  @ManyToOne(() => Aoo)
  aoo!: Rel<Aoo>;

  /** Null for a titolo. */
  @ManyToOne(() => TitolarioNode, { nullable: true })
  parent: Rel<TitolarioNode> | null = null;

  @Property()
  @Field(() => Int, { description: '1 for a titolo, 2 for a classe, 3 for a sottoclasse…' })
  level!: number;

  @Property({ length: 10 })
  @Field({
    description: 'The code within the parent: a roman numeral for a titolo ("IX"), arabic below ("1")',
  })
  code!: string;

  @Property({ length: 200 })
  @Field({ description: 'The path of codes from the titolo: "IX", "IX/1", "IX/1/2"' })
  fullCode!: string;

  @Property({ length: 1000 })
  @Field({ description: 'What the node covers, e.g. "Edilizia privata"' })
  description!: string;

  /** Kept by the service as children come and go (a fascicolo opens on a leaf). */
  @Property()
  @Field({ description: 'Whether the node has no children (fascicoli are opened on leaves)' })
  leaf: boolean = true;

  @Property({ length: 200 })
  sortKey!: string;
}
