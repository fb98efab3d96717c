import { randomUUID } from 'node:crypto';
import {
  ArrayType,
  Entity,
  Enum,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Rel,
} from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Aoo, Uor, User } from '../organisation/index.js';
import { FascicoloConfidentiality, FascicoloKind, FascicoloState } from './fascicolo-enums.js';

/**
 * A fascicolo (DOMAIN §3), or a sottofascicolo / inserto under one. Number, year, classification,
 * parent and opening date never change once opened (service and database trigger); the UOR and
 * RPA change only by a transfer, the state by close and reopen, each with its history row.
 */
@Entity({ tableName: 'fascicolo' })
@ObjectType({ simpleResolvers: true, description: 'A fascicolo (case file), sottofascicolo or inserto' })
@AnyAuthenticated()
export class Fascicolo {
  [OptionalProps]?:
    'state' | 'closingDate' | 'closedAt' | 'annualRepeat' | 'repeatedFromId' | 'physicalLocation';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier (the persistent id of the aggregation)' })
  id: string = randomUUID();

  @ManyToOne(() => Aoo)
  aoo!: Rel<Aoo>;

  /** Null for a fascicolo; the fascicolo (or sottofascicolo) above a sottofascicolo (or inserto). */
  @ManyToOne(() => Fascicolo, { nullable: true })
  parent: Rel<Fascicolo> | null = null;

  @Property()
  @Field(() => Int, { description: '1 fascicolo, 2 sottofascicolo, 3 inserto' })
  level!: number;

  /** The titolario node it is classified under (of the version in force at opening; never changes). */
  @Property({ type: 'uuid' })
  classificationId!: string;

  /** The node its number is counted under: the classification, or the titolo for persona fascicoli. */
  @Property({ type: 'uuid' })
  numberingNodeId!: string;

  /** fullCode of the numbering node at opening ("IX/1", or "III" for a persona fascicolo). */
  @Property({ length: 200 })
  @Field({
    description: 'Classification code shown in the identifier ("IX/1"; the titolo for persona fascicoli)',
  })
  classificationCode!: string;

  /** Natural order of the classification (the node's sortKey at opening), for the repertorio. */
  @Property({ length: 200 })
  classificationSort!: string;

  @Property()
  @Field(() => Int, {
    description: 'Year of the number (Europe/Rome); a sottofascicolo carries its fascicolo’s',
  })
  year!: number;

  @Property()
  @Field(() => Int, { description: 'Number within its classification and year, or within its parent' })
  number!: number;

  @Property({ length: 100 })
  @Field({ description: 'The number chain: "6", "6.1" for a sottofascicolo, "6.1.2" for an inserto' })
  numberPath!: string;

  @Enum({ items: () => FascicoloKind })
  @Field(() => FascicoloKind, { description: 'What the fascicolo gathers' })
  kind!: FascicoloKind;

  @Property({ length: 2000 })
  @Field({ description: 'The subject (oggetto)' })
  oggetto!: string;

  @ManyToOne(() => Uor)
  uor!: Rel<Uor>;

  @ManyToOne(() => User)
  rpa!: Rel<User>;

  @Property({ type: ArrayType, columnType: 'text[]' })
  @Field(() => [String], {
    description: 'Other administrations taking part (names or IPA codes), for the AgID metadata',
  })
  participatingAdministrations: string[] = [];

  @Enum({ items: () => FascicoloConfidentiality })
  @Field(() => FascicoloConfidentiality, { description: 'Confidentiality level recorded at opening' })
  confidentiality!: FascicoloConfidentiality;

  @Property({ length: 1000, nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'Where the paper parts are kept (office, cabinet, shelf)',
  })
  physicalLocation: string | null = null;

  @Property()
  @Field({ description: 'Repetitive annual fascicolo: a job opens a copy for each new year' })
  annualRepeat: boolean = false;

  /** The fascicolo of the previous year this one repeats (unique: the annual job is idempotent). */
  @Property({ type: 'uuid', nullable: true })
  repeatedFromId: string | null = null;

  @Enum({ items: () => FascicoloState })
  @Field(() => FascicoloState, { description: 'Open or closed' })
  state: FascicoloState = FascicoloState.OPEN;

  @Property({ type: 'date' })
  @Field(() => String, { description: 'Opening date (YYYY-MM-DD, Europe/Rome)' })
  openingDate!: string;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was opened' })
  openedAt!: Date;

  @Property({ type: 'uuid', nullable: true })
  openedBy!: string | null;

  @Property({ type: 'date', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'Closing date (YYYY-MM-DD): the date of the last document filed, or the closing day if none',
  })
  closingDate: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it was closed' })
  closedAt: Date | null = null;
}
