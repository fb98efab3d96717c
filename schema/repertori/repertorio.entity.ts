import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';

/**
 * A repertorio (DOMAIN §4, 001 §5.3.4): a series of documents of one form in an AOO — delibere,
 * decreti, contratti, the protocollo particolare — numbered per calendar year. Its code names
 * it for good; a repertorio that is no longer used is deactivated, never deleted.
 */
@Entity({ tableName: 'repertorio' })
@ObjectType({
  simpleResolvers: true,
  description: 'A repertorio: a yearly-numbered series of documents of one form',
})
@AnyAuthenticated()
export class Repertorio {
  [OptionalProps]?: 'active';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  aooId!: string;

  @Property({ length: 40 })
  @Field({ description: 'Code, unique in the AOO and never changed (DELIBERE, DECRETI, CONTRATTI…)' })
  code!: string;

  @Property({ length: 200 })
  @Field({ description: 'Name shown to users (may be corrected)' })
  name!: string;

  @Property()
  @Field({ description: 'Whether documents may still be registered in it' })
  active: boolean = true;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was created' })
  createdAt!: Date;

  @Property({ type: 'uuid', fieldName: 'created_by' })
  createdById!: string;
}
