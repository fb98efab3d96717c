import { Field, ID, InputType } from 'type-graphql';
import { ProtocolCcInput } from '../protocollo/index.js';

@InputType({ description: 'Smistamento: send a registration to offices per competenza and per conoscenza' })
export class SmistaProtocolInput {
  @Field(() => ID, { description: 'The registration' })
  recordId!: string;

  @Field(() => [ID], {
    nullable: true,
    description:
      'Offices (UOR ids) per competenza; the first is prevalent (it gives the record its UOR and holds the fascicolo) unless one already is',
  })
  competenza?: string[] | null;

  @Field(() => [ProtocolCcInput], {
    nullable: true,
    description: "Offices or users per conoscenza: added to the record's CC list",
  })
  conoscenza?: ProtocolCcInput[] | null;

  @Field(() => String, { nullable: true, description: 'A note for the offices (up to 2,000 characters)' })
  note?: string | null;
}

@InputType({ description: 'Name the RPA of an assignment' })
export class AssignRpaInput {
  @Field(() => ID, { description: 'The assignment' })
  assignmentId!: string;

  @Field(() => ID, {
    description: 'The RPA: an active user with an open membership in the office or one below it',
  })
  rpaId!: string;

  @Field(() => String, { nullable: true, description: 'A note for the RPA' })
  note?: string | null;
}

@InputType({
  description: 'Rigetto: the office says the registration is not its own and names the right one',
})
export class RejectAssignmentInput {
  @Field(() => ID, { description: 'The assignment' })
  assignmentId!: string;

  @Field({ description: 'Why (mandatory, up to 2,000 characters)' })
  note!: string;

  @Field(() => ID, { description: 'The office that should have it' })
  suggestedUorId!: string;
}

@InputType({ description: 'Transfer the competence of an assignment to another office' })
export class TransferAssignmentInput {
  @Field(() => ID, { description: 'The assignment' })
  assignmentId!: string;

  @Field(() => ID, { description: 'The office that takes the competence' })
  toUorId!: string;

  @Field(() => String, { nullable: true, description: 'A note for the office' })
  note?: string | null;
}

@InputType({
  description: 'Restituzione: the RPA gives the registration back to the office, to be assigned again',
})
export class ReturnAssignmentInput {
  @Field(() => ID, { description: 'The assignment' })
  assignmentId!: string;

  @Field({ description: 'Why (mandatory, up to 2,000 characters)' })
  note!: string;
}
