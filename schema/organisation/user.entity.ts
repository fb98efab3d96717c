import { randomUUID } from 'node:crypto';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';

/** A person who uses the platform. Users who ever acted are deactivated, never deleted. */
@Entity({ tableName: 'app_user' })
@ObjectType({ simpleResolvers: true, description: 'A person who uses the platform' })
@AnyAuthenticated()
export class User {
  [OptionalProps]?: 'active' | 'email' | 'deactivatedAt' | 'displayName' | 'platformAdmin' | 'createdInAooId';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier of the user' })
  id: string = randomUUID();

  @Property({ length: 64 })
  @Field({ description: 'Login-independent short name, unique on the platform (lowercase)' })
  username!: string;

  @Property({ length: 100 })
  @Field({ description: 'Given name (nome)' })
  givenName!: string;

  @Property({ length: 100 })
  @Field({ description: 'Family name (cognome)' })
  familyName!: string;

  @Property({ length: 254, nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'E-mail address for notices; null when none was given',
  })
  email: string | null = null;

  /** The `sub` claim the identity provider puts in this person's tokens. */
  @Property({ length: 255 })
  subject!: string;

  @Property()
  @Field({ description: "False once deactivated: the user's tokens no longer work" })
  active: boolean = true;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the user was created' })
  createdAt!: Date;

  /** Creates administrations and AOOs: the one right not scoped to an AOO. */
  @Property()
  @Field({ description: 'Whether the user may create administrations and AOOs (the one right outside AOOs)' })
  platformAdmin: boolean = false;

  /** The AOO whose administrator created the user, so its admins see the user before any membership. */
  @Property({ type: 'uuid', nullable: true })
  createdInAooId: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the user was deactivated; null while active' })
  deactivatedAt: Date | null = null;

  get displayName(): string {
    return `${this.givenName} ${this.familyName}`;
  }
}
