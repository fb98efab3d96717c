import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Requires } from '../../../server/auth/access.js';
import { CONSERVATION_MANAGE, ConservationPackage } from '../package/index.js';

/** Fascicoli one conserveDueFascicoli call sends (each a package and a transaction); call again for more. */
export const MAX_DUE_BATCH = 50;

@ObjectType({
  simpleResolvers: true,
  description: 'A due fascicolo conserveDueFascicoli did not send, and why',
})
@Requires(CONSERVATION_MANAGE)
export class ConservationSkippedFascicolo {
  @Field(() => ID, { description: 'The fascicolo' })
  fascicoloId!: string;

  @Field({
    description:
      'The error code (CONSERVATION_IN_PROGRESS, CONSERVATION_EMPTY_PACKAGE, CONSERVATION_FASCICOLO_NOT_CLOSED…)',
  })
  code!: string;

  @Field({ description: 'Why, in words' })
  message!: string;
}

@ObjectType({ simpleResolvers: true, description: 'What conserveDueFascicoli did' })
@Requires(CONSERVATION_MANAGE)
export class ConserveDueFascicoliResult {
  @Field(() => [ConservationPackage], {
    description: 'The packages created (a resend for a rejected fascicolo)',
  })
  packages!: ConservationPackage[];

  @Field(() => [ConservationSkippedFascicolo], {
    description: 'The due fascicoli not sent, with their reason',
  })
  skipped!: ConservationSkippedFascicolo[];

  @Field(() => Int, {
    description: `Due fascicoli left for another call (one call handles at most ${MAX_DUE_BATCH})`,
  })
  remaining!: number;
}
