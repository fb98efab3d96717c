import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Authorized, Field, ID, ObjectType } from 'type-graphql';
import { Profile } from './profile.js';
import { Uor } from './uor.entity.js';
import { User } from './user.entity.js';

/** A user belongs to a UOR with a profile; ended memberships stay for the record. */
@Entity({ tableName: 'membership' })
@ObjectType({ simpleResolvers: true, description: 'A user in a UOR with a profile' })
@Authorized()
export class Membership {
  [OptionalProps]?: 'createdAt' | 'endedAt';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => User)
  user!: Rel<User>;

  @ManyToOne(() => Uor)
  uor!: Rel<Uor>;

  @Enum({ items: () => Profile })
  @Field(() => Profile)
  profile!: Profile;

  @Property({ type: 'timestamptz' })
  @Field()
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true })
  endedAt: Date | null = null;
}
