import { randomUUID } from 'node:crypto';
import { AnyAuthenticated } from '../../server/auth/access.js';
import {
  BigIntType,
  Entity,
  Enum,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Rel,
} from '@mikro-orm/core';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../organisation/index.js';
import { DocumentFormat, SignatureStatus } from './document-enums.js';
import type { SignatureKind, SignerSummary } from './inspection/index.js';

/** What the signature check found, kept with the file (it never blocks registration). */
export interface StoredSignature {
  kind: SignatureKind;
  label: string;
  detail: string;
  signingTime: string | null;
  envelopeDepth: number;
  signers: Array<Omit<SignerSummary, 'notBefore' | 'notAfter'> & { notBefore: string; notAfter: string }>;
}

/**
 * One uploaded file: metadata of a content-addressed blob. Several rows may share one blob
 * (same bytes uploaded twice); the bytes are stored once.
 */
@Entity({ tableName: 'stored_file' })
@ObjectType('StoredFile', {
  simpleResolvers: true,
  description: 'An uploaded file: its digest, size, detected format and signature outcome',
})
@AnyAuthenticated()
export class StoredFile {
  [OptionalProps]?: 'declaredMediaType' | 'pdfaPart';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier of the file (GET /files/:id serves its bytes)' })
  id: string = randomUUID();

  @Property({ length: 64, columnType: 'char(64)' })
  @Field({ description: 'SHA-256 of the bytes, lowercase hex (the "impronta")' })
  sha256!: string;

  @Property({ type: new BigIntType('number') })
  @Field(() => GraphQLSafeInt, { description: 'Size in bytes' })
  size!: number;

  @Property({ length: 80 })
  blobKey!: string;

  @Property({ length: 255 })
  @Field({ description: 'Media type detected from the bytes' })
  mediaType!: string;

  @Property({ length: 255, nullable: true })
  @Field(() => String, { nullable: true, description: 'Content-Type the uploader declared' })
  declaredMediaType: string | null = null;

  @Property({ length: 255 })
  @Field({ description: 'The name it was uploaded with (the download suggests it)' })
  originalName!: string;

  @Enum({ items: () => DocumentFormat })
  @Field(() => DocumentFormat, { description: 'Format detected from the bytes' })
  format!: DocumentFormat;

  @Property()
  @Field({ description: 'Whether the format is in the accepted list (001 §3.2.2); advice, never a block' })
  formatAccepted!: boolean;

  @Property({ length: 8, nullable: true })
  @Field(() => String, { nullable: true, description: 'Declared PDF/A part and conformance, e.g. 2B' })
  pdfaPart: string | null = null;

  @Property({ length: 8 })
  signatureKind!: SignatureKind;

  @Enum({ items: () => SignatureStatus })
  @Field(() => SignatureStatus, { description: 'Outcome of the signature check, as in signature.status' })
  signatureStatus!: SignatureStatus;

  @Property({ type: 'json' })
  signatureDetail!: StoredSignature;

  @ManyToOne(() => User, { fieldName: 'uploaded_by' })
  uploadedBy!: Rel<User>;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the file was uploaded' })
  uploadedAt!: Date;
}
