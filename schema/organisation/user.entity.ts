import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Authorized, Field, ID, ObjectType } from 'type-graphql';

/** A person who uses the platform. Users who ever acted are deactivated, never deleted. */
@Entity({ tableName: 'app_user' })
@ObjectType({ simpleResolvers: true, description: 'A person who uses the platform' })
@Authorized()
export class User {
  [OptionalProps]?:
    'createdAt' | 'active' | 'email' | 'deactivatedAt' | 'displayName' | 'platformAdmin' | 'createdInAooId';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @Property({ length: 64 })
  @Field()
  username!: string;

  @Property({ length: 100 })
  @Field()
  givenName!: string;

  @Property({ length: 100 })
  @Field()
  familyName!: string;

  @Property({ length: 254, nullable: true })
  @Field(() => String, { nullable: true })
  email: string | null = null;

  /** The `sub` claim the identity provider puts in this person's tokens. */
  @Property({ length: 255 })
  subject!: string;

  @Property()
  @Field()
  active: boolean = true;

  @Property({ type: 'timestamptz' })
  @Field()
  createdAt: Date = new Date();

  /** Creates administrations and AOOs: the one right not scoped to an AOO. */
  @Property()
  @Field()
  platformAdmin: boolean = false;

  /** The AOO whose administrator created the user, so its admins see the user before any membership. */
  @Property({ type: 'uuid', nullable: true })
  createdInAooId: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true })
  deactivatedAt: Date | null = null;

  get displayName(): string {
    return `${this.givenName} ${this.familyName}`;
  }
}
