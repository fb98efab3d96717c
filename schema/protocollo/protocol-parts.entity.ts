import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Acl } from '../../server/auth/acl.js';
import { PROTOCOL_READ_PERSONAL_DATA } from '../documents/index.js';
import type { CcEntry, LinkEntry } from './protocol-cc-links.js';
import { ProtocolCorrespondentKind, CorrespondentRole, ProtocolNote } from './protocollo-enums.js';

/** Personal data: shown to holders of PROTOCOL_READ_PERSONAL_DATA in the record's AOO. */
const personalData = (_ctx: unknown, c: ProtocolCorrespondent): boolean => c.personalDataVisible === true;
/** Names and PEC addresses are personal data of persons only (not of companies and administrations). */
const personalDataOfPersons = (_ctx: unknown, c: ProtocolCorrespondent): boolean =>
  c.personalDataVisible === true || c.kind !== ProtocolCorrespondentKind.PERSONA_FISICA;

/**
 * A correspondent of a registration exactly as it was at registration (registratura): copied
 * from the request or from a directory entry (with the entry's version), never changed by later edits there.
 */
@Entity({ tableName: 'protocol_correspondent' })
// Not simpleResolvers: the field-level ACL of personal data is a middleware.
@ObjectType({ description: 'A sender or recipient of a registration, as registered (never changed)' })
@AnyAuthenticated()
export class ProtocolCorrespondent {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  recordId!: string;

  /** Set by the record's field resolver from the caller's grants in the record's AOO (not stored). */
  personalDataVisible?: boolean;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Order in the registration, from 1' })
  position!: number;

  @Enum({ items: () => CorrespondentRole, length: 12 })
  @Field(() => CorrespondentRole, { description: 'Sender or recipient' })
  role!: CorrespondentRole;

  @Enum({ items: () => ProtocolCorrespondentKind, length: 30 })
  @Field(() => ProtocolCorrespondentKind, { description: 'Person, legal person, administration…' })
  kind!: ProtocolCorrespondentKind;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'The directory entry it was copied from, if any' })
  correspondentId: string | null = null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, {
    nullable: true,
    description: 'The version of the directory entry that was copied (null when given inline)',
  })
  correspondentVersion: number | null = null;

  @Property({ length: 300, nullable: true })
  @Field(() => String, { nullable: true, description: 'Denominazione (legal person, administration)' })
  @Acl<ProtocolCorrespondent>(PROTOCOL_READ_PERSONAL_DATA, personalDataOfPersons)
  denominazione: string | null = null;

  @Property({ length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Nome (person)' })
  @Acl<ProtocolCorrespondent>(PROTOCOL_READ_PERSONAL_DATA, personalData)
  nome: string | null = null;

  @Property({ length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Cognome (person)' })
  @Acl<ProtocolCorrespondent>(PROTOCOL_READ_PERSONAL_DATA, personalData)
  cognome: string | null = null;

  @Property({ length: 16, nullable: true })
  @Field(() => String, { nullable: true, description: 'Codice fiscale' })
  @Acl<ProtocolCorrespondent>(PROTOCOL_READ_PERSONAL_DATA, personalData)
  codiceFiscale: string | null = null;

  @Property({ length: 11, nullable: true })
  @Field(() => String, { nullable: true, description: 'Partita IVA' })
  partitaIva: string | null = null;

  @Property({ length: 20, nullable: true })
  @Field(() => String, { nullable: true, description: 'IPA code of the administration' })
  ipaAmministrazione: string | null = null;

  @Property({ length: 20, nullable: true })
  @Field(() => String, { nullable: true, description: 'IPA code of the AOO' })
  ipaAoo: string | null = null;

  @Property({ length: 20, nullable: true })
  @Field(() => String, { nullable: true, description: 'IPA code of the organisational unit (UO)' })
  ipaUo: string | null = null;

  @Property({ length: 500, nullable: true })
  @Field(() => String, { nullable: true, description: 'Postal address' })
  @Acl<ProtocolCorrespondent>(PROTOCOL_READ_PERSONAL_DATA, personalData)
  indirizzo: string | null = null;

  @Property({ length: 254, nullable: true })
  @Field(() => String, { nullable: true, description: 'E-mail address' })
  @Acl<ProtocolCorrespondent>(PROTOCOL_READ_PERSONAL_DATA, personalData)
  email: string | null = null;

  @Property({ length: 254, nullable: true })
  @Field(() => String, { nullable: true, description: 'PEC address' })
  @Acl<ProtocolCorrespondent>(PROTOCOL_READ_PERSONAL_DATA, personalDataOfPersons)
  pec: string | null = null;
}

/** A file bound at registration: its digest and description are registratura. */
@Entity({ tableName: 'protocol_file' })
@ObjectType({
  simpleResolvers: true,
  description: 'A file bound to a registration: 0 the primary document, 1.. the attachments',
})
@AnyAuthenticated()
export class ProtocolFile {
  @PrimaryKey({ type: 'uuid' })
  recordId!: string;

  @PrimaryKey({ type: 'integer' })
  @Field(() => Int, { description: 'Slot: 0 is the primary document, 1 and up the attachments in order' })
  position!: number;

  @Property({ type: 'uuid' })
  @Field(() => ID, { description: 'The stored file (GET /files/:id serves its bytes)' })
  fileId!: string;

  @Property({ length: 64, columnType: 'char(64)' })
  @Field({ description: 'SHA-256 of the bytes at registration, lowercase hex' })
  sha256!: string;

  @Property({ length: 1000, nullable: true })
  @Field(() => String, { nullable: true, description: 'Description of the attachment at registration' })
  description: string | null = null;
}

/** A correction or note: appended, never changed or deleted (002 §10.4). */
@Entity({ tableName: 'protocol_annotation' })
@ObjectType({ simpleResolvers: true, description: 'An annotation of a registration (append-only)' })
@AnyAuthenticated()
export class ProtocolAnnotation {
  [OptionalProps]?: 'note';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  recordId!: string;

  @Property({ length: 4000 })
  @Field({ description: 'The text' })
  text!: string;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was added' })
  createdAt!: Date;

  @Property({ type: 'uuid', fieldName: 'created_by' })
  createdById!: string;

  @Enum({ items: () => ProtocolNote, length: 40, nullable: true })
  @Field(() => ProtocolNote, {
    nullable: true,
    description: 'The typed note this annotation states (added at registration); null for free text',
  })
  note: ProtocolNote | null = null;
}

/** One version of the managed fields: what they were from `changedAt` on, and what changed. */
@Entity({ tableName: 'protocol_version' })
@ObjectType({
  simpleResolvers: true,
  description: 'A version of the managed fields of a registration (1 = as registered)',
})
@AnyAuthenticated()
export class ProtocolVersion {
  [OptionalProps]?:
    'rpaId' | 'classificationId' | 'fascicoloId' | 'documentType' | 'meansOfTransmission' | 'cc' | 'links';

  @PrimaryKey({ type: 'uuid' })
  recordId!: string;

  @PrimaryKey({ type: 'integer' })
  @Field(() => Int, { description: 'Version number, from 1' })
  version!: number;

  @Property({ type: 'uuid' })
  @Field(() => ID, { description: 'UOR in this version' })
  uorId!: string;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'RPA (user id) in this version' })
  rpaId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'Classification (titolario node id) in this version' })
  classificationId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'Fascicolo in this version' })
  fascicoloId: string | null = null;

  @Property({ length: 200, nullable: true })
  @Field(() => String, { nullable: true, description: 'Document type in this version' })
  documentType: string | null = null;

  @Property({ length: 40, nullable: true })
  @Field(() => String, { nullable: true, description: 'Means of transmission in this version' })
  meansOfTransmission: string | null = null;

  /** CC in this version, in full ([{ uorId } | { userId }]); exposed by ProtocolVersionFieldsResolver. */
  @Property({ type: 'json' })
  cc: CcEntry[] = [];

  /** Links in this version, in full ([{ recordId, kind }]); exposed filtered by the caller's visibility. */
  @Property({ type: 'json' })
  links: LinkEntry[] = [];

  @Property({ type: 'json' })
  /**
   * What changed from the previous version: { field: [previous, new] } (version 1: the initial
   * values); cc and links carry their lists.
   */
  changes!: Record<string, [unknown, unknown]>;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When this version was made' })
  changedAt!: Date;

  @Property({ type: 'uuid', fieldName: 'changed_by' })
  changedById!: string;
}
