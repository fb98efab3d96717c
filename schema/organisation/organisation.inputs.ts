import { Field, ID, InputType } from 'type-graphql';
import { Profile } from './profile.js';

@InputType()
export class CreateAdministrationInput {
  @Field({ description: 'IPA code (CodiceAmministrazione), letters, digits and _' })
  ipaCode!: string;
  @Field()
  name!: string;
  @Field(() => String, { nullable: true })
  taxCode?: string | null;
}

@InputType()
export class UpdateAdministrationInput {
  @Field(() => String, { nullable: true })
  name?: string;
  @Field(() => String, { nullable: true })
  taxCode?: string | null;
}

@InputType()
export class CreateAooInput {
  @Field(() => ID)
  administrationId!: string;
  @Field({ description: 'IPA Codice_uni_aoo: 7 characters starting with A (or a legacy cod_aoo)' })
  code!: string;
  @Field()
  name!: string;
  @Field()
  pecAddress!: string;
  @Field({ description: 'Code of the protocol register, e.g. REG_PROT' })
  registerCode!: string;
}

@InputType()
export class UpdateAooInput {
  @Field(() => String, { nullable: true })
  name?: string;
  @Field(() => String, { nullable: true })
  pecAddress?: string;
  @Field(() => ID, { nullable: true, description: 'The Responsabile della Gestione Documentale' })
  rgdId?: string | null;
}

@InputType()
export class CreateUorInput {
  @Field(() => ID)
  aooId!: string;
  @Field()
  code!: string;
  @Field()
  name!: string;
  @Field(() => ID, { nullable: true })
  parentId?: string | null;
  @Field(() => ID, { nullable: true })
  headId?: string | null;
  @Field(() => String, { nullable: true })
  email?: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; default today' })
  activeFrom?: string | null;
}

@InputType()
export class UpdateUorInput {
  @Field(() => String, { nullable: true })
  name?: string;
  @Field(() => ID, {
    nullable: true,
    description: 'Move under another UOR of the same AOO; null makes it a root',
  })
  parentId?: string | null;
  @Field(() => ID, { nullable: true })
  headId?: string | null;
  @Field(() => String, { nullable: true })
  email?: string | null;
}

@InputType()
export class CreateUserInput {
  @Field(() => ID, { description: 'The AOO whose administrator creates the user' })
  aooId!: string;
  @Field()
  username!: string;
  @Field()
  givenName!: string;
  @Field()
  familyName!: string;
  @Field(() => String, { nullable: true })
  email?: string | null;
  @Field(() => String, {
    nullable: true,
    description: "The identity provider's subject; default: the username",
  })
  subject?: string | null;
}

@InputType()
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  givenName?: string;
  @Field(() => String, { nullable: true })
  familyName?: string;
  @Field(() => String, { nullable: true })
  email?: string | null;
}

@InputType()
export class AddMembershipInput {
  @Field(() => ID)
  userId!: string;
  @Field(() => ID)
  uorId!: string;
  @Field(() => Profile)
  profile!: Profile;
}
