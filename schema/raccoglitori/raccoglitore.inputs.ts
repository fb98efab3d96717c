import { Field, ID, InputType } from 'type-graphql';
import { RaccoglitoreState } from './raccoglitore.entity.js';

@InputType({ description: 'A new raccoglitore' })
export class CreateRaccoglitoreInput {
  @Field(() => ID, {
    description: 'The owner UOR (its AOO is the raccoglitore’s); needs RACCOGLITORE_MANAGE over it',
  })
  uorId!: string;

  @Field({ description: 'Name, 1 to 200 characters, unique among the open raccoglitori of the AOO' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What it gathers (at most 2000 characters)' })
  description?: string | null;
}

@InputType({
  description: 'New name and/or description of an open raccoglitore; fields left out stay as they are',
})
export class UpdateRaccoglitoreInput {
  @Field(() => String, { nullable: true, description: 'New name' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New description; an empty string clears it' })
  description?: string | null;
}

@InputType({ description: 'Which raccoglitori to list; every condition given must hold' })
export class RaccoglitoreFilter {
  @Field(() => [ID], { nullable: true, description: 'Only those owned by these UORs' })
  uorIds?: string[] | null;

  @Field(() => RaccoglitoreState, { nullable: true, description: 'Only open, or only closed ones' })
  state?: RaccoglitoreState | null;

  @Field(() => String, {
    nullable: true,
    description: 'Words in the name or description (case and accents ignored, at least 2 characters)',
  })
  text?: string | null;
}
