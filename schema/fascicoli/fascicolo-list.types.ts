import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../server/graphql/connection.js';
import { OrderDirection } from '../../server/graphql/order-direction.js';
import { FascicoloKind, FascicoloState } from './fascicolo-enums.js';
import { Fascicolo } from './fascicolo.entity.js';

export enum FascicoloOrderField {
  OPENED_AT = 'OPENED_AT',
  OGGETTO = 'OGGETTO',
  IDENTIFIER = 'IDENTIFIER',
}

registerEnumType(FascicoloOrderField, {
  name: 'FascicoloOrderField',
  description: 'What fascicoli can be sorted by',
  valuesConfig: {
    OPENED_AT: { description: 'When the fascicolo was opened' },
    OGGETTO: { description: 'The oggetto, alphabetically' },
    IDENTIFIER: {
      description: 'Year, then classification in titolario order, then number (the repertorio order)',
    },
  },
});

@InputType({ description: 'How to sort fascicoli' })
export class FascicoloOrder {
  @Field(() => FascicoloOrderField, { defaultValue: FascicoloOrderField.OPENED_AT, description: 'Sort key' })
  field!: FascicoloOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC, description: 'Sort direction' })
  direction!: OrderDirection;
}

@InputType({ description: 'Which fascicoli to list; every condition given must hold' })
export class FascicoloFilter {
  @Field(() => ID, { nullable: true, description: 'Only fascicoli of this AOO' })
  aooId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Only fascicoli classified under this titolario node or below it (in any version, by code)',
  })
  classificationId?: string | null;

  @Field(() => Int, { nullable: true, description: 'Only fascicoli of this year' })
  year?: number | null;

  @Field(() => [FascicoloKind], { nullable: true, description: 'Only these kinds' })
  kinds?: FascicoloKind[] | null;

  @Field(() => FascicoloState, { nullable: true, description: 'Only open, or only closed, fascicoli' })
  state?: FascicoloState | null;

  @Field(() => [ID], { nullable: true, description: 'Only fascicoli of these UORs' })
  uorIds?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Only fascicoli with this RPA' })
  rpaId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only fascicoli with this participating administration (name or IPA code, exact)',
  })
  participatingAdministration?: string | null;

  @Field({
    defaultValue: false,
    description: 'Sottofascicoli and inserti too (by default only top-level fascicoli are listed)',
  })
  includeSottofascicoli!: boolean;

  @Field(() => String, { nullable: true, description: 'Opened on or after this day (YYYY-MM-DD)' })
  openedFrom?: string | null;

  @Field(() => String, { nullable: true, description: 'Opened on or before this day (YYYY-MM-DD)' })
  openedTo?: string | null;

  @Field(() => String, { nullable: true, description: 'Closed on or after this day (YYYY-MM-DD)' })
  closedFrom?: string | null;

  @Field(() => String, { nullable: true, description: 'Closed on or before this day (YYYY-MM-DD)' })
  closedTo?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Words of the oggetto (full-text: all words, accents and case ignored; 2 to 200 characters)',
  })
  text?: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A page of fascicoli the caller may see' })
export class FascicoloConnection extends Connection(Fascicolo, 'Fascicolo') {}
