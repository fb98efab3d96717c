import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';

@InputType({ description: 'The classification of a document non protocollato' })
export class ClassifyDocumentInput {
  @Field(() => ID, { description: 'A document the caller sees, not registered in the protocol' })
  documentId!: string;

  @Field(() => ID, { description: 'A leaf node of the titolario in force today, of the document’s AOO' })
  classificationId!: string;
}

/** One version of a document's classification: the node from then on and the one before. */
@ObjectType({
  simpleResolvers: true,
  description: 'A version of the classification of a document non protocollato (who, when, before, after)',
})
@AnyAuthenticated()
export class DocumentClassificationVersion {
  documentId!: string;
  actorId!: string | null;

  @Field(() => Int, { description: 'Version number, from 1' })
  version!: number;

  @Field(() => ID, { description: 'The titolario node from this version on' })
  classificationId!: string;

  @Field(() => ID, { nullable: true, description: 'The titolario node before (null for version 1)' })
  previousClassificationId!: string | null;

  @Field({ description: 'When it was classified' })
  classifiedAt!: Date;
}

@InputType({ description: 'Which documents non protocollati to list; every condition given must hold' })
export class UnregisteredDocumentFilter {
  @Field(() => ID, {
    nullable: true,
    description:
      'Classified now under this titolario node (it or below it, in every titolario version, by code)',
  })
  classificationId?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only classified ones; false: only those not classified yet',
  })
  classified?: boolean | null;
}
