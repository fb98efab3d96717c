import { randomUUID } from 'node:crypto';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Entity, OptionalProps, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Profile } from './profile.js';
import { Uor } from './uor.entity.js';
import { User } from './user.entity.js';

/** A user belongs to a UOR with a profile; ended memberships stay for the record. */
@Entity({ tableName: 'membership' })
@ObjectType({ simpleResolvers: true, description: 'A user in a UOR with a profile' })
@AnyAuthenticated()
export class Membership {
  [OptionalProps]?: 'endedAt';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier of the membership' })
  id: string = randomUUID();

  @ManyToOne(() => User)
  user!: Rel<User>;

  @ManyToOne(() => Uor)
  uor!: Rel<Uor>;

  @Enum({ items: () => Profile })
  @Field(() => Profile, { description: 'The profile the user holds in the UOR: it decides the permissions' })
  profile!: Profile;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the membership began' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the membership ended; null while it lasts' })
  endedAt: Date | null = null;
}
