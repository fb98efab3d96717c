import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Requires } from '../../server/auth/access.js';
import { AUDIT_READ } from '../audit/index.js';
import { DAILY_REGISTER_READ } from './permissions.js';

/** Where a daily register stands on its way to conservation (the conservation plugin moves it on). */
export enum DailyRegisterState {
  READY_FOR_CONSERVATION = 'READY_FOR_CONSERVATION',
  IN_CONSERVATION = 'IN_CONSERVATION',
  CONSERVED = 'CONSERVED',
  CONSERVATION_FAILED = 'CONSERVATION_FAILED',
}

registerEnumType(DailyRegisterState, {
  name: 'DailyRegisterState',
  description: 'Where a daily register stands on its way to conservation (001 §6.8, DOMAIN §9)',
  valuesConfig: {
    READY_FOR_CONSERVATION: {
      description: 'Produced, stored, sealed and numbered: to be sent to conservation',
    },
    IN_CONSERVATION: { description: 'Sent in a SIP; the conservator has not answered yet' },
    CONSERVED: { description: 'The conservator accepted it (rapporto di versamento)' },
    CONSERVATION_FAILED: { description: 'The conservator refused it: to be sent again' },
  },
});

/**
 * The register of one AOO's Italian calendar day (001 §6.8): an XML document
 * (registro-giornaliero.xsd) stored immutable with its SHA-256, sealed with a detached CAdES-BES
 * by the AOO's seal, numbered in the REGISTRO_GIORNALIERO repertorio. One per AOO and day.
 */
@Entity({ tableName: 'daily_register' })
@ObjectType({ simpleResolvers: true, description: 'The daily protocol register of one AOO and day' })
@Requires(DAILY_REGISTER_READ, AUDIT_READ)
export class DailyRegister {
  [OptionalProps]?: 'state' | 'stateChangedAt' | 'producedById';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  @Field(() => ID, { description: 'The AOO' })
  aooId!: string;

  @Property({ type: 'date' })
  @Field({ description: 'The Italian calendar day (Europe/Rome) it registers, YYYY-MM-DD' })
  day!: string;

  @Property({ length: 80 })
  @Field({
    description: 'Persistent identifier: IPA code, AOO code and yyyymmdd (e.g. c_x000-A1B2C3D-20261204)',
  })
  identifier!: string;

  @Property({ type: 'uuid' })
  @Field(() => ID, { description: 'The stored document (REPERTORIATO): the XML then its .p7s seal' })
  documentId!: string;

  @Property({ type: 'uuid' })
  @Field(() => ID, { description: 'The XML file (also served by GET /daily-registers/:id/registro.xml)' })
  xmlFileId!: string;

  @Property({ type: 'uuid' })
  @Field(() => ID, {
    description:
      'The detached CAdES-BES seal of the XML (also served by GET /daily-registers/:id/registro.xml.p7s)',
  })
  signatureFileId!: string;

  @Property({ length: 64, columnType: 'char(64)' })
  @Field({ description: 'SHA-256 of the XML, lowercase hex' })
  sha256!: string;

  @Property({ length: 64, columnType: 'char(64)' })
  @Field({ description: 'SHA-256 of the .p7s, lowercase hex' })
  signatureSha256!: string;

  @Property({ type: 'uuid' })
  repertorioEntryId!: string;

  @Property({ type: 'integer' })
  @Field(() => Int, {
    description: 'Progressive number of the register (its REGISTRO_GIORNALIERO repertorio number)',
  })
  progressive!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Year of the progressive number' })
  progressiveYear!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Registrations of the day' })
  registrationCount!: number;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'First registration number of the day (null: none)' })
  firstNumber!: number | null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Last registration number of the day (null: none)' })
  lastNumber!: number | null;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Annulments made that day' })
  annulmentCount!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Changes of managed fields made that day' })
  changeCount!: number;

  @Property({ type: 'string', columnType: 'numeric', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: "Position of the AOO's audit chain head at the day's close",
  })
  chainSeq!: string | null;

  @Property({ length: 64, columnType: 'char(64)', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: "SHA-256 of the AOO's audit chain head at the day's close",
  })
  chainHash!: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the chain head was appended' })
  chainAt!: Date | null;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was produced' })
  producedAt!: Date;

  @Property({ type: 'uuid', nullable: true, fieldName: 'produced_by' })
  producedById: string | null = null;

  @Enum({ items: () => DailyRegisterState, length: 30 })
  @Field(() => DailyRegisterState, { description: 'Its conservation state' })
  state: DailyRegisterState = DailyRegisterState.READY_FOR_CONSERVATION;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the conservation state last changed' })
  stateChangedAt: Date | null = null;
}
