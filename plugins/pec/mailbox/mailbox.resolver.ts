import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  ObjectType,
  Field,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { AnyAuthenticated, Requires } from '../../../server/auth/access.js';
import type { RequestContext } from '../../../server/context.js';
import { ListSize } from '../../../server/graphql/list-size.js';
import { mailboxLoaders } from './mailbox-loaders.js';
import { CreatePecMailboxInput, PecMailboxGrantInput, UpdatePecMailboxInput } from './mailbox.inputs.js';
import * as mailboxes from './mailbox.service.js';
import { PecMailboxGrant } from './pec-mailbox-grant.entity.js';
import { PecMailbox } from './pec-mailbox.entity.js';
import { PEC_MAILBOX_MANAGE, PEC_MAILBOX_USE } from './permissions.js';

@ObjectType({ simpleResolvers: true, description: "The caller's rights on a mailbox" })
@AnyAuthenticated()
export class PecMailboxRights {
  @Field({ description: 'Read its messages' })
  read!: boolean;

  @Field({ description: 'Register or discard its messages' })
  register!: boolean;

  @Field({ description: 'Send through it' })
  send!: boolean;
}

@Resolver()
export class PecMailboxResolver {
  @Query(() => [PecMailbox], {
    description: `The mailboxes the caller manages or reads, by address (at most ${mailboxes.MAX_MAILBOXES})`,
  })
  @ListSize({ maxItems: mailboxes.MAX_MAILBOXES })
  @Requires(PEC_MAILBOX_MANAGE, PEC_MAILBOX_USE)
  pecMailboxes(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { nullable: true, description: 'Only those of this AOO' }) aooId: string | null,
  ): Promise<PecMailbox[]> {
    return mailboxes.listMailboxes(ctx, aooId ?? null);
  }

  @Query(() => PecMailbox, { description: 'A mailbox the caller manages or reads' })
  @Requires(PEC_MAILBOX_MANAGE, PEC_MAILBOX_USE)
  pecMailbox(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The mailbox' }) id: string,
  ): Promise<PecMailbox> {
    return mailboxes.findSeenMailbox(ctx, id);
  }

  @Mutation(() => PecMailbox, {
    description: 'Create a mailbox of an AOO (its password is stored encrypted)',
  })
  @Requires(PEC_MAILBOX_MANAGE)
  createPecMailbox(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => CreatePecMailboxInput, { description: 'The mailbox' }) input: CreatePecMailboxInput,
  ): Promise<PecMailbox> {
    return mailboxes.createMailbox(ctx, input);
  }

  @Mutation(() => PecMailbox, { description: 'Change the settings of a mailbox' })
  @Requires(PEC_MAILBOX_MANAGE)
  updatePecMailbox(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => UpdatePecMailboxInput, { description: 'The changes' }) input: UpdatePecMailboxInput,
  ): Promise<PecMailbox> {
    return mailboxes.updateMailbox(ctx, input);
  }

  @Mutation(() => [PecMailboxGrant], {
    description: 'Replace who may use a mailbox and for what (the whole list); returns the new grants',
  })
  @ListSize({ maxItems: mailboxes.MAX_GRANTS })
  @Requires(PEC_MAILBOX_MANAGE)
  setPecMailboxGrants(
    @Ctx() ctx: RequestContext,
    @Arg('mailboxId', () => ID, { description: 'The mailbox' }) mailboxId: string,
    @Arg('grants', () => [PecMailboxGrantInput], {
      description: `The grants (at most ${mailboxes.MAX_GRANTS})`,
    })
    grants: PecMailboxGrantInput[],
  ): Promise<PecMailboxGrant[]> {
    return mailboxes.setMailboxGrants(ctx, mailboxId, grants);
  }
}

@Resolver(() => PecMailbox)
export class PecMailboxFieldsResolver {
  @FieldResolver(() => PecMailboxRights, { description: "The caller's rights on it" })
  @AnyAuthenticated()
  myRights(@Root() m: PecMailbox, @Ctx() ctx: RequestContext): Promise<PecMailboxRights> {
    return mailboxLoaders.rights(ctx).load(m);
  }

  @FieldResolver(() => [PecMailboxGrant], {
    description: 'Who may use it (for its managers; empty for others)',
  })
  @ListSize({ maxItems: mailboxes.MAX_GRANTS })
  @AnyAuthenticated()
  grants(@Root() m: PecMailbox, @Ctx() ctx: RequestContext): Promise<PecMailboxGrant[]> {
    return mailboxLoaders.grants(ctx).load(m);
  }
}
