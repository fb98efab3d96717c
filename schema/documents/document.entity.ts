import { randomUUID } from 'node:crypto';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Aoo } from '../organisation/index.js';
import { Uor } from '../organisation/index.js';
import { User } from '../organisation/index.js';
import { DocumentKind } from './document-enums.js';

/**
 * A document: a primary file with ordered attachments, owned by a UOR of one AOO. Protocol
 * registration (a later module) sets registeredAt; from then on its files are immutable.
 */
@Entity({ tableName: 'document' })
@ObjectType({ simpleResolvers: true, description: 'A document: primary file plus ordered attachments' })
@AnyAuthenticated()
export class Document {
  [OptionalProps]?: 'registeredAt' | 'isDraft' | 'reservedUntil' | 'particolare';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier of the document' })
  id: string = randomUUID();

  @ManyToOne(() => Aoo)
  aoo!: Rel<Aoo>;

  /** The responsible office; row visibility follows it. */
  @ManyToOne(() => Uor)
  uor!: Rel<Uor>;

  @Enum({ items: () => DocumentKind })
  @Field(() => DocumentKind, {
    description: 'Whether the document is registered in the protocol, in a repertorio, or neither (a draft)',
  })
  kind!: DocumentKind;

  @Property({ length: 2000 })
  @Field({ description: 'The subject of the document (oggetto), as a registration shows it' })
  oggetto!: string;

  @ManyToOne(() => User, { fieldName: 'created_by' })
  createdBy!: Rel<User>;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the document was created' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description: 'Set by registration; the files are immutable from then on',
  })
  registeredAt: Date | null = null;

  /** Riservato (001 §8.9): until this day (exclusive) only involved users with the reserved right see it. */
  @Property({ type: 'date', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'Riservato: from this day (YYYY-MM-DD) on, normal visibility applies',
  })
  reservedUntil: string | null = null;

  /** Protocollo particolare (001 §8.10): only the named users with the particolare right see it. */
  @Property()
  @Field({ description: 'Protocollo particolare: only the named users who hold PROTOCOL_PARTICOLARE see it' })
  particolare: boolean = false;

  get isDraft(): boolean {
    return this.registeredAt === null;
  }
}
