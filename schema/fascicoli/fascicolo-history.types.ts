import { Field, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { FascicoloHistoryAction } from './fascicolo-enums.js';

/** One step of a fascicolo's life: who, when, what (001 §4.5); rows are append-only. */
@ObjectType({
  simpleResolvers: true,
  description: 'A step in the life of a fascicolo, with operator and time',
})
@AnyAuthenticated()
export class FascicoloHistoryEntry {
  @Field(() => FascicoloHistoryAction, { description: 'What happened' })
  action!: FascicoloHistoryAction;

  @Field({ description: 'When' })
  at!: Date;

  @Field(() => String, { nullable: true, description: 'Why (required for a reopening)' })
  reason!: string | null;

  actorId!: string | null;
  fromUorId!: string | null;
  toUorId!: string | null;
  fromRpaId!: string | null;
  toRpaId!: string | null;
}
