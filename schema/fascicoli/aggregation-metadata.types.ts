import { Field, ID, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { Fascicolo } from './fascicolo.entity.js';

/**
 * The AgID minimum metadata of an "aggregazione documentale" (001 §4.6, DOMAIN §3): what a
 * conservation package or another administration needs to know of a fascicolo.
 */
@ObjectType({
  simpleResolvers: true,
  description: 'AgID minimum metadata of a documentary aggregation (fascicolo)',
})
@AnyAuthenticated()
export class AggregationMetadata {
  fascicolo!: Fascicolo;

  @Field(() => ID, { description: 'Persistent identifier of the aggregation (urn:uuid of the fascicolo)' })
  persistentId!: string;

  @Field({ description: 'The formatted identifier: `2019 - IX/1.6 «oggetto»`' })
  identifier!: string;

  @Field({ description: 'Code of the AOO that holds it' })
  aooCode!: string;

  @Field({ description: 'Name of the AOO' })
  aooName!: string;

  @Field({ description: 'Code of the responsible UOR' })
  uorCode!: string;

  @Field({ description: 'Name of the responsible UOR' })
  uorName!: string;

  @Field({ description: 'Name of the RPA (responsabile del procedimento)' })
  rpaName!: string;

  @Field(() => [String], { description: 'Participating administrations' })
  participatingAdministrations!: string[];

  @Field({ description: 'Oggetto' })
  oggetto!: string;

  @Field(() => String, { description: 'Opening date (YYYY-MM-DD)' })
  openingDate!: string;

  @Field(() => String, { nullable: true, description: 'Closing date (YYYY-MM-DD), null while open' })
  closingDate!: string | null;
}
