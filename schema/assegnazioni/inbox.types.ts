import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Connection } from '../../server/graphql/connection.js';
import { ProtocolKind } from '../protocollo/index.js';

/** The inboxes ("vaschette", DOMAIN §6) of the caller. */
export enum InboxKind {
  AS_RPA = 'AS_RPA',
  TO_TAKE_IN_CHARGE = 'TO_TAKE_IN_CHARGE',
  AS_CC = 'AS_CC',
  MY_UORS = 'MY_UORS',
  TO_ASSIGN = 'TO_ASSIGN',
  REJECTED = 'REJECTED',
}

registerEnumType(InboxKind, {
  name: 'InboxKind',
  description:
    "The caller's inboxes (vaschette); my offices are those of my open memberships and those I head",
  valuesConfig: {
    AS_RPA: { description: 'Registrations I am the RPA of (assigned or in charge)' },
    TO_TAKE_IN_CHARGE: { description: 'Paper originals assigned to me, waiting for my presa in carico' },
    AS_CC: { description: 'Registrations sent per conoscenza to me or to one of my offices' },
    MY_UORS: { description: 'Registrations my offices hold a competence over' },
    TO_ASSIGN: { description: 'Registrations sent to offices whose RPA I may assign, with no RPA yet' },
    REJECTED: {
      description:
        'Registrations rejected by an office and not sent on yet (for the protocol office: WORKFLOW_DISPATCH)',
    },
  },
});

/** One row of an inbox: the registration, and the assignment that put it there (none for CC). */
@ObjectType({ simpleResolvers: true, description: 'A registration in one of the caller’s inboxes' })
@AnyAuthenticated()
export class InboxEntry {
  @Field(() => ID, { description: 'Stable within its inbox: the assignment id, or the CC entry' })
  id!: string;

  @Field(() => InboxKind, { description: 'The inbox it is in' })
  inbox!: InboxKind;

  @Field({ description: 'When it reached the inbox (sent, assigned, added in CC, rejected)' })
  receivedAt!: Date;

  recordId!: string;
  assignmentId!: string | null;
}

@ObjectType({ description: 'A page of an inbox (Relay connection), newest first' })
export class InboxEntryConnection extends Connection(InboxEntry, 'InboxEntry') {}

@InputType({ description: 'Conditions the entries of an inbox must meet; every condition given must hold' })
export class InboxFilter {
  @Field(() => ProtocolKind, { nullable: true, description: 'Arrivo, partenza or interno' })
  kind?: ProtocolKind | null;

  @Field(() => String, { nullable: true, description: 'Words of the oggetto (Italian full-text search)' })
  oggetto?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The office the entry reached (the assignment’s office, or the office in CC)',
  })
  uorId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Received at or after' })
  receivedFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Received before' })
  receivedTo?: Date | null;
}

@ObjectType({
  simpleResolvers: true,
  description: 'How many registrations each of the caller’s inboxes holds',
})
@AnyAuthenticated()
export class InboxCounts {
  @Field(() => Int, { description: 'AS_RPA' })
  asRpa!: number;

  @Field(() => Int, { description: 'TO_TAKE_IN_CHARGE' })
  toTakeInCharge!: number;

  @Field(() => Int, { description: 'AS_CC' })
  asCc!: number;

  @Field(() => Int, { description: 'MY_UORS' })
  myUors!: number;

  @Field(() => Int, { description: 'TO_ASSIGN' })
  toAssign!: number;

  @Field(() => Int, { description: 'REJECTED' })
  rejected!: number;
}
