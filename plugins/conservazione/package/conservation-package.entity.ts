import { randomUUID } from 'node:crypto';
import { BigIntType, Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Requires } from '../../../server/auth/access.js';
import { ConservationColour, PackageKind } from './conservation-enums.js';
import { CONSERVATION_READ } from './permissions.js';

/**
 * A pacchetto di versamento (DOMAIN §9): what one transfer sends to the conservator, one item
 * per document. Once built, its SIP (a zip with the UNI SInCRO PIndex, each document's ParER
 * request and files) is stored with its digest and never changes (service and trigger). Its
 * colour follows its items: red when any was rejected, green when all are conserved, else orange.
 */
@Entity({ tableName: 'conservation_package' })
@ObjectType({
  simpleResolvers: true,
  description: 'A conservation package (pacchetto di versamento) and its outcome',
})
@Requires(CONSERVATION_READ)
export class ConservationPackage {
  [OptionalProps]?:
    | 'colour'
    | 'fascicoloId'
    | 'dailyRegisterId'
    | 'resentFromId'
    | 'createdById'
    | 'sipBlobKey'
    | 'sipSha256'
    | 'sipSize'
    | 'pindexBlobKey'
    | 'pindexSha256'
    | 'builtAt'
    | 'attempts'
    | 'lastAttemptAt'
    | 'lastError'
    | 'orangeCount'
    | 'redCount';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  @Field(() => ID, { description: 'The AOO' })
  aooId!: string;

  @Enum({ items: () => PackageKind, length: 20 })
  @Field(() => PackageKind, { description: 'What it transfers' })
  kind!: PackageKind;

  @Property({ length: 300 })
  @Field({ description: 'What the archivist called it, or the register day / fascicolo it carries' })
  label!: string;

  @Enum({ items: () => ConservationColour, length: 10 })
  @Field(() => ConservationColour, {
    description: 'Red when the conservator rejected any document, green when all are conserved, else orange',
  })
  colour: ConservationColour = ConservationColour.ORANGE;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the colour last changed (creation, then the outcomes)' })
  colourChangedAt!: Date;

  /** Its documents (fixed at creation). */
  @Property({ type: 'integer' })
  itemCount!: number;

  /**
   * Its documents still orange and those rejected, moved with each outcome under the package's
   * row lock: the colour follows from them without counting the items at every outcome.
   */
  @Property({ type: 'integer' })
  orangeCount: number = 0;

  @Property({ type: 'integer' })
  redCount: number = 0;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'The fascicolo it transfers (FASCICOLO)' })
  fascicoloId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'The daily register it transfers (DAILY_REGISTER)' })
  dailyRegisterId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'The rejected package this one corrects and resends' })
  resentFromId: string | null = null;

  @Property({ type: 'uuid', nullable: true, fieldName: 'created_by' })
  createdById: string | null = null;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was created' })
  createdAt!: Date;

  @Property({ length: 200, nullable: true })
  sipBlobKey: string | null = null;

  @Property({ length: 64, columnType: 'char(64)', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'SHA-256 of the stored SIP zip, lowercase hex (null until built)',
  })
  sipSha256: string | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  @Field(() => Float, { nullable: true, description: 'Size of the SIP zip in bytes (null until built)' })
  sipSize: number | null = null;

  @Property({ length: 200, nullable: true })
  pindexBlobKey: string | null = null;

  @Property({ length: 64, columnType: 'char(64)', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'SHA-256 of the package index (UNI SInCRO PIndex), lowercase hex (null until built)',
  })
  pindexSha256: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the SIP was built and stored' })
  builtAt: Date | null = null;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Transfer attempts so far' })
  attempts: number = 0;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the last transfer attempt ran' })
  lastAttemptAt: Date | null = null;

  @Property({ length: 2000, nullable: true })
  @Field(() => String, {
    nullable: true,
    description:
      'Why the last attempt did not finish (the conservator down, an answer refused); null once it did',
  })
  lastError: string | null = null;
}
