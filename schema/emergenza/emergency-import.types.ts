import { Field, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { MAX_EMERGENCY_RECORDS } from './emergency-file.js';
import { EmergencyRegister } from './emergency-register.entity.js';
import { EmergencyRegistration } from './emergency-registration.entity.js';

@ObjectType({ description: 'What an import of an emergency file registered' })
@AnyAuthenticated()
export class EmergencyImportResult {
  @Field(() => EmergencyRegister, { description: 'The emergency register the records were captured in' })
  register!: EmergencyRegister;

  @Field(() => [EmergencyRegistration], {
    description: 'The records imported, in emergency order, each with its ordinary protocol registration',
  })
  @ListSize({ maxItems: MAX_EMERGENCY_RECORDS })
  registrations!: EmergencyRegistration[];
}
