import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AnyAuthenticated, Requires } from '../../../server/auth/access.js';
import { ConservationColour } from './conservation-enums.js';
import { CONSERVATION_READ } from './permissions.js';

/** Why the conservator refused a document, or warned about it, as it said. */
@ObjectType({
  simpleResolvers: true,
  description: "A conservator's reason (error or warning) for one document",
})
// Reached only through an item (CONSERVATION_READ) or a record's state (its visibility).
@AnyAuthenticated()
export class ConservationReason {
  @Field({ description: "The conservator's code (e.g. ParER's)" })
  code!: string;

  @Field({ description: "The conservator's message" })
  message!: string;

  @Field(() => String, { nullable: true, description: 'The component (file) it concerns, if any' })
  componentId?: string | null;
}

/**
 * One document (unità documentaria) of a package. Its key at the conservator and its ParER
 * request are fixed when the SIP is built; its outcome arrives once, orange → green (with the
 * rapporto di versamento) or red (with the reasons), and is final (service and trigger). A
 * document is green at most once, and orange in one package at a time (unique indexes).
 */
@Entity({ tableName: 'conservation_item' })
@ObjectType({ simpleResolvers: true, description: 'One document of a conservation package and its outcome' })
@Requires(CONSERVATION_READ)
export class ConservationItem {
  [OptionalProps]?:
    | 'dailyRegisterId'
    | 'fascicoloId'
    | 'registro'
    | 'anno'
    | 'numero'
    | 'descriptorBlobKey'
    | 'descriptorSha256'
    | 'colour'
    | 'sentCount'
    | 'lastSentAt'
    | 'outcomeCode'
    | 'reasons'
    | 'rapportoBlobKey'
    | 'rapportoSha256'
    | 'conservatorId'
    | 'alreadyConserved'
    | 'outcomeAt';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  @Field(() => ID, { description: 'The package' })
  packageId!: string;

  @Property({ type: 'uuid' })
  aooId!: string;

  @Property({ type: 'uuid' })
  @Field(() => ID, { description: 'The document conserved' })
  documentId!: string;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'The daily register, when the document is one' })
  dailyRegisterId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'The fascicolo it is filed in, in a FASCICOLO package' })
  fascicoloId: string | null = null;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Order in the package (registration order), from 0' })
  position!: number;

  @Property({ length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Key at the conservator: register (null until built)' })
  registro: string | null = null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Key at the conservator: year (null until built)' })
  anno: number | null = null;

  @Property({ length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Key at the conservator: number (null until built)' })
  numero: string | null = null;

  @Property({ length: 200, nullable: true })
  descriptorBlobKey: string | null = null;

  @Property({ length: 64, columnType: 'char(64)', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'SHA-256 of its ParER request (UnitaDocumentaria XML), lowercase hex (null until built)',
  })
  descriptorSha256: string | null = null;

  @Enum({ items: () => ConservationColour, length: 10 })
  @Field(() => ConservationColour, {
    description: 'Orange until the conservator answers; green or red is final',
  })
  colour: ConservationColour = ConservationColour.ORANGE;

  @Property({ type: 'integer' })
  @Field(() => Int, {
    description:
      'Times a transfer took it up to send (a page of items is marked before its sends: a run stopped in between counts one that never left; the next run asks the conservator first)',
  })
  sentCount: number = 0;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When a transfer last took it up to send' })
  lastSentAt: Date | null = null;

  @Property({ length: 100, nullable: true })
  @Field(() => String, {
    nullable: true,
    description: "The conservator's outcome code (e.g. POSITIVO, NEGATIVO)",
  })
  outcomeCode: string | null = null;

  @Property({ type: 'jsonb' })
  @Field(() => [ConservationReason], {
    description: "The conservator's reasons: why it was rejected, or its warnings",
  })
  reasons: ConservationReason[] = [];

  @Property({ length: 200, nullable: true })
  rapportoBlobKey: string | null = null;

  @Property({ length: 64, columnType: 'char(64)', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'SHA-256 of the rapporto di versamento (green only), lowercase hex',
  })
  rapportoSha256: string | null = null;

  @Property({ length: 300, nullable: true })
  @Field(() => String, { nullable: true, description: "The conservator's identifier of the conserved unit" })
  conservatorId: string | null = null;

  @Property()
  @Field({
    description:
      'The conservator already held it (an earlier answer was lost): recorded green once, never sent twice',
  })
  alreadyConserved: boolean = false;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the outcome arrived' })
  outcomeAt: Date | null = null;
}
