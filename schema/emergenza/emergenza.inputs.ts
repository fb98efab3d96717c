import { Field, ID, InputType } from 'type-graphql';
import { EmergencyFileFormat, MAX_EMERGENCY_FILE_CHARS } from './emergency-file.js';

@InputType({ description: 'The opening of the emergency register of an AOO (001 §6.9)' })
export class OpenEmergencyRegisterInput {
  @Field(() => ID, { description: 'The AOO' })
  aooId!: string;

  @Field({ description: 'Why the protocol system cannot be used (required, at most 2000 characters)' })
  cause!: string;

  @Field({
    description:
      'Start of the outage, ISO 8601 with offset (2026-12-03T08:30:00+01:00): now or in the past, never in the future',
  })
  startedAt!: string;

  @Field({
    description:
      'The act that authorises the emergency register (required, e.g. "Provvedimento RGD n. 4/2026")',
  })
  authorisation!: string;
}

@InputType({
  description:
    'A further authorised period of an open emergency register (001 §6.9: beyond the first 24 hours, at most one week at a time)',
})
export class ExtendEmergencyRegisterInput {
  @Field(() => ID, { description: 'The (open) emergency register' })
  id!: string;

  @Field({
    description:
      'The act of the RGD that authorises the period (required, e.g. "Provvedimento RGD n. 5/2026")',
  })
  authorisation!: string;

  @Field({
    description:
      'End of the period, ISO 8601 with offset: after the end of the last authorised period and at most one week later',
  })
  until!: string;
}

@InputType({ description: 'The closing of an open emergency register' })
export class CloseEmergencyRegisterInput {
  @Field(() => ID, { description: 'The emergency register' })
  id!: string;

  @Field({
    description: 'When the service came back, ISO 8601 with offset: not before the start, not in the future',
  })
  endedAt!: string;
}

@InputType({ description: 'A file of records captured in a closed emergency register' })
export class ImportEmergencyRecordsInput {
  @Field(() => ID, { description: 'The (closed) emergency register the records were captured in' })
  registerId!: string;

  @Field(() => EmergencyFileFormat, { description: 'The format of content' })
  format!: EmergencyFileFormat;

  @Field({
    description: `The file, as text (UTF-8, at most ${MAX_EMERGENCY_FILE_CHARS} characters; README "Emergency register")`,
  })
  content!: string;
}
