import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';

export enum RaccoglitoreAction {
  ADDED = 'ADDED',
  REMOVED = 'REMOVED',
}

registerEnumType(RaccoglitoreAction, {
  name: 'RaccoglitoreAction',
  description: 'What happened to a document in a raccoglitore',
  valuesConfig: {
    ADDED: { description: 'The document was added' },
    REMOVED: { description: 'The document was removed' },
  },
});

/**
 * One step of a raccoglitore's membership history: a row of raccoglitore_document_event, which
 * is never changed or deleted.
 */
@ObjectType({
  simpleResolvers: true,
  description: 'A document added to or removed from a raccoglitore: who, when (history, never rewritten)',
})
@AnyAuthenticated()
export class RaccoglitoreHistoryEntry {
  @Field(() => ID, { description: 'Identifier of the step (increasing in time)' })
  id!: string;

  @Field(() => RaccoglitoreAction, { description: 'Added or removed' })
  action!: RaccoglitoreAction;

  @Field({ description: 'When (request clock)' })
  at!: Date;

  raccoglitoreId!: string;
  documentId!: string;
  actorId!: string;
}
