import { randomUUID } from 'node:crypto';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Entity, OptionalProps, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Aoo } from './aoo.entity.js';
import { User } from './user.entity.js';

/** Unità Organizzativa Responsabile: an office, in a hierarchy within one AOO. */
@Entity({ tableName: 'uor' })
@ObjectType({
  simpleResolvers: true,
  description: 'Unità Organizzativa Responsabile: an office in the hierarchy of an AOO',
})
@AnyAuthenticated()
export class Uor {
  [OptionalProps]?: 'parent' | 'head' | 'email' | 'activeTo';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier of the UOR' })
  id: string = randomUUID();

  @ManyToOne(() => Aoo)
  aoo!: Rel<Aoo>;

  @Property({ length: 32 })
  @Field({ description: 'Code of the office, unique in its AOO' })
  code!: string;

  @Property({ length: 300 })
  @Field({ description: 'Name of the office' })
  name!: string;

  @ManyToOne(() => Uor, { nullable: true })
  parent: Rel<Uor> | null = null;

  /** The head sees what is assigned to subordinate UORs (002 §2.5). */
  @ManyToOne(() => User, { nullable: true })
  head: Rel<User> | null = null;

  @Property({ length: 254, nullable: true })
  @Field(() => String, { nullable: true, description: 'Ordinary e-mail of the office; null when none' })
  email: string | null = null;

  @Property({ type: 'date' })
  @Field({ description: 'First day the office exists (YYYY-MM-DD)' })
  activeFrom!: string;

  @Property({ type: 'date', nullable: true })
  @Field(() => String, { nullable: true, description: 'Last day the office exists; null while active' })
  activeTo: string | null = null;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the UOR was recorded' })
  createdAt!: Date;
}
