import { randomUUID } from 'node:crypto';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { User } from '../organisation/index.js';
import { Document } from './document.entity.js';
import { StoredFile } from './stored-file.entity.js';

/**
 * A file in a document slot: position 0 is the primary document, 1..n the attachments. A
 * draft may replace a slot's file: the old row is superseded, never rewritten.
 */
@Entity({ tableName: 'document_file' })
@ObjectType({
  simpleResolvers: true,
  description: 'A version of the file in one slot of a document (0 = primary, 1.. = attachments)',
})
@AnyAuthenticated()
export class DocumentFile {
  [OptionalProps]?: 'supersededAt' | 'description';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier of this version of the slot' })
  id: string = randomUUID();

  @ManyToOne(() => Document)
  document!: Rel<Document>;

  @ManyToOne(() => StoredFile)
  file!: Rel<StoredFile>;

  @Property()
  @Field(() => Int, { description: 'Slot: 0 is the primary document, 1 and up the attachments in order' })
  position!: number;

  @Property()
  @Field(() => Int, { description: 'Version of the slot, from 1; a replaced file stays as an older version' })
  version!: number;

  @Property({ length: 1000, nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'Description of the attachment (a registratura element once registered)',
  })
  description: string | null = null;

  @ManyToOne(() => User, { fieldName: 'created_by' })
  createdBy!: Rel<User>;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When this version was put in the slot' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description: 'When a newer version replaced this one; null for the current version',
  })
  supersededAt: Date | null = null;
}
