import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { registerEnumType } from 'type-graphql';
import { User } from '../organisation/index.js';
import { Document } from './document.entity.js';

export enum DocumentAccessReason {
  /** Involved in a riservato document (001 §8.9). */
  INVOLVED = 'INVOLVED',
  /** Named for a protocollo particolare (001 §8.10). */
  NAMED = 'NAMED',
}

registerEnumType(DocumentAccessReason, { name: 'DocumentAccessReason' });

/** A user who may see a confidential document, and why. */
@Entity({ tableName: 'document_access' })
export class DocumentAccess {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Document)
  document!: Rel<Document>;

  @ManyToOne(() => User)
  user!: Rel<User>;

  @Enum({ items: () => DocumentAccessReason })
  reason!: DocumentAccessReason;

  @ManyToOne(() => User, { fieldName: 'granted_by' })
  grantedBy!: Rel<User>;

  @Property({ type: 'timestamptz' })
  grantedAt!: Date;
}
