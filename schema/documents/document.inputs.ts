import { Field, ID, InputType, Int } from 'type-graphql';

@InputType()
export class AttachmentInput {
  @Field(() => ID)
  fileId!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Description of the attachment (a registratura element once registered)',
  })
  description?: string | null;
}

@InputType()
export class CreateDocumentInput {
  @Field(() => ID, { description: 'The responsible UOR; the document belongs to its AOO' })
  uorId!: string;
  @Field()
  oggetto!: string;
  @Field(() => ID, { description: 'The primary file (an upload from POST /files)' })
  primaryFileId!: string;
  @Field(() => [AttachmentInput], { defaultValue: [] })
  attachments!: AttachmentInput[];
  @Field(() => String, {
    nullable: true,
    description: 'Riservato until this day (YYYY-MM-DD, after today); needs PROTOCOL_READ_RESERVED',
  })
  reservedUntil?: string | null;
  @Field({
    defaultValue: false,
    description: 'Protocollo particolare: only the named users see it; needs PROTOCOL_PARTICOLARE',
  })
  particolare!: boolean;
  @Field(() => [ID], {
    defaultValue: [],
    description: 'Users involved (riservato) or named (particolare) besides the creator',
  })
  accessUserIds!: string[];
}

@InputType()
export class ReplaceDocumentFileInput {
  @Field(() => ID)
  documentId!: string;
  @Field(() => Int, { description: '0 = primary document, 1.. = attachments' })
  position!: number;
  @Field(() => ID)
  fileId!: string;
  @Field(() => String, { nullable: true })
  description?: string | null;
}
