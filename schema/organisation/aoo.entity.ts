import { randomUUID } from 'node:crypto';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Entity, OptionalProps, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Administration } from './administration.entity.js';
import { User } from './user.entity.js';

/**
 * Area Organizzativa Omogenea: the unit that owns one protocol register. Data of different
 * AOOs never mix.
 */
@Entity({ tableName: 'aoo' })
@ObjectType({ simpleResolvers: true, description: 'Area Organizzativa Omogenea: owns one protocol register' })
@AnyAuthenticated()
export class Aoo {
  [OptionalProps]?: 'rgd';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier of the AOO' })
  id: string = randomUUID();

  @ManyToOne(() => Administration)
  administration!: Rel<Administration>;

  /** IPA `Codice_uni_aoo` (7 characters starting with A) or a legacy `cod_aoo`. */
  @Property({ length: 16 })
  @Field({ description: 'IPA Codice_uni_aoo (or legacy cod_aoo)' })
  code!: string;

  @Property({ length: 300 })
  @Field({ description: 'Name of the AOO' })
  name!: string;

  @Property({ length: 254 })
  @Field({ description: 'Institutional PEC address' })
  pecAddress!: string;

  @Property({ length: 16 })
  @Field({ description: 'Code of the protocol register (segnatura CodiceRegistro)' })
  registerCode!: string;

  /** Responsabile della Gestione Documentale. */
  @ManyToOne(() => User, { nullable: true })
  rgd: Rel<User> | null = null;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the AOO was recorded' })
  createdAt!: Date;
}
