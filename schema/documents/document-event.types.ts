import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Document } from './document.entity.js';

export enum DocumentEventKind {
  CREATED = 'CREATED',
  FILE_ATTACHED = 'FILE_ATTACHED',
  FILE_REPLACED = 'FILE_REPLACED',
}

registerEnumType(DocumentEventKind, {
  name: 'DocumentEventKind',
  description: 'What happened to a document',
  valuesConfig: {
    CREATED: { description: 'A draft document was created, with its files' },
    FILE_ATTACHED: { description: 'A file became an attachment of the document' },
    FILE_REPLACED: { description: 'A new version replaced the file at a position' },
  },
});

@ObjectType({
  simpleResolvers: true,
  description: 'A change to a document the subscriber may see, delivered after it was committed',
})
@AnyAuthenticated()
export class DocumentEvent {
  @Field(() => DocumentEventKind, { description: 'What happened' })
  kind!: DocumentEventKind;

  @Field(() => ID, { description: 'The document it happened to' })
  documentId!: string;

  @Field(() => Document, { description: 'The document as it is now' })
  document!: Document;

  @Field(() => Int, {
    nullable: true,
    description: 'The position of the file (0 = primary), for file events',
  })
  position!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'The version now current at that position, for FILE_REPLACED',
  })
  version!: number | null;

  @Field(() => ID, { nullable: true, description: 'The file attached or now current, for file events' })
  fileId!: string | null;

  @Field({ description: 'When the change was committed' })
  occurredAt!: Date;
}
