import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Aoo } from '../organisation/index.js';
import { TitolarioVersionState } from './titolario-enums.js';

/**
 * One version of an AOO's titolario (DOMAIN §2): a tree of nodes in force from validFrom (always a
 * 1 January after the approval) until the next published version takes effect. Revisions are
 * never retroactive and never overwrite: a classification keeps the node of the version it was
 * made under.
 */
@Entity({ tableName: 'titolario_version' })
@ObjectType({
  simpleResolvers: true,
  description: 'A version of the titolario (classification scheme) of an AOO',
})
@AnyAuthenticated()
export class TitolarioVersion {
  [OptionalProps]?: 'state' | 'approvedAt' | 'approvalAct' | 'publishedBy';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier of the version' })
  id: string = randomUUID();

  @ManyToOne(() => Aoo)
  aoo!: Rel<Aoo>;

  @Property({ length: 200 })
  @Field({ description: 'A name for people, e.g. "Titolario 2026"' })
  label!: string;

  /** 'yyyy-mm-dd', always a 1 January (database check). */
  @Property({ type: 'date', columnType: 'date' })
  @Field(() => String, {
    description: 'First day (YYYY-MM-DD, a 1 January) on which the version is in force',
  })
  validFrom!: string;

  @Enum({ items: () => TitolarioVersionState })
  @Field(() => TitolarioVersionState, { description: 'Draft or published' })
  state: TitolarioVersionState = TitolarioVersionState.DRAFT;

  /** When it was approved and published (request clock); the approval day decides the earliest validFrom. */
  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the version was approved and published' })
  approvedAt: Date | null = null;

  @Property({ length: 1000, nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'The act that approved it, e.g. "Delibera di Giunta n. 12 del 3 marzo 2025"',
  })
  approvalAct: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  publishedBy: string | null = null;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When the draft was created' })
  createdAt!: Date;
}
