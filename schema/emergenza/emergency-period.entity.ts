import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';

/** The opening of an emergency register covers this long from the start of the outage (001 §6.9). */
export const OPENING_PERIOD_MS = 24 * 3_600_000;
/** Each extension covers at most this long after the end of the previous period (001 §6.9). */
export const MAX_EXTENSION_MS = 7 * 24 * 3_600_000;

/** At most this many periods per register (over a year of weekly extensions): bounds the list. */
export const MAX_EMERGENCY_PERIODS = 60;

/**
 * A period for which the use of an emergency register is authorised (001 §6.9): the opening
 * covers the first 24 hours from the start of the outage; when the outage lasts longer the RGD
 * authorises further periods of at most one week each, every one starting where the previous
 * ended and recording its authorising act ("gli estremi del provvedimento di autorizzazione").
 * Append-only: a period is never changed or removed.
 */
@Entity({ tableName: 'emergency_period' })
@ObjectType({
  simpleResolvers: true,
  description:
    'A period for which the use of an emergency register is authorised: the opening (first 24 hours) or an extension by the RGD (at most one week)',
})
@AnyAuthenticated()
export class EmergencyPeriod {
  [OptionalProps]?: 'extension';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  registerId!: string;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: '1 for the opening, then 2, 3, … for each extension' })
  sequence!: number;

  @Property({ type: 'timestamptz', fieldName: 'starts_at' })
  @Field({ description: 'Start of the period (the start of the outage, or the end of the previous period)' })
  from!: Date;

  @Property({ type: 'timestamptz', fieldName: 'ends_at' })
  @Field({ description: 'End of the period: the register may be used, and closed, up to this moment' })
  until!: Date;

  @Property({ length: 500 })
  @Field({ description: 'The act that authorises this period (estremi del provvedimento)' })
  authorisation!: string;

  @Field({ description: 'Whether it is an extension by the RGD (false for the opening)' })
  @AnyAuthenticated()
  get extension(): boolean {
    return this.sequence > 1;
  }

  @Property({ type: 'timestamptz' })
  @Field({ description: 'When it was recorded in the system' })
  recordedAt!: Date;

  @Property({ type: 'uuid', fieldName: 'recorded_by' })
  recordedById!: string;
}
