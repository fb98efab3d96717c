import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';

/** The outcome of walking one hash chain of the audit trail. */
@ObjectType({ simpleResolvers: true, description: 'The verification of one hash chain of the audit trail' })
@AnyAuthenticated()
export class AuditChainReport {
  @Field(() => ID, { nullable: true, description: 'The AOO of the chain; null for the platform-level chain' })
  aooId!: string | null;

  @Field({ description: 'Whether every link verifies and no older row is outside the chain' })
  ok!: boolean;

  @Field(() => Int, { description: 'Links verified before the first broken one (all of them when ok)' })
  links!: number;

  @Field(() => String, { nullable: true, description: 'Position of the last verified link' })
  headSeq!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'SHA-256 (hex) of the last verified link: compare it with a published head',
  })
  headHash!: string | null;

  @Field(() => String, { nullable: true, description: 'Position of the first link that does not verify' })
  brokenAt!: string | null;

  @Field(() => String, { nullable: true, description: 'Why the chain does not verify' })
  reason!: string | null;

  @Field(() => [ID], {
    description: 'Audit rows older than the sealing grace period that are in no chain (at most 100)',
  })
  unsealed!: string[];
}
