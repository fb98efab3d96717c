import { Field, ID, InputType } from 'type-graphql';
import { TitolarioFormat } from './titolario-transfer.js';

@InputType({ description: 'A new draft titolario version' })
export class CreateTitolarioDraftInput {
  @Field(() => ID, { description: 'The AOO' })
  aooId!: string;
  @Field({ description: 'A name for people, e.g. "Titolario 2027"' })
  label!: string;
  @Field({
    description: 'First day in force once published: a 1 January (YYYY-01-01) after the approval day',
  })
  validFrom!: string;
  @Field(() => ID, {
    nullable: true,
    description:
      'A version of the same AOO to start from (its nodes and index terms are copied); left out, the draft is empty',
  })
  copyOfVersionId?: string | null;
}

@InputType({ description: 'Changes to a draft version; fields left out stay as they are' })
export class UpdateTitolarioDraftInput {
  @Field(() => ID, { description: 'The draft' })
  versionId!: string;
  @Field(() => String, { nullable: true, description: 'New label' })
  label?: string | null;
  @Field(() => String, { nullable: true, description: 'New first day in force (YYYY-01-01)' })
  validFrom?: string | null;
}

@InputType({ description: 'A new node of a draft: a titolo (no parent) or a node below a parent' })
export class AddTitolarioNodeInput {
  @Field(() => ID, { description: 'The draft version' })
  versionId!: string;
  @Field(() => ID, {
    nullable: true,
    description: 'The parent node (of the same draft); left out for a titolo',
  })
  parentId?: string | null;
  @Field({ description: 'A roman numeral for a titolo ("IX"), a number below it ("1")' })
  code!: string;
  @Field({ description: 'What the node covers' })
  description!: string;
}

@InputType({
  description: 'Changes to a draft node; fields left out stay. A new code moves the paths of its subtree',
})
export class UpdateTitolarioNodeInput {
  @Field(() => ID, { description: 'The node' })
  nodeId!: string;
  @Field(() => String, { nullable: true, description: 'New code within the parent' })
  code?: string | null;
  @Field(() => String, { nullable: true, description: 'New description' })
  description?: string | null;
}

@InputType({ description: 'A new voce di indice of a draft node' })
export class AddTitolarioIndexTermInput {
  @Field(() => ID, { description: 'The node the term classifies to' })
  nodeId!: string;
  @Field({ description: 'The term, e.g. "Licenze edilizie"' })
  term!: string;
  @Field(() => [String], { defaultValue: [], description: 'Lexical variants and synonyms (at most 20)' })
  variants!: string[];
}

@InputType({ description: 'Changes to an index term of a draft; fields left out stay' })
export class UpdateTitolarioIndexTermInput {
  @Field(() => ID, { description: 'The index term' })
  indexTermId!: string;
  @Field(() => String, { nullable: true, description: 'New term' })
  term?: string | null;
  @Field(() => [String], { nullable: true, description: 'The new list of variants (replaces the old one)' })
  variants?: string[] | null;
}

@InputType({ description: 'Approval and publication of a draft' })
export class PublishTitolarioVersionInput {
  @Field(() => ID, { description: 'The draft' })
  versionId!: string;
  @Field({ description: 'The act that approved it, e.g. "Delibera di Giunta n. 12 del 3 marzo 2026"' })
  approvalAct!: string;
}

@InputType({ description: 'A titolario file imported as a new draft (all or nothing)' })
export class ImportTitolarioInput {
  @Field(() => ID, { description: 'The AOO' })
  aooId!: string;
  @Field({ description: 'Label of the new draft' })
  label!: string;
  @Field({ description: 'First day in force once published (YYYY-01-01)' })
  validFrom!: string;
  @Field(() => TitolarioFormat, { description: 'The format of content' })
  format!: TitolarioFormat;
  @Field({ description: 'The file, as text (UTF-8; the request body takes up to 1 MB)' })
  content!: string;
}
