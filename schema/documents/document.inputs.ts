import { Field, ID, InputType, Int } from 'type-graphql';

@InputType({ description: 'An attachment of a new document' })
export class AttachmentInput {
  @Field(() => ID, { description: 'An upload the caller sees (POST /files or commitUpload)' })
  fileId!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Description of the attachment (a registratura element once registered)',
  })
  description?: string | null;
}

@InputType({ description: 'A new draft document: a primary file and its attachments' })
export class CreateDocumentInput {
  @Field(() => ID, { description: 'The responsible UOR; the document belongs to its AOO' })
  uorId!: string;
  @Field({ description: 'The subject of the document (oggetto): what it is about' })
  oggetto!: string;
  @Field(() => ID, { description: 'The primary file (an upload from POST /files)' })
  primaryFileId!: string;
  @Field(() => [AttachmentInput], {
    defaultValue: [],
    description: 'The attachments, in order (at most 500)',
  })
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

@InputType({ description: 'A new file for a slot of a draft, or a new attachment' })
export class ReplaceDocumentFileInput {
  @Field(() => ID, { description: 'The draft document' })
  documentId!: string;
  @Field(() => Int, { description: '0 = primary document, 1.. = attachments' })
  position!: number;
  @Field(() => ID, { description: 'The new file (an upload the caller sees)' })
  fileId!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Description of the attachment; left out, the slot keeps its description',
  })
  description?: string | null;
}
