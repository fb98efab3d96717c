import { Ctx, Field, FieldResolver, ID, ObjectType, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { orgLoaders, Uor, User } from '../organisation/index.js';
import { ProtocolRecord } from './protocol-record.entity.js';
import { ProtocolLinkKind } from './protocollo-enums.js';

@ObjectType({
  description: 'A CC (per conoscenza) recipient of a registration: an office or a user of its AOO',
})
@AnyAuthenticated()
export class ProtocolCc {
  @Field(() => ID, { nullable: true, description: 'The office, when the CC is an office' })
  uorId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The user, when the CC is a user' })
  userId!: string | null;
}

@ObjectType({ description: 'A link (collegamento) between two registrations of an AOO' })
@AnyAuthenticated()
export class ProtocolLink {
  @Field(() => ProtocolLinkKind, { description: 'Precedente, risposta a, riferimento' })
  kind!: ProtocolLinkKind;

  @Field(() => ProtocolRecord, {
    description: 'The other record (links to records the caller cannot see are left out)',
  })
  record!: ProtocolRecord;
}

/** A CC entry reaches here only through a visible record: whoever sees the record sees its CC list. */
@Resolver(() => ProtocolCc)
export class ProtocolCcFieldsResolver {
  @FieldResolver(() => Uor, { nullable: true, description: 'The office (null for a user)' })
  @AnyAuthenticated()
  async uor(@Root() c: ProtocolCc, @Ctx() ctx: RequestContext): Promise<Uor | null> {
    return c.uorId === null ? null : orgLoaders.uor(ctx).load(c.uorId);
  }

  @FieldResolver(() => User, { nullable: true, description: 'The user (null for an office, or not visible)' })
  @AnyAuthenticated()
  async user(@Root() c: ProtocolCc, @Ctx() ctx: RequestContext): Promise<User | null> {
    return c.userId === null ? null : orgLoaders.user(ctx).load(c.userId);
  }
}
