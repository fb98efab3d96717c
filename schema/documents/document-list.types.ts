import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../server/graphql/connection.js';
import { OrderDirection } from '../../server/graphql/order-direction.js';
import { DocumentKind } from './document-enums.js';
import { Document } from './document.entity.js';

export enum DocumentOrderField {
  CREATED_AT = 'CREATED_AT',
  OGGETTO = 'OGGETTO',
}

registerEnumType(DocumentOrderField, {
  name: 'DocumentOrderField',
  description: 'What documents can be sorted by',
  valuesConfig: {
    CREATED_AT: { description: 'When the document was created' },
    OGGETTO: { description: 'The oggetto, alphabetically' },
  },
});

@InputType({ description: 'How to sort documents' })
export class DocumentOrder {
  @Field(() => DocumentOrderField, { defaultValue: DocumentOrderField.CREATED_AT, description: 'Sort key' })
  field!: DocumentOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC, description: 'Sort direction' })
  direction!: OrderDirection;
}

@InputType({ description: 'Which documents to list; every condition given must hold' })
export class DocumentFilter {
  @Field(() => [DocumentKind], { nullable: true, description: 'Only these kinds' })
  kinds?: DocumentKind[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only documents of these UORs' })
  uorIds?: string[] | null;

  @Field({ defaultValue: false, description: 'With uorIds: the UORs below them too' })
  includeSubUors!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'Created on or after this day (YYYY-MM-DD, Italian calendar day)',
  })
  createdFrom?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Created on or before this day (YYYY-MM-DD, Italian calendar day)',
  })
  createdTo?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Words in the oggetto (case and accents ignored, at least 2 characters)',
  })
  text?: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A page of documents the caller may see' })
export class DocumentConnection extends Connection(Document, 'Document') {}
