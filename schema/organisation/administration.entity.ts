import { randomUUID } from 'node:crypto';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';

/** A public body, identified by its IPA code (`CodiceAmministrazione`). */
@Entity({ tableName: 'administration' })
@ObjectType({ simpleResolvers: true, description: 'A public body, identified by its IPA code' })
@AnyAuthenticated()
export class Administration {
  [OptionalProps]?: 'taxCode';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier of the administration' })
  id: string = randomUUID();

  @Property({ length: 32 })
  @Field({ description: 'IPA code of the administration (CodiceAmministrazione)' })
  ipaCode!: string;

  @Property({ length: 300 })
  @Field({ description: 'Official name, e.g. Comune di Esempio' })
  name!: string;

  @Property({ length: 16, nullable: true })
  @Field(() => String, { nullable: true, description: 'Codice fiscale of the body' })
  taxCode: string | null = null;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the administration was recorded' })
  createdAt!: Date;
}
