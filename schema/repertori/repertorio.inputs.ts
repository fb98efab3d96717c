import { Field, ID, InputType, Int } from 'type-graphql';
import { RepertorioEntryState } from './repertorio-entry.entity.js';

@InputType({ description: 'A new repertorio of an AOO' })
export class CreateRepertorioInput {
  @Field(() => ID, { description: 'The AOO' })
  aooId!: string;

  @Field({
    description: 'Code, unique in the AOO, never changed: capital letters, digits, _ (e.g. DELIBERE)',
  })
  code!: string;

  @Field({ description: 'Name shown to users (e.g. "Delibere di Giunta")' })
  name!: string;
}

@InputType({ description: 'Changes to a repertorio (its code never changes)' })
export class UpdateRepertorioInput {
  @Field({ description: 'The new name' })
  name!: string;
}

@InputType({ description: 'A document to register in a repertorio' })
export class RegisterRepertorioEntryInput {
  @Field(() => ID, { description: 'The repertorio' })
  repertorioId!: string;

  @Field(() => ID, { description: 'The document (of the same AOO, one the caller sees)' })
  documentId!: string;
}

@InputType({ description: 'The annulment of a repertorio entry' })
export class AnnulRepertorioEntryInput {
  @Field(() => ID, { description: 'The entry' })
  entryId!: string;

  @Field({ description: 'Why it is annulled (required; shown with the entry from then on)' })
  reason!: string;
}

@InputType({ description: 'Which entries of a repertorio to list; every condition given must hold' })
export class RepertorioEntryFilter {
  @Field(() => Int, { nullable: true, description: 'Only entries of this year' })
  year?: number | null;

  @Field(() => [RepertorioEntryState], { nullable: true, description: 'Only entries in these states' })
  states?: RepertorioEntryState[] | null;

  @Field(() => Int, { nullable: true, description: 'Number at least this (with year, a range of the year)' })
  numberFrom?: number | null;

  @Field(() => Int, { nullable: true, description: 'Number at most this' })
  numberTo?: number | null;

  @Field(() => String, { nullable: true, description: 'Registered on or after this day (YYYY-MM-DD)' })
  dateFrom?: string | null;

  @Field(() => String, { nullable: true, description: 'Registered on or before this day (YYYY-MM-DD)' })
  dateTo?: string | null;
}
