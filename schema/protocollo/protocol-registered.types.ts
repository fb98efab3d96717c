import { Field, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { ProtocolRecord } from './protocol-record.entity.js';

@ObjectType({
  simpleResolvers: true,
  description:
    'A registration in the protocol register of an AOO that the subscriber may see, delivered after it was committed (or replayed on reconnection)',
})
@AnyAuthenticated()
export class ProtocolRegistration {
  @Field({
    description:
      'When the registration was committed; for one replayed after `since`, its registration time (record.registeredAt)',
  })
  occurredAt!: Date;

  @Field(() => ProtocolRecord, { description: 'The registration as it is now' })
  record!: ProtocolRecord;
}
